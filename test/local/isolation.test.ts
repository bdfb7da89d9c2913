import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from './helpers.js';
import { runCli } from '../support/cli.js';
import { localPaths } from '../../providers/local/paths.js';
import { loopbackHost } from '../../providers/local/daemon/server.js';

const YAML = `
service: iso
runtime: node20
targets:
  local: { port: 0, idleTimeout: 10m }
functions:
  spy:
    handler: src/spy.handler
    events:
      - http: GET /spy
`;

const SPY = `
import { readFileSync } from 'node:fs';
export const handler = async () => {
  let environ = '';
  try { environ = readFileSync('/proc/self/environ', 'utf8'); } catch {}
  return { env: Object.keys(process.env).sort(), environ };
};
`;

const CLOUD_KEY = 'AKIA-shell-secret-DO-NOT-LEAK';

/** Raw HTTP to the local cloud with a chosen Host header (fetch always sends the URL's). */
function raw(port: number, path: string, host: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: body ? 'POST' : 'GET', headers: { host, ...headers, ...(body ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Issue 8.5: what a local function can reach, and what reaches the local cloud. */
describe('local cloud isolation', () => {
  const project = tempProject({ 'faas.yaml': YAML, 'src/spy.mjs': SPY });
  let port = 0;
  beforeAll(async () => {
    const out = await runCli(['deploy'], project.root, { env: { ...process.env, CI: '1', AWS_SECRET_ACCESS_KEY: CLOUD_KEY, GITHUB_TOKEN: CLOUD_KEY } });
    expect(out.code, out.stderr).toBe(0);
    port = Number(/http:\/\/127\.0\.0\.1:(\d+)\/spy/.exec(out.stdout)?.[1]);
  }, 60_000);
  afterAll(() => project.cleanup());

  it('functions see neither the deploying shell\'s environment nor the control token', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/spy`);
    const body = (await res.json()) as { env: string[]; environ: string };
    expect(body.env).not.toContain('AWS_SECRET_ACCESS_KEY');
    expect(body.env).not.toContain('SLSX_LOCAL_TOKEN');
    expect(body.env).not.toContain('GITHUB_TOKEN');
    // /proc/self/environ is the whole local cloud process's: the shell's keys are not in it either.
    if (existsSync('/proc/self/environ')) {
      expect(body.environ.length).toBeGreaterThan(0);
      expect(body.environ).not.toContain(CLOUD_KEY);
    }
    const token = (JSON.parse(readFileSync(localPaths(project.root).pidFile, 'utf8')) as { token: string }).token;
    expect(body.environ).not.toContain(token);
  });

  it('state is private to the user: the folder 0700, state and token files 0600', () => {
    const p = localPaths(project.root);
    expect(statSync(p.dir).mode & 0o777).toBe(0o700);
    expect(statSync(p.db).mode & 0o777).toBe(0o600);
    expect(statSync(p.pidFile).mode & 0o777).toBe(0o600);
  });

  it('answers only to loopback Host names with its port (DNS rebinding), gateway and control API alike', async () => {
    expect((await raw(port, '/spy', 'evil.example')).status).toBe(421);
    expect((await raw(port, '/spy', `evil.example:${port}`)).status).toBe(421);
    expect((await raw(port, '/_slsx/health', `rebind.attacker.test:${port}`)).status).toBe(421);
    expect((await raw(port, '/spy', `127.0.0.1:${port}`)).status).toBe(200);
    expect((await raw(port, '/spy', `localhost:${port}`)).status).toBe(200);
    expect(loopbackHost(`[::1]:${port}`, port)).toBe(true);
    expect(loopbackHost(`127.0.0.1:${port + 1}`, port)).toBe(false);
    expect(loopbackHost(undefined, port)).toBe(false);
  });

  it('the control API refuses a crafted id that points outside the project, and touches nothing there', async () => {
    const victim = join(dirname(project.root), `victim-${port}`);
    mkdirSync(victim, { recursive: true });
    writeFileSync(join(victim, 'keep.txt'), 'precious');
    const token = (JSON.parse(readFileSync(localPaths(project.root).pidFile, 'utf8')) as { token: string }).token;
    const host = `127.0.0.1:${port}`;
    const auth = { 'x-slsx-token': token };
    for (const [type, id] of [['local:function', `function:../../../../${victim}`], ['local:bucket', 'bucket:../../../victim'], ['local:function', 'function:..']]) {
      const del = await raw(port, '/_slsx/resources/delete', host, auth, JSON.stringify({ id, type }));
      expect([id, del.status]).toEqual([id, 400]);
      expect(del.text).toContain('invalid resource name');
      const put = await raw(port, '/_slsx/resources/put', host, auth, JSON.stringify({ id, type, props: {} }));
      expect([id, put.status]).toEqual([id, 400]);
    }
    expect(readFileSync(join(victim, 'keep.txt'), 'utf8')).toBe('precious');
  });
});
