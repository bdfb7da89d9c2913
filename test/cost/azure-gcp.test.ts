import { describe, expect, it } from 'vitest';
import { estimateAzureConsumption } from '../../src/cost/azure-consumption.js';
import { estimateAzureFlex } from '../../src/cost/azure-flex.js';
import { defaultCatalogs } from '../../src/cost/catalog.js';
import { estimate } from '../../src/cost/estimate.js';
import { estimateGcp, gcpVcpu } from '../../src/cost/gcp.js';
import { profile } from './helpers.js';

const cats = defaultCatalogs();
const T = 730 * 3600;
const az = cats.azure.rates;
const g = cats.gcp.rates;
const get = (m: Map<string, Array<{ kind: string }>>, kind: string, fn = 'fn') => m.get(fn)!.find((i) => i.kind === kind) as any;

describe('Azure Consumption billing rules', () => {
  const consumption = (ps: ReturnType<typeof profile>[], freeTier = false) => estimateAzureConsumption(ps, cats.azure, { freeTier });

  it('rounds observed memory up to 128 MB steps (160 MB is billed as 256 MB)', () => {
    const items = consumption([profile({ requestsPerMonth: 1e6, durationMs: 1000, memoryMb: 512, observedMemoryMb: 160 })]);
    expect(get(items, 'compute').quantity).toBeCloseTo(250_000, 6);
  });

  it('bills at least 100 ms and 128 MB per execution, time in 1 ms steps', () => {
    const gbS = (durationMs: number, memoryMb: number) => get(consumption([profile({ requestsPerMonth: 1e6, durationMs, memoryMb })]), 'compute').quantity;
    expect(gbS(50, 128)).toBeCloseTo(12_500, 6); // 100 ms x 0.125 GB
    expect(gbS(120.4, 128)).toBeCloseTo(15_125, 6); // 121 ms
    expect(gbS(100, 100)).toBeCloseTo(12_500, 6); // 128 MB minimum
  });

  it('cannot give more than 1,536 MB, and says so', () => {
    const est = estimate([profile({ memoryMb: 2048 })], cats, { targets: ['azure'] });
    const row = est.rows.find((r) => r.option === 'azure-consumption')!;
    expect(row.available).toBe(false);
    expect(row.reason).toMatch(/at most 1536 MB/);
  });

  it('shares the subscription free grant (400,000 GB-s, 1M executions) across functions', () => {
    const items = consumption([profile({ function: 'a', requestsPerMonth: 1e6, durationMs: 1000, memoryMb: 512 }), profile({ function: 'b', requestsPerMonth: 1e6, durationMs: 1000, memoryMb: 512 })], true);
    expect(get(items, 'compute', 'a').freeQuantity).toBeCloseTo(200_000, 6);
    expect(get(items, 'requests', 'b').freeQuantity).toBeCloseTo(500_000, 6);
  });
});

