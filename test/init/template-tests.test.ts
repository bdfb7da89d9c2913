import { execFile } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, scratch } from './helpers.js';

const run = promisify(execFile);
const repo = join(import.meta.dirname, '..', '..');
const s = scratch();
afterAll(() => s.cleanup());

/**
 * A project made by `sls-x init` ships unit tests written with `sls-x/testing`. They run here the
 * way a user runs them (`npm test` = `vitest run`, and `tsc --noEmit`), with node_modules linked
 * to this checkout: `sls-x` itself (its built `dist/`), vitest, TypeScript and Node's types.
 */
describe.each(['http-api', 'queue-worker', 'cron'])('the %s template\'s own tests', (template) => {
  it('pass and typecheck against sls-x/testing', async () => {
    expect((await cli(['init', template, '--template', template], s.dir)).code).toBe(0);
    const dir = join(s.dir, template);
    mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
    symlinkSync(repo, join(dir, 'node_modules', 'sls-x'), 'dir');
    for (const pkg of ['vitest', 'typescript', '@types/node']) symlinkSync(join(repo, 'node_modules', pkg), join(dir, 'node_modules', pkg), 'dir');
    const env = { ...process.env, CI: '1', NO_COLOR: '1' };
    const tests = await run(process.execPath, [join(dir, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], { cwd: dir, env });
    expect(tests.stdout).toMatch(/Tests\s+\d+ passed/);
    expect(tests.stdout).not.toMatch(/failed/);
    await run(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', dir], { cwd: dir, env });
  }, 120_000);
});
