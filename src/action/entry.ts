import { runAction } from './run.js';

/**
 * The entry of dist/action.js (action.yml `runs.main`). GitHub hands inputs over as INPUT_*
 * variables; the token for the pull-request comment is taken out of this process's environment
 * first, so nothing sls-x starts (esbuild, the handler probe, a cloud SDK) can see it.
 */
const env = { ...process.env };
delete process.env['INPUT_GITHUB-TOKEN'];
process.exitCode = await runAction(env, (s) => void process.stdout.write(s), { err: (s) => void process.stderr.write(s) });
