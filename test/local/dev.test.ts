import { existsSync, renameSync } from 'node:fs';
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

      // An editor's atomic save: write a temp file beside it, then rename it over the original.
      project.write('src/.hello.mjs.tmp-save', `export const handler = async () => ({ v: 3 });\n`);
      renameSync(join(project.root, 'src/.hello.mjs.tmp-save'), join(project.root, 'src/hello.mjs'));
      await waitFor(async () => ((await (await fetch(url)).json()) as { v: number }).v === 3 || undefined, 'the version saved by rename');
      project.write('src/.hello.mjs.tmp-save', `export const handler = async () => ({ v: 2 });\n`);
      renameSync(join(project.root, 'src/.hello.mjs.tmp-save'), join(project.root, 'src/hello.mjs'));
      await waitFor(async () => ((await (await fetch(url)).json()) as { v: number }).v === 2 || undefined, 'a second rename save (the watch survived the first)').catch((e) => {
        throw new Error(`${(e as Error).message}\n${out}\n${err}`);
      });

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

  it('--inspect opens the debugger on loopback for the process that runs the workers, and closes it on stop', async () => {
    let out = '';
    const ctx: CliContext = { cwd: project.root, env: { ...process.env, CI: '1' }, stdout: { write: (s) => void (out += s) }, stderr: { write: () => {} }, interactive: false, now: () => new Date() };
    project.write('src/hello.mjs', `export const handler = async () => ({ v: 1 });\n`);
    const abort = new AbortController();
    const running = await startDev({ inspect: '0' }, ctx, abort.signal);
    try {
      const ws = /Debugger listening on (ws:\/\/127\.0\.0\.1:(\d+)\/\S+)/.exec(out);
      expect(ws, out).toBeTruthy();
      const list = (await (await fetch(`http://127.0.0.1:${ws![2]}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
      expect(list.map((t) => t.webSocketDebuggerUrl)).toContain(ws![1]);
    } finally {
      abort.abort();
      await running.stopped;
    }
    const { url } = await import('node:inspector');
    expect(url()).toBeUndefined();
  }, 60_000);
});
