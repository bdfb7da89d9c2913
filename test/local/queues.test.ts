import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLettersLocal, healthLocal, redriveLocal, sendLocal } from '../../providers/local/queue-ops.js';
import { adapter } from '../../providers/local/index.js';
import { context, deploy, fn, http, queue, service, tempProject, waitFor } from './helpers.js';

const WORKER = `
import { appendFileSync } from 'node:fs';
export async function handler(messages, ctx) {
  appendFileSync(process.env.OUT, JSON.stringify({ size: messages.length, bodies: messages.map((m) => m.body), attempts: messages.map((m) => m.attempt) }) + '\\n');
  const failed = messages.filter((m) => m.body.startsWith('fail')).map((m) => m.id);
  if (messages.some((m) => m.body === 'throw')) throw new Error('the whole batch fails');
  return { failed };
}
export async function parser(messages) {
  for (const m of messages) appendFileSync(process.env.OUT2, JSON.stringify(m.json()) + '\\n');
}
export async function producer(req, ctx) {
  const { id } = await ctx.send('orders', { from: 'handler', n: Number(req.pathParams.n) });
  return { sent: id };
}
`;

function lines(file: string): Array<Record<string, unknown>> {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}

describe('local queues: batches, partial failures, retries, DLQ, redrive, sending from handlers', () => {
  const project = tempProject({ 'src/worker.mjs': WORKER });
  const out = join(project.root, 'batches.jsonl');
  const out2 = join(project.root, 'parsed.jsonl');
  const svc = service(project.root, {
    queues: [queue('orders', { maxRetries: 2, visibilityTimeoutMs: 200 }), queue('events', { maxRetries: 0, visibilityTimeoutMs: 200 })],
    functions: [
      fn('worker', 'src/worker.mjs#handler', [{ kind: 'queue', queue: 'orders', batchSize: 3, batchWindowMs: 0 }], { env: { OUT: out }, concurrency: { max: 1, warm: 0 } }),
      fn('parser', 'src/worker.mjs#parser', [{ kind: 'queue', queue: 'events', batchSize: 1, batchWindowMs: 0 }], { env: { OUT2: out2 } }),
      fn('producer', 'src/worker.mjs#producer', [http('POST', '/send/{n}')], { sends: ['orders'] }),
    ],
  });
  let base = '';
  beforeAll(async () => {
    base = ((await deploy(svc)).outputs.localCloud as { url: string }).url;
  });
  afterAll(() => project.cleanup());

  it('delivers in batches no larger than batchSize and retries only the failed ids until the DLQ', async () => {
    await sendLocal(svc, 'orders', ['a', 'b', 'fail-1', 'c', 'd', 'e', 'f']);
    const dlq = await waitFor(async () => {
      const d = await deadLettersLocal(svc, 'orders');
      return d.length === 1 && (await healthLocal(svc)).queues.find((q) => q.name === 'orders')?.depth === 0 ? d : undefined;
    }, 'the failed message in the DLQ');
    expect(dlq[0]).toMatchObject({ body: 'fail-1', attempts: 3 });
    expect(dlq[0].lastError).toContain('reported as failed');
    const batches = lines(out);
    expect(Math.max(...batches.map((b) => b.size as number))).toBeLessThanOrEqual(3);
    const delivered = batches.flatMap((b) => b.bodies as string[]);
    for (const body of ['a', 'b', 'c', 'd', 'e', 'f']) expect(delivered.filter((x) => x === body)).toHaveLength(1);
    expect(delivered.filter((x) => x === 'fail-1')).toHaveLength(3);
    // max 1 instance: the consumer backs off while it is busy instead of being throttled.
    const records = await adapter.invocations!(svc, {}, context(project.root));
    expect(records.some((r) => r.function === 'worker')).toBe(true);
    expect(records.filter((r) => r.function === 'worker' && r.outcome === 'throttled')).toEqual([]);
  });

  it('a thrown error fails the whole batch; redrive moves dead letters back', async () => {
    await sendLocal(svc, 'orders', ['throw']);
    await waitFor(async () => ((await deadLettersLocal(svc, 'orders')).length === 2 ? true : undefined), 'the thrown batch in the DLQ');
    const dlq = await deadLettersLocal(svc, 'orders');
    expect(dlq.find((m) => m.body === 'throw')?.lastError).toContain('the whole batch fails');
    expect(await redriveLocal(svc, 'orders')).toBe(2);
    expect(await deadLettersLocal(svc, 'orders')).toHaveLength(0);
    // Still failing: they come back to the DLQ after their retries, with attempts counted afresh.
    const back = await waitFor(async () => {
      const d = await deadLettersLocal(svc, 'orders');
      return d.length === 2 ? d : undefined;
    }, 'redriven messages back in the DLQ');
    expect(back.every((m) => m.attempts === 3)).toBe(true);
  });

  it('a handler sends to a queue through ctx.send', async () => {
    const res = await fetch(`${base}/send/5`, { method: 'POST' });
    expect(res.status).toBe(200);
    const { sent } = (await res.json()) as { sent: string };
    expect(typeof sent).toBe('string');
    await waitFor(() => (lines(out).some((b) => (b.bodies as string[]).includes(JSON.stringify({ from: 'handler', n: 5 }))) ? true : undefined), 'the sent message delivered');
  });

  it('a malformed body fails clearly into the DLQ while good messages go through', async () => {
    await sendLocal(svc, 'events', ['{"ok":1}', '{not json', '{"ok":2}']);
    // At-least-once delivery: with a 200 ms visibility timeout a slow (loaded) machine may deliver a
    // good message twice, so wait for what must hold, not for exact counts.
    const dlq = await waitFor(async () => {
      const d = await deadLettersLocal(svc, 'events');
      const ok = new Set(lines(out2).map((l) => l.ok));
      return d.some((m) => m.body === '{not json') && ok.has(1) && ok.has(2) ? d : undefined;
    }, 'the malformed message in the DLQ');
    const bad = dlq.find((m) => m.body === '{not json')!;
    expect(bad.lastError).toMatch(/not valid JSON/);
    expect(dlq.filter((m) => m.body === '{not json')).toHaveLength(1);
    expect([...new Set(lines(out2).map((l) => l.ok))].sort()).toEqual([1, 2]);
  });

  it('refuses an unknown queue clearly', async () => {
    await expect(sendLocal(svc, 'nope', ['x'])).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining("no queue 'nope'") });
  });
});
