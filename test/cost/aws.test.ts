import { describe, expect, it } from 'vitest';
import { estimateAws } from '../../src/cost/aws.js';
import { defaultCatalogs } from '../../src/cost/catalog.js';
import { estimate } from '../../src/cost/estimate.js';
import { profile } from './helpers.js';

const cats = defaultCatalogs();
const T = 730 * 3600;
const run = (ps: Parameters<typeof estimateAws>[0], o: { arch?: 'x86_64' | 'arm64'; freeTier?: boolean } = {}) =>
  estimateAws(ps, cats.aws, { arch: o.arch, freeTier: o.freeTier ?? true, secondsPerMonth: T });
const item = (items: ReturnType<typeof run>, fn: string, kind: string) => items.get(fn)!.find((i) => i.kind === kind)!;

describe('AWS Lambda billing rules', () => {
  it("reproduces AWS's worked example from PRICING.md: 3M x 120 ms x 1,536 MB x86 = $2.33 + $0.40 = $2.73", () => {
    const est = estimate([profile({ requestsPerMonth: 3e6, durationMs: 120, memoryMb: 1536 })], cats, { targets: ['aws'], arch: 'x86_64' });
    const row = est.rows[0];
    expect(row.items.find((i) => i.kind === 'compute')).toMatchObject({ quantity: 140_000, freeQuantity: 400_000, amount: 2.33 });
    expect(row.items.find((i) => i.kind === 'requests')).toMatchObject({ quantity: 2e6, amount: 0.4 });
    expect(row.total).toBe(2.73);
  });

  it('shows list price without the free tier: 400,000 GB-s is $6.67 on x86 (not $0.08), 1M requests $0.20', () => {
    const p = profile({ requestsPerMonth: 1e6, durationMs: 400, memoryMb: 1024 });
    const list = run([p], { arch: 'x86_64', freeTier: false });
    expect(item(list, 'fn', 'compute').amount).toBe(6.67);
    expect(item(list, 'fn', 'requests').amount).toBe(0.2);
    const free = run([p], { arch: 'x86_64' });
    expect(item(free, 'fn', 'compute').amount).toBe(0);
    expect(item(free, 'fn', 'requests').amount).toBe(0);
  });

  it('rounds each invocation up to the next 1 ms, with no minimum', () => {
    const gbS = (durationMs: number) => item(run([profile({ durationMs, requestsPerMonth: 1e6, memoryMb: 1024 })], { freeTier: false }), 'fn', 'compute').quantity;
    expect(gbS(120)).toBeCloseTo(120_000, 6);
    expect(gbS(120.2)).toBeCloseTo(121_000, 6);
    expect(gbS(0.4)).toBeCloseTo(1_000, 6);
  });

  it('bills INIT on cold invocations: memory x (init + duration)', () => {
    const items = run([profile({ requestsPerMonth: 1e6, durationMs: 100, memoryMb: 1024, coldStartRate: 0.1, initMs: 200 })], { freeTier: false });
    // 900k x 100 ms + 100k x 300 ms = 120,000 s at 1 GB
    expect(item(items, 'fn', 'compute').quantity).toBeCloseTo(120_000, 6);
  });

  it('applies the x86 tiers to the month total of all x86 functions, and arm64 has its own tiers', () => {
    const big = (name: string, architecture: 'x86_64' | 'arm64') => profile({ function: name, architecture, requestsPerMonth: 1e9, durationMs: 4000, memoryMb: 1024 });
    const r = cats.aws.rates;
    const x86 = run([big('a', 'x86_64'), big('b', 'x86_64')], { freeTier: false });
    const expected = 6e9 * r.durationX86Tier1PerGbS.value + 2e9 * r.durationX86Tier2PerGbS.value;
    expect(item(x86, 'a', 'compute').exact + item(x86, 'b', 'compute').exact).toBeCloseTo(expected, 4);
    expect(item(x86, 'a', 'compute').exact).toBeCloseTo(expected / 2, 4);
    // Each alone would stay in tier 1: the shared total is what crosses it.
    expect(item(run([big('a', 'x86_64')], { freeTier: false }), 'a', 'compute').exact).toBeCloseTo(4e9 * r.durationX86Tier1PerGbS.value, 4);
    // One x86 + one arm64 (each architecture's own total): neither crosses its first tier.
    const mixed = run([big('a', 'x86_64'), big('b', 'arm64')], { freeTier: false });
    expect(item(mixed, 'a', 'compute').exact).toBeCloseTo(4e9 * r.durationX86Tier1PerGbS.value, 4);
    expect(item(mixed, 'b', 'compute').exact).toBeCloseTo(4e9 * r.durationArmTier1PerGbS.value, 4);
    // arm64 tier 1 ends at 7.5B GB-s.
    const arm = run([big('a', 'arm64'), big('b', 'arm64')], { freeTier: false });
    const armExpected = 7.5e9 * r.durationArmTier1PerGbS.value + 0.5e9 * r.durationArmTier2PerGbS.value;
    expect(item(arm, 'a', 'compute').exact + item(arm, 'b', 'compute').exact).toBeCloseTo(armExpected, 4);
  });

  it('shares one free tier across all functions of the account, split in proportion to usage, whatever their order', () => {
    const a = profile({ function: 'a', requestsPerMonth: 3e6, durationMs: 100, memoryMb: 1024 }); // 300,000 GB-s
    const b = profile({ function: 'b', requestsPerMonth: 1e6, durationMs: 100, memoryMb: 1024, architecture: 'arm64' }); // 100,000 GB-s
    const one = run([a, b]);
    expect(item(one, 'a', 'compute').freeQuantity).toBeCloseTo(300_000, 6);
    expect(item(one, 'b', 'compute').freeQuantity).toBeCloseTo(100_000, 6);
    expect(item(one, 'a', 'requests').freeQuantity).toBeCloseTo(750_000, 6);
    expect(item(one, 'b', 'requests').freeQuantity).toBeCloseTo(250_000, 6);
    const swapped = run([b, a]);
    expect(item(swapped, 'a', 'requests').exact).toBeCloseTo(item(one, 'a', 'requests').exact, 10);
    // Together they use 400,000 GB-s: exactly the free tier, so no compute is billed.
    expect(item(one, 'a', 'compute').amount + item(one, 'b', 'compute').amount).toBe(0);
  });

  it('gives no free tier to functions with provisioned concurrency, and spills traffic above it to on-demand', () => {
    // 1 request/s x 2 s = 2 in flight on average; 1 provisioned -> half the invocations on it.
    const pc = profile({ function: 'pc', requestsPerMonth: T, durationMs: 2000, memoryMb: 1024, warm: 1 });
    const other = profile({ function: 'other', requestsPerMonth: 1e6, durationMs: 100, memoryMb: 1024 });
    const items = run([pc, other], { arch: 'x86_64' });
    const r = cats.aws.rates;
    expect(item(items, 'pc', 'requests').freeQuantity).toBe(0);
    expect(item(items, 'pc', 'compute').freeQuantity).toBe(0);
    expect(item(items, 'other', 'requests').freeQuantity).toBe(1e6);
    const warm = item(items, 'pc', 'warm');
    const enabled = 1 * T * r.pcEnabledX86PerGbS.value;
    const served = (T / 2) * 2 * r.pcDurationX86PerGbS.value;
    expect(warm.exact).toBeCloseTo(enabled + served, 6);
    expect(item(items, 'pc', 'compute').quantity).toBeCloseTo((T / 2) * 2, 3); // spill-over, on-demand GB-s
  });

  it('bills ephemeral storage above the included 512 MB per GB-s of duration', () => {
    const items = run([profile({ requestsPerMonth: 1e6, durationMs: 1000, memoryMb: 1024, ephemeralStorageMb: 10240 })]);
    const s = item(items, 'fn', 'storage');
    expect(s.quantity).toBeCloseTo(9.5 * 1e6, 3);
    expect(s.amount).toBe(0.29);
    expect(run([profile({ ephemeralStorageMb: 512 })]).get('fn')!.some((i) => i.kind === 'storage')).toBe(false);
  });

  it('rounds each line item to the cent and then adds them (not the other way round)', () => {
    // requests $0.006 -> $0.01, compute 360 GB-s x $0.0000166667 = $0.006 -> $0.01: total $0.02, not round($0.012) = $0.01.
    const est = estimate([profile({ requestsPerMonth: 30_000, durationMs: 12, memoryMb: 1024 })], cats, { targets: ['aws'], arch: 'x86_64', freeTier: false });
    const row = est.rows[0];
    expect(row.items.map((i) => i.amount)).toEqual([0.01, 0.01]);
    expect(row.total).toBe(0.02);
  });

  it('prices the HTTP API gateway, SQS and EventBridge Scheduler for the triggers a function has', () => {
    const est = estimate(
      [
        profile({ function: 'api', requestsPerMonth: 3e6, events: { http: true } }),
        profile({ function: 'worker', requestsPerMonth: 1e6, events: { http: false, queue: { batchSize: 10, messageKb: 1 } } }),
        profile({ function: 'cron', requestsPerMonth: 30, events: { http: false, schedule: { jobs: 1 } } }),
      ],
      cats,
      { targets: ['aws'], arch: 'arm64' },
    );
    const get = (fn: string, kind: string) => est.rows.find((r) => r.function === fn)!.items.find((i) => i.kind === kind)!;
    expect(get('api', 'gateway').amount).toBe(3);
    // 10M sends + 1M receives + 1M deletes = 12M requests, 1M free -> 11M x $0.40/M
    expect(get('worker', 'queue').amount).toBe(4.4);
    expect(get('cron', 'scheduler').amount).toBe(0);
  });
});
