import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRunning, findRunning, pidAlive } from '../../providers/local/launcher.js';
import { deadLettersLocal, healthLocal, sendLocal } from '../../providers/local/queue-ops.js';
import { deploy, fn, queue, service, tempProject, waitFor } from './helpers.js';

const N = 10_000;

const WORKER = `
import { appendFileSync } from 'node:fs';
export async function handler(messages) {
  await new Promise((r) => setTimeout(r, 2));
  const ok = messages.filter((m) => Number(m.body) % 97 !== 0);
  // Processed-id bookkeeping before the ack: a kill in between means a redelivery, never a loss.
  if (ok.length) appendFileSync(process.env.DONE, ok.map((m) => m.body).join('\\n') + '\\n');
  return { failed: messages.filter((m) => Number(m.body) % 97 === 0).map((m) => m.id) };
}
`;

function processed(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe('local queues are durable: kill -9 while draining 10,000 messages loses none', () => {
  const project = tempProject({ 'src/worker.mjs': WORKER });
  const done = join(project.root, 'done.txt');
  const svc = service(project.root, {
    queues: [queue('jobs', { maxRetries: 1, visibilityTimeoutMs: 500 })],
    functions: [fn('worker', 'src/worker.mjs#handler', [{ kind: 'queue', queue: 'jobs', batchSize: 10, batchWindowMs: 0 }], { env: { DONE: done }, concurrency: { max: 2, warm: 0 } })],
  });
  beforeAll(async () => {
    await deploy(svc);
  });
  afterAll(() => project.cleanup());

  it('every message is processed or dead-lettered after a crash and restart', async () => {
    const bodies = Array.from({ length: N }, (_, i) => String(i + 1));
    await sendLocal(svc, 'jobs', bodies);
    const before = await findRunning(project.root);
    expect(before).toBeDefined();
    // Kill while it is mid-way (some processed, many not).
    await waitFor(() => (processed(done).length >= 1500 ? true : undefined), 'some messages processed', 2000, 5);
    process.kill(before!.pid, 'SIGKILL');
    await waitFor(() => (!pidAlive(before!.pid) ? true : undefined), 'the local cloud to die');
    const atKill = new Set(processed(done)).size;
    // Killed mid-way: not every good message was processed yet.
    expect(atKill).toBeLessThan(N - Math.floor(N / 97));

    // Restart: the stale pid file is cleaned, everything deployed comes back from the state.
    const after = await ensureRunning(project.root);
    expect(after.pid).not.toBe(before!.pid);
    await waitFor(async () => ((await healthLocal(svc)).queues.find((q) => q.name === 'jobs')?.depth === 0 ? true : undefined), 'the queue to drain', 1200, 50);

    const seen = new Set(processed(done));
    const dead = new Set((await deadLettersLocal(svc, 'jobs')).map((m) => m.body));
    const lost = bodies.filter((b) => !seen.has(b) && !dead.has(b));
    expect(lost).toEqual([]);
    // The always-failing ones are exactly the dead letters; nothing good was dead-lettered.
    expect([...dead].sort()).toEqual(bodies.filter((b) => Number(b) % 97 === 0).sort());
    for (const d of dead) expect(seen.has(d)).toBe(false);
  }, 120_000);
});
