import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapter } from '../../providers/local/index.js';
import { findRunning, pidAlive } from '../../providers/local/launcher.js';
import { context, deploy, fn, http, remove, service, tempProject } from './helpers.js';

const API = `
let calls = 0;
export async function handler(req, ctx) {
  calls++;
  if (req.path === '/boom') throw new Error('kaboom');
  return { id: req.pathParams.id, q: req.query.q ?? null, calls, cold: ctx.coldStart, method: req.method, body: req.body ?? null, fn: ctx.functionName };
}
export async function other() { return { status: 201, headers: { 'x-other': 'yes' }, body: 'created' }; }
`;

describe('local target: deploy, invoke through the gateway, redeploy, remove', () => {
  const project = tempProject({ 'src/api.mjs': API });
  const svc = service(project.root, {
    functions: [
      fn('api', 'src/api.mjs#handler', [http('GET', '/orders/{id}'), http('POST', '/orders/{id}'), http('GET', '/boom')]),
      fn('other', 'src/api.mjs#other', [http('POST', '/other')]),
    ],
  });
  let base = '';

  beforeAll(async () => {
    const { outputs } = await deploy(svc);
    base = (outputs.localCloud as { url: string }).url;
  });
  afterAll(() => project.cleanup());

  it('prints endpoints on 127.0.0.1 and keeps pid, port and state under .sls-x/local/', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { endpoints } = await adapter.outputs(svc, { target: 'local', service: 'demo', stage: 'dev', root: project.root } as never, context(project.root));
    expect(endpoints.map((e) => `${e.method} ${e.url.replace(base, '')}`).sort()).toEqual(['GET /boom', 'GET /orders/{id}', 'POST /orders/{id}', 'POST /other']);
    const info = JSON.parse(readFileSync(join(project.root, '.sls-x/local/cloud.json'), 'utf8'));
    expect(info.port).toBe(Number(base.split(':').pop()));
    expect(pidAlive(info.pid)).toBe(true);
    expect(existsSync(join(project.root, '.sls-x/local/state.db'))).toBe(true);
  });

  it('routes with path params and query, cold first then warm', async () => {
    const first = await (await fetch(`${base}/orders/42?q=x`)).json();
    expect(first).toMatchObject({ id: '42', q: 'x', calls: 1, cold: true, method: 'GET', fn: 'api' });
    const second = await (await fetch(`${base}/orders/43`, { method: 'POST', body: 'hello' })).json();
    expect(second).toMatchObject({ id: '43', calls: 2, cold: false, method: 'POST', body: 'hello' });
  });

  it('passes status and headers through, answers 404 for unknown routes and 500 with the error', async () => {
    const res = await fetch(`${base}/other`, { method: 'POST' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-other')).toBe('yes');
    expect(await res.text()).toBe('created');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const boom = await fetch(`${base}/boom`);
    expect(boom.status).toBe(500);
    expect(((await boom.json()) as { error: string }).error).toContain('kaboom');
  });

  it('invokes a function directly with its figures', async () => {
    const out = await adapter.invoke!(svc, 'api', { pathParams: { id: '7' } }, context(project.root));
    expect((out.result as { status: number }).status).toBe(200);
    expect(JSON.parse((out.result as { body: string }).body)).toMatchObject({ id: '7' });
    expect(out.record).toMatchObject({ function: 'api', target: 'local', outcome: 'ok', trigger: 'invoke', memoryMb: 128 });
    expect(out.record.billedMs).toBeGreaterThanOrEqual(1);
  });

  it('deploying again with no change plans only no-ops and keeps the same local cloud', async () => {
    const before = await findRunning(project.root);
    const { plan } = await deploy(svc);
    expect(plan.changes.length).toBeGreaterThan(0);
    expect(plan.changes.filter((c) => c.action !== 'noop')).toEqual([]);
    expect((await findRunning(project.root))?.pid).toBe(before?.pid);
  });

  it('remove deletes everything, stops the local cloud and deletes its state', async () => {
    const info = await findRunning(project.root);
    const plan = await remove(svc);
    expect(plan.changes.every((c) => c.action === 'delete')).toBe(true);
    expect(existsSync(join(project.root, '.sls-x/local'))).toBe(false);
    expect(info && pidAlive(info.pid)).toBe(false);
  });
});

describe('local target: remove while the local cloud is stopped', () => {
  const project = tempProject({ 'src/api.mjs': API });
  const svc = service(project.root, { queues: [{ name: 'q', visibilityTimeoutMs: 1000, maxRetries: 1, deadLetter: true, retentionMs: 86_400_000 }], functions: [fn('api', 'src/api.mjs#handler', [http('GET', '/orders/{id}')])] });
  afterAll(() => project.cleanup());

  it('deletes from the state without starting it, then deletes the state', async () => {
    await deploy(svc);
    const { stopCloud } = await import('../../providers/local/launcher.js');
    expect(await stopCloud(project.root)).toBe(true);
    const plan = await remove(svc);
    expect(plan.changes.map((c) => c.action)).toEqual(['delete', 'delete', 'delete']);
    expect(await findRunning(project.root)).toBeUndefined();
    expect(existsSync(join(project.root, '.sls-x/local'))).toBe(false);
  });
});
