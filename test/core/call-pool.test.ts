import { describe, expect, it } from 'vitest';
import { CallPool } from '../../src/core/call-pool.js';

class Throttled extends Error {
  override name = 'ThrottlingException';
}

/** A pool on a virtual clock: sleeping advances it, so pacing is exact and the test never waits. */
function virtualPool(over: Partial<ConstructorParameters<typeof CallPool>[0]> = {}) {
  const clock = { t: 1_000 };
  const slept: number[] = [];
  const pool = new CallPool({
    concurrency: 4,
    rate: (key) => (key === 'slow' ? { perSecond: 5, burst: 1 } : { perSecond: 1000, burst: 1000 }),
    isThrottle: (err) => err instanceof Throttled,
    now: () => clock.t,
    sleep: async (ms) => {
      slept.push(ms);
      clock.t += ms;
    },
    random: () => 0.5,
    trace: true,
    ...over,
  });
  return { pool, clock, slept };
}

/** Most calls of `key` that started inside any one-second window. */
function busiestSecond(trace: Array<{ key: string; at: number }>, key: string): number {
  const at = trace.filter((t) => t.key === key).map((t) => t.at).sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while (at[i]! - at[j]! >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('CallPool', () => {
  it('never has more calls in flight than its concurrency, however many are queued', async () => {
    const { pool } = virtualPool();
    let inFlight = 0;
    let peak = 0;
    const work = async (): Promise<number> => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      return 1;
    };
    const results = await Promise.all(Array.from({ length: 60 }, () => pool.run('fast', work)));
    expect(results).toHaveLength(60);
    expect(peak).toBe(4);
    expect(pool.stats().maxInFlight).toBe(4);
    expect(pool.stats().calls.fast).toBe(60);
  });

  it('starts calls of a 5/s API 200 ms apart: 30 calls never put more than 5 in one second', async () => {
    const { pool } = virtualPool();
    await Promise.all(Array.from({ length: 30 }, () => pool.run('slow', async () => 'ok')));
    expect(busiestSecond(pool.trace, 'slow')).toBe(5);
    const at = pool.trace.map((t) => t.at);
    expect(Math.max(...at) - Math.min(...at)).toBe(29 * 200);
  });

  it('a slow API waiting for its turn holds no slot: other APIs go on meanwhile', async () => {
    const { pool } = virtualPool({ concurrency: 1, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))) });
    const order: string[] = [];
    const slow = Array.from({ length: 3 }, (_, i) => pool.run('slow', async () => void order.push(`slow${i}`)));
    const fast = pool.run('fast', async () => void order.push('fast'));
    await Promise.all([...slow, fast]);
    expect(order.indexOf('fast')).toBeLessThan(order.indexOf('slow2'));
  });

  it('halves the pace of a throttled API, retries it after a backoff, and recovers its rate on success', async () => {
    const { pool, slept } = virtualPool({ retry: { attempts: 4, baseMs: 100, maxMs: 1000 } });
    let n = 0;
    const out = await pool.run('slow', async () => {
      if (++n < 3) throw new Throttled('Rate exceeded');
      return 'done';
    });
    expect(out).toBe('done');
    expect(n).toBe(3);
    expect(pool.stats().throttled.slow).toBe(2);
    // Backoff with jitter: half the cap plus a random half (0.5 here): 75 ms, then 150 ms.
    expect(slept).toEqual(expect.arrayContaining([75, 150]));
    const lowered = pool.currentRate('slow');
    expect(lowered).toBeLessThan(5);
    for (let i = 0; i < 100; i++) await pool.run('slow', async () => 'ok');
    expect(pool.currentRate('slow')).toBe(5);
  });

  it('gives up after its attempts and throws the throttle; other errors are not retried', async () => {
    const { pool } = virtualPool({ retry: { attempts: 3, baseMs: 10, maxMs: 100 } });
    let n = 0;
    await expect(pool.run('fast', async () => {
      n++;
      throw new Throttled('Rate exceeded');
    })).rejects.toBeInstanceOf(Throttled);
    expect(n).toBe(3);
    let m = 0;
    await expect(pool.run('fast', async () => {
      m++;
      throw new Error('AccessDenied');
    })).rejects.toThrow('AccessDenied');
    expect(m).toBe(1);
    // The slots were all given back.
    await expect(Promise.all(Array.from({ length: 8 }, () => pool.run('fast', async () => 1)))).resolves.toHaveLength(8);
  });
});
