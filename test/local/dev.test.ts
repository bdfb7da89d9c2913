import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDev } from '../../src/cli/commands/dev.js';
import type { CliContext } from '../../src/cli/context.js';
import { tempProject, waitFor } from './helpers.js';

const YAML = `
service: devshop
runtime: node20
functions:
  hello:
    handler: src/hello.handler
    events:
      - http: GET /hello
`;

describe('sls-x dev: foreground local cloud with watch and rebuild', () => {
  const project = tempProject({ 'faas.yaml': YAML, 'src/hello.mjs': `export const handler = async () => ({ v: 1 });\n` });
  afterAll(() => project.cleanup());

  it('serves, hot-swaps on save, keeps serving through a broken save, and stops cleanly', async () => {
    let out = '';
    let err = '';
    const ctx: CliContext = { cwd: project.root, env: { ...process.env, CI: '1' }, stdout: { write: (s) => void (out += s) }, stderr: { write: (s) => void (err += s) }, interactive: false, now: () => new Date() };
    const abort = new AbortController();
    const running = await startDev({}, ctx, abort.signal);
    try {
      const url = `http://127.0.0.1:${running.info.port}/hello`;
      expect(out).toContain(`GET    ${url}`);
      expect(await (await fetch(url)).json()).toEqual({ v: 1 });
      expect(out).toMatch(/hello http ok \(cold/);

      project.write('src/hello.mjs', `export const handler = async () => ({ v: 2 });\n`);
      await waitFor(async () => ((await (await fetch(url)).json()) as { v: number }).v === 2 || undefined, 'the rebuilt version');

      project.write('src/hello.mjs', `export const handler = async () => ({ v: ;\n`);
      await waitFor(() => (err.includes('does not build') ? true : undefined), 'the build error');
      expect(out).toContain('Still serving the last good version');
      expect(await (await fetch(url)).json()).toEqual({ v: 2 });
    } finally {
      abort.abort();
      await running.stopped;
    }
    expect(existsSync(join(project.root, '.sls-x/local/cloud.json'))).toBe(false);
    await expect(fetch(`http://127.0.0.1:${running.info.port}/hello`)).rejects.toThrow();
  }, 60_000);
});
