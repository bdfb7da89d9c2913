import { describe, expect, it } from 'vitest';
import { withBackoff } from '../../src/apply/backoff.js';

describe('withBackoff', () => {
  it('retries only retryable errors, doubling the pause up to the cap, then succeeds', async () => {
    const pauses: number[] = [];
    let calls = 0;
    const value = await withBackoff(async () => {
      calls++;
      if (calls < 4) throw new Error('not yet');
      return 'done';
    }, { attempts: 6, sleep: async (ms) => void pauses.push(ms), baseMs: 100, maxMs: 300, retryIf: (e) => (e as Error).message === 'not yet' });
    expect(value).toBe('done');
    expect(pauses).toEqual([100, 200, 300]);
  });

  it('throws the last error after the attempts, and other errors at once', async () => {
    let calls = 0;
    await expect(withBackoff(async () => { calls++; throw new Error('not yet'); }, { attempts: 3, sleep: async () => {}, baseMs: 1, maxMs: 1, retryIf: () => true })).rejects.toThrow('not yet');
    expect(calls).toBe(3);
    calls = 0;
    await expect(withBackoff(async () => { calls++; throw new Error('denied'); }, { attempts: 3, sleep: async () => {}, baseMs: 1, maxMs: 1, retryIf: () => false })).rejects.toThrow('denied');
    expect(calls).toBe(1);
  });
});
