import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, scratch } from './helpers.js';

const s = scratch();
afterAll(() => s.cleanup());

describe.each(['http-api', 'queue-worker', 'cron'])('a project from the %s template, with no edits', (template) => {
  const dir = join(s.dir, template);

  it('is created, validates for every target and packages for every target', async () => {
    const created = await cli(['init', template, '--template', template], s.dir);
    expect(created.code).toBe(0);

    const validated = await cli(['validate', '--target', 'all'], dir);
    expect(validated.stderr + validated.stdout).not.toMatch(/\berror\b/);
    expect(validated.code).toBe(0);

    const packaged = await cli(['package', '--target', 'all'], dir);
    expect(packaged.stderr).not.toMatch(/\berror\b/);
    expect(packaged.code).toBe(0);
    expect(packaged.stdout).toMatch(/Packaged \d+ artifacts for 4 targets/);
    for (const target of ['aws', 'azure', 'gcp', 'local']) expect(existsSync(join(dir, '.sls-x', 'build', target, 'manifest.json'))).toBe(true);
    expect(existsSync(join(dir, '.sls-x', 'build', 'azure', 'app.zip'))).toBe(true);
  });
});
