import { afterEach, describe, expect, it, vi } from 'vitest';
import { keepRenewed } from '../../src/apply/lock-renewal.js';

describe('keepRenewed', () => {
  afterEach(() => vi.useRealTimers());

  it('renews on the interval, and says once when a renewal fails, then stops', async () => {
    vi.useFakeTimers();
    let renewals = 0;
    const lost: unknown[] = [];
    keepRenewed(async () => {
      renewals++;
      if (renewals === 2) throw new Error('lease gone');
    }, 1000, (err) => lost.push(err));
    await vi.advanceTimersByTimeAsync(5000);
    expect(renewals).toBe(2);
    expect(lost).toHaveLength(1);
    expect((lost[0] as Error).message).toBe('lease gone');
  });

  it('stop() ends the renewals without a warning', async () => {
    vi.useFakeTimers();
    let renewals = 0;
    const lost: unknown[] = [];
    const r = keepRenewed(async () => void renewals++, 1000, (err) => lost.push(err));
    await vi.advanceTimersByTimeAsync(1500);
    r.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(renewals).toBe(1);
    expect(lost).toEqual([]);
  });
});
