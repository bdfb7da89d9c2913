import { describe, expect, it } from 'vitest';
import { QueueConsumer } from '../../providers/local/daemon/queues.js';
import type { LogLine } from '../../src/model/invocation.js';

/** Issue 8.11: one "database is locked" must not stop a queue consumer until the next send. */
describe('local queue consumer: a failed state read is retried, not the end of the consumer', () => {
  it('keeps polling after SQLITE_BUSY and delivers what is there, with no new send', async () => {
    const delivered: string[] = [];
    const logs: LogLine[] = [];
    let reads = 0;
    let pending = [{ id: 'm1', body: 'hello', attempt: 1, attributes: {}, enqueuedAt: 0 }];
    const pool = {
      hasCapacity: () => true,
      whenFree: async () => {},
      invoke: async (_kind: string, batch: Array<{ body: string }>) => {
        delivered.push(...batch.map((m) => m.body));
        return { ok: true, result: undefined, record: { outcome: 'ok' } };
      },
    };
    const state = {
      receive: () => {
        reads++;
        if (reads <= 2) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
        const out = pending;
        pending = [];
        return out;
      },
      nextVisibleAt: () => undefined,
      ack: () => {},
      fail: () => ({ deadLettered: [], dropped: [] }),
      release: () => {},
    };
    const consumer = new QueueConsumer(
      { function: 'worker', queue: 'jobs', batchSize: 10, batchWindowMs: 0 } as never,
      { state: state as never, pool: () => pool as never, queue: () => ({ visibilityTimeoutMs: 1000, maxRetries: 1, deadLetter: true }) as never, record: () => {}, log: (l) => void logs.push(l) },
    );
    consumer.start();
    for (let i = 0; i < 100 && delivered.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    consumer.stop();
    expect(delivered).toEqual(['hello']);
    expect(reads).toBeGreaterThanOrEqual(3);
    expect(logs.filter((l) => l.message.includes('database is locked'))).toHaveLength(2);
  });
});