describe('Azure Flex Consumption billing rules', () => {
  const flex = (ps: ReturnType<typeof profile>[], alwaysReady = false, freeTier = false) => estimateAzureFlex(ps, cats.azure, { freeTier, alwaysReady, secondsPerMonth: T });

  it('bills the instance memory size, not the function memory (1,024 MB runs on a 2,048 MB instance)', () => {
    const items = flex([profile({ requestsPerMonth: 100_000, durationMs: 1000, memoryMb: 1024 })]);
    expect(get(items, 'compute').quantity).toBeCloseTo(200_000, 6);
    expect(get(items, 'compute').amount).toBe(Number((200_000 * az.flexOnDemandPerGbS.value).toFixed(2)));
  });

  it('bills at least 1,000 ms, then in 100 ms steps', () => {
    const gbS = (durationMs: number) => get(flex([profile({ requestsPerMonth: 100_000, durationMs, memoryMb: 512 })]), 'compute').quantity;
    expect(gbS(200)).toBeCloseTo(100_000 * 1 * 0.5, 6);
    expect(gbS(1250)).toBeCloseTo(100_000 * 1.3 * 0.5, 6);
  });

  it('shares an instance between concurrent executions up to the per-instance concurrency', () => {
    // 2,048 MB instance, 16 concurrent by default. 32 executions in flight on average -> 2 instances busy all month.
    const rps = 32;
    const items = flex([profile({ requestsPerMonth: rps * T, durationMs: 1000, memoryMb: 2048, events: { http: true } })]);
    expect(get(items, 'compute').quantity).toBeCloseTo(2 * T * 2, 0);
    // With 64 per instance, one instance carries it.
    const wide = flex([profile({ requestsPerMonth: rps * T, durationMs: 1000, memoryMb: 2048, perInstanceConcurrency: 64 })]);
    expect(get(wide, 'compute').quantity).toBeCloseTo(1 * T * 2, 0);
  });

  it('bills an always-ready baseline all month, and executions on it without a free grant', () => {
    const p = profile({ requestsPerMonth: 100_000, durationMs: 1000, memoryMb: 2048, warm: 1 });
    const items = flex([p], true, true);
    expect(get(items, 'warm').exact).toBeCloseTo(2 * T * az.flexAlwaysReadyBaselinePerGbS.value, 6);
    expect(get(items, 'warm').amount).toBe(21.02);
    expect(get(items, 'compute').freeQuantity).toBe(0); // all served by the always-ready instance
    expect(get(items, 'compute').exact).toBeCloseTo(200_000 * az.flexAlwaysReadyExecutionPerGbS.value, 6);
    // The on-demand option of the same profile has no baseline and uses the free grant.
    const od = flex([p], false, true);
    expect(od.get('fn')!.some((i) => i.kind === 'warm')).toBe(false);
    expect(get(od, 'compute').freeQuantity).toBeCloseTo(100_000, 6);
  });

  it('shows the always-ready option only when a function asks for warm instances', () => {
    expect(estimate([profile()], cats).totals.map((t) => t.option)).not.toContain('azure-flex-ready');
    expect(estimate([profile({ warm: 2 })], cats).totals.map((t) => t.option)).toContain('azure-flex-ready');
  });
});

describe('GCP Cloud Run functions billing rules', () => {
  const gcp = (ps: ReturnType<typeof profile>[], freeTier = false) => estimateGcp(ps, cats.gcp, { freeTier, secondsPerMonth: T });

  it('pairs memory with vCPU as the memory table says', () => {
    expect(gcpVcpu(256, cats.gcp)).toBe(0.167);
    expect(gcpVcpu(1536, cats.gcp)).toBe(1);
    expect(gcpVcpu(16384, cats.gcp)).toBe(4);
    expect(gcpVcpu(40000, cats.gcp)).toBeUndefined();
  });

  it('bills vCPU-s plus GiB-s of time rounded up to 100 ms', () => {
    const items = gcp([profile({ requestsPerMonth: 1e6, durationMs: 120, memoryMb: 1024 })]);
    // 1M x 200 ms = 200,000 s; 0.583 vCPU and 1 GiB
    const expected = 200_000 * 0.583 * g.cpuPerVcpuS.value + 200_000 * 1 * g.memoryPerGibS.value;
    expect(get(items, 'compute').exact).toBeCloseTo(expected, 8);
    expect(get(items, 'requests').amount).toBe(0.4);
  });

  it('bills start-up time on a cold request', () => {
    const secs = (coldStartRate: number) => get(gcp([profile({ requestsPerMonth: 1e6, durationMs: 120, memoryMb: 2048, coldStartRate, initMs: 150 })]), 'compute').exact;
    // cold: 270 ms -> 300 ms instead of 200 ms
    expect(secs(1) / secs(0)).toBeCloseTo(1.5, 10);
  });

  it('bills the idle time of minimum instances at the idle rates', () => {
    const items = gcp([profile({ requestsPerMonth: 0, durationMs: 100, memoryMb: 256, warm: 1 })]);
    expect(get(items, 'warm').exact).toBeCloseTo(T * (0.167 * g.idleCpuPerVcpuS.value + 0.25 * g.idleMemoryPerGibS.value), 6);
  });

  it('applies the billing account free tier (180,000 vCPU-s, 360,000 GiB-s, 2M requests)', () => {
    const items = gcp([profile({ requestsPerMonth: 2e6, durationMs: 100, memoryMb: 2048 })], true);
    // 200,000 vCPU-s - 180,000 free; 400,000 GiB-s - 360,000 free
    expect(get(items, 'compute').exact).toBeCloseTo(20_000 * g.cpuPerVcpuS.value + 40_000 * g.memoryPerGibS.value, 8);
    expect(get(items, 'requests').amount).toBe(0);
  });
});
