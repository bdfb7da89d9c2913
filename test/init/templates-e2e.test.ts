import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, scratch } from './helpers.js';

const s = scratch();
afterAll(() => s.cleanup());

/** Targets a template cannot use (none today: every target has the queue and bucket clients). */
const NOT_ON: Record<string, string[]> = {};

describe.each(['http-api', 'queue-worker', 'cron'])('a project from the %s template, with no edits', (template) => {
  const dir = join(s.dir, template);
  const unsupported = NOT_ON[template] ?? [];
  const targets = ['aws', 'azure', 'gcp', 'local'].filter((t) => !unsupported.includes(t));

  it('is created, validates for every target and packages for every target', async () => {
    const created = await cli(['init', template, '--template', template], s.dir);
    expect(created.code).toBe(0);

    for (const target of targets) {
      const validated = await cli(['validate', '--target', target], dir);
      expect(validated.stderr + validated.stdout, target).not.toMatch(/\berror\b/);
      expect(validated.code).toBe(0);
      const packaged = await cli(['package', '--target', target], dir);
      expect(packaged.stderr).not.toMatch(/\berror\b/);
      expect(packaged.code).toBe(0);
      expect(existsSync(join(dir, '.sls-x', 'build', target, 'manifest.json'))).toBe(true);
    }
    if (targets.includes('azure')) expect(existsSync(join(dir, '.sls-x', 'build', 'azure', 'app.zip'))).toBe(true);
    // No silent downgrade: a target the template cannot use says so at validate, at the call.
    for (const target of unsupported) {
      const refused = await cli(['validate', '--target', target], dir);
      expect(refused.code).toBe(2);
      expect(refused.stderr + refused.stdout).toContain('client-unsupported-target');
    }
  });
});
