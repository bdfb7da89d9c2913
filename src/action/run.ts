import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../paths.js';
import { SlsxError, toSlsxError } from '../errors/slsx-error.js';
import { actionArgv, readInputs } from './inputs.js';

const run = promisify(execFile);

/**
 * Append `name=value` to $GITHUB_OUTPUT with a heredoc delimiter, as multi-line values need. The
 * delimiter is a fresh random UUID (unguessable), as GitHub's own toolkit does, so a value written
 * by a handler or a cloud cannot close the heredoc early and set other outputs.
 */
export function setOutput(env: NodeJS.ProcessEnv, name: string, value: string): void {
  if (!env.GITHUB_OUTPUT) return;
  const delimiter = `slsx_${randomUUID()}`;
  if (value.includes(delimiter)) throw new SlsxError('INTERNAL', `Output '${name}' contains its own delimiter.`);
  appendFileSync(env.GITHUB_OUTPUT, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

/**
 * The GitHub Action's entry: read the inputs, run sls-x once (argv array, no shell), pass its
 * output through, set `result` (JSON or markdown) and `endpoints` outputs, and write the cost
 * table or the plan summary to the job summary. Returns sls-x's exit code.
 */
export async function runAction(env: NodeJS.ProcessEnv, log: (s: string) => void): Promise<number> {
  let argv: string[];
  try {
    argv = actionArgv(readInputs(env));
  } catch (err) {
    const e = toSlsxError(err);
    log(`::error title=sls-x ${e.code}::${e.message}${e.hint ? ` ${e.hint}` : ''}\n`);
    return e.exitCode;
  }
  const bin = join(packageRoot(), 'bin', 'sls-x');
  let stdout = '';
  let code = 0;
  try {
    ({ stdout } = await run(process.execPath, [bin, ...argv], { env: { ...env, CI: 'true' }, maxBuffer: 64 * 1024 * 1024 }).then((r) => ({ stdout: r.stdout }), (e: { stdout?: string; stderr?: string; code?: number }) => {
      code = typeof e.code === 'number' ? e.code : 1;
      if (e.stderr) log(e.stderr);
      return { stdout: e.stdout ?? '' };
    }));
  } catch (err) {
    throw new SlsxError('INTERNAL', `Could not run sls-x: ${(err as Error).message}`);
  }
  log(stdout);
  setOutput(env, 'result', stdout.trim());
  if (argv[0] === 'cost' && env.GITHUB_STEP_SUMMARY && code === 0) appendFileSync(env.GITHUB_STEP_SUMMARY, `${stdout}\n`);
  if (argv.includes('--json') && code === 0) {
    try {
      const parsed = JSON.parse(stdout) as { outputs?: { endpoints?: unknown[] } };
      if (parsed.outputs?.endpoints) setOutput(env, 'endpoints', JSON.stringify(parsed.outputs.endpoints));
    } catch {
      // Not every command prints one JSON document; the raw result output is still set.
    }
  }
  return code;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await runAction(process.env, (s) => void process.stdout.write(s));
}
