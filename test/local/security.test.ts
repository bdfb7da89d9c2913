import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlsxEvent } from '../../src/core/events.js';
import { adapter } from '../../providers/local/index.js';
import { findRunning } from '../../providers/local/launcher.js';
import { healthLocal } from '../../providers/local/queue-ops.js';
import { context, deploy, fn, http, service, tempProject, waitFor } from './helpers.js';

const CODE = `
export async function secret(req, ctx) { ctx.log.info('secret handler ran'); return { key: process.env.API_KEY ?? null, missing: process.env.NOT_SET ?? null }; }
export async function plain() { return { key: process.env.API_KEY ?? null }; }
`;
const FIRST = 'first-s3cr3t-value';
const SECOND = 'second-s3cr3t-value';

/** Every file under a folder (for "the secret is written nowhere" checks). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Local addresses of the sockets listening on a port, from /proc (Linux), as `a.b.c.d` or hex for IPv6. */
function listeners(port: number): string[] {
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '0A') continue; // 0A = LISTEN
      const [addr, portHex] = cols[1].split(':');
      if (parseInt(portHex, 16) !== port) continue;
      out.push(addr.length === 8 ? addr.match(/../g)!.reverse().map((h) => parseInt(h, 16)).join('.') : addr);
    }
  }
  return out;
}

describe('local cloud security: loopback only, control API token, secrets from .env', () => {
  const project = tempProject({ 'src/fns.mjs': CODE, '.env': `# local secrets\nAPI_KEY="${FIRST}"\n` });
  const svc = service(project.root, {
    functions: [
      fn('secret', 'src/fns.mjs#secret', [http('GET', '/secret')], { secrets: ['API_KEY', 'NOT_SET'], concurrency: { warm: 1 } }),
      fn('plain', 'src/fns.mjs#plain', [http('GET', '/plain')]),
    ],
  });
  const events: SlsxEvent[] = [];
  let base = '';
  let plan: unknown;
  beforeAll(async () => {
    const out = await deploy(svc, events);
    base = (out.outputs.localCloud as { url: string }).url;
    plan = out.plan;
  });
  afterAll(() => project.cleanup());

  it('listens on 127.0.0.1 only', async () => {
    const info = (await findRunning(project.root))!;
    expect(base).toBe(`http://127.0.0.1:${info.port}`);
    if (!existsSync('/proc/net/tcp')) return;
    expect(listeners(info.port)).toEqual(['127.0.0.1']);
  });

  it('keeps its control token in a file only the user can read, and refuses control calls without it', async () => {
    const pidFile = join(project.root, '.sls-x/local/cloud.json');
    expect(statSync(pidFile).mode & 0o077).toBe(0);
    const { token } = JSON.parse(readFileSync(pidFile, 'utf8')) as { token: string };
    const wrong = token.replace(/./g, (c) => (c === 'a' ? 'b' : 'a'));
    const variants: Array<Record<string, string>> = [{}, { 'x-slsx-token': wrong }, { 'x-slsx-token': '' }];
    for (const headers of variants) {
      const health = await fetch(`${base}/_slsx/health`, { headers });
      expect(health.status).toBe(401);
      expect(JSON.stringify(await health.json())).not.toContain(token);
      const send = await fetch(`${base}/_slsx/invoke`, { method: 'POST', headers, body: JSON.stringify({ function: 'secret' }) });
      expect(send.status).toBe(401);
      expect(await send.text()).not.toContain(FIRST);
      expect((await fetch(`${base}/_slsx/shutdown`, { method: 'POST', headers })).status).toBe(401);
    }
    // Still running, and the right token works.
    expect((await healthLocal(svc)).functions.map((f) => f.name).sort()).toEqual(['plain', 'secret']);
  });

  it('gives a function its secrets from .env, and only the functions that list them', async () => {
    expect(await (await fetch(`${base}/secret`)).json()).toEqual({ key: FIRST, missing: null });
    expect(await (await fetch(`${base}/plain`)).json()).toEqual({ key: null });
    const logs = [];
    for await (const line of adapter.logs!(svc, 'secret', { follow: false }, context(project.root))) logs.push(line);
    expect(logs.some((l) => l.level === 'warn' && l.message.includes('secret NOT_SET is not set in .env'))).toBe(true);
  });

  it('never writes a secret value to the plan, the events, the build, the state or the logs', async () => {
    await fetch(`${base}/_slsx/flush`, { method: 'POST', headers: { 'x-slsx-token': (await findRunning(project.root))!.token } });
    expect(JSON.stringify(plan)).not.toContain(FIRST);
    expect(JSON.stringify(events)).not.toContain(FIRST);
    const written = filesUnder(join(project.root, '.sls-x')).filter((f) => readFileSync(f).includes(FIRST));
    expect(written).toEqual([]);
  });

  it('a changed .env reaches the functions with no deploy (new instances, new values)', async () => {
    project.write('.env', `API_KEY=${SECOND}\n`);
    const now = await waitFor(async () => {
      const body = (await (await fetch(`${base}/secret`)).json()) as { key: string };
      return body.key === SECOND ? body : undefined;
    }, 'the new secret value', 200, 50);
    expect(now).toEqual({ key: SECOND, missing: null });
    // A deploy sees no change (secret values are not part of the desired state).
    const { plan: again } = await deploy(svc);
    expect(again.changes.every((c) => c.action === 'noop')).toBe(true);
    expect(await (await fetch(`${base}/secret`)).json()).toEqual({ key: SECOND, missing: null });
  });
});
