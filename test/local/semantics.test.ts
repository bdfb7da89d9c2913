import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthLocal } from '../../providers/local/queue-ops.js';
import { deploy, fn, http, service, tempProject, waitFor } from './helpers.js';

const code = (version: string) => `
import { existsSync } from 'node:fs';
let count = 0;
const instance = Math.random().toString(36).slice(2);
export async function state(req, ctx) { count++; return { count, instance, cold: ctx.coldStart, version: '${version}' }; }
export async function gate(req, ctx) {
  for (let i = 0; i < 2000 && !existsSync(process.env.GATE); i++) await new Promise((r) => setTimeout(r, 10));
  return { version: '${version}', cold: ctx.coldStart };
}
export async function warm(req, ctx) { return { cold: ctx.coldStart }; }
`;

describe('local serverless semantics', () => {
  const project = tempProject({ 'src/fns.mjs': code('v1') });
  const gate = join(project.root, 'gate');
  const svc = (c: string) =>
    service(project.root, {
      targets: { local: { port: 0, idleTimeoutMs: 1500 } },
      functions: [
        fn('state', 'src/fns.mjs#state', [http('GET', '/state')]),
        fn('gate', 'src/fns.mjs#gate', [http('GET', '/gate')], { env: { GATE: gate, V: c }, concurrency: { max: 1, warm: 0 } }),
        fn('warm', 'src/fns.mjs#warm', [http('GET', '/warm')], { concurrency: { max: 3, warm: 2 } }),
      ],
    });
  let base = '';
  beforeAll(async () => {
    base = ((await deploy(svc('1'))).outputs.localCloud as { url: string }).url;
  });
  afterAll(() => project.cleanup());
  const get = async (path: string) => (await (await fetch(`${base}${path}`)).json()) as Record<string, unknown>;

  it('cold on first use, warm after, each instance with its own module state', async () => {
    const a = await get('/state');
    const b = await get('/state');
    expect(a).toMatchObject({ count: 1, cold: true });
    expect(b).toMatchObject({ count: 2, cold: false, instance: a.instance });
  });

  it('goes cold again after the idle timeout (a new instance, fresh module state)', async () => {
    const first = await get('/state');
    await waitFor(async () => ((await healthLocal(svc('1'))).functions.find((f) => f.name === 'state')?.instances === 0 ? true : undefined), 'the idle instance to be reclaimed');
    const again = await get('/state');
    expect(again).toMatchObject({ count: 1, cold: true });
    expect(again.instance).not.toBe(first.instance);
  });

  it('pre-starts warm instances: their first invocation is warm', async () => {
    await waitFor(async () => ((await healthLocal(svc('1'))).functions.find((f) => f.name === 'warm')?.idle === 2 ? true : undefined), 'two warm instances');
    expect(await get('/warm')).toEqual({ cold: false });
  });

  it('answers 429 with Retry-After past max concurrency, then serves again', async () => {
    const slow = fetch(`${base}/gate`);
    await waitFor(async () => ((await healthLocal(svc('1'))).functions.find((f) => f.name === 'gate')?.busy === 1 ? true : undefined), 'one busy instance');
    const throttled = await fetch(`${base}/gate`);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
    expect(await throttled.json()).toMatchObject({ outcome: 'throttled' });
    writeFileSync(gate, '');
    expect((await slow).status).toBe(200);
    expect((await fetch(`${base}/gate`)).status).toBe(200);
  });

  it('hot-swaps on deploy: the in-flight invocation finishes on the old version, new ones run the new', async () => {
    const { rmSync } = await import('node:fs');
    rmSync(gate, { force: true });
    const inflight = fetch(`${base}/gate`).then((r) => r.json());
    await waitFor(async () => ((await healthLocal(svc('1'))).functions.find((f) => f.name === 'gate')?.busy === 1 ? true : undefined), 'the in-flight call');
    project.write('src/fns.mjs', code('v2'));
    const { plan } = await deploy(svc('1'));
    expect(plan.changes.find((c) => c.id === 'function:gate')?.action).toBe('update');
    writeFileSync(gate, '');
    expect(existsSync(gate)).toBe(true);
    expect(await inflight).toMatchObject({ version: 'v1' });
    // max 1 counts across versions, as on Lambda: the old slot may be released a moment after
    // its answer, so honour a 429 as a client would (bounded), then the new version answers.
    let answer = await fetch(`${base}/gate`);
    for (let i = 0; i < 50 && answer.status === 429; i++) {
      await new Promise((r) => setTimeout(r, 20));
      answer = await fetch(`${base}/gate`);
    }
    expect(await answer.json()).toMatchObject({ version: 'v2', cold: true });
  });
});
