import { describe, expect, it } from 'vitest';
import { breakEven, resolveVm } from '../../src/cost/break-even.js';
import { capacityOf, capacityWarnings } from '../../src/cost/capacity.js';
import { defaultCatalogs } from '../../src/cost/catalog.js';
import { estimate, optionCost } from '../../src/cost/estimate.js';
import { trafficFromInvocations } from '../../src/cost/from-metrics.js';
import type { InvocationRecord } from '../../src/model/invocation.js';
import { profile } from './helpers.js';

const cats = defaultCatalogs();
const T = 730 * 3600;

function rec(over: Partial<InvocationRecord>): InvocationRecord {
  return { target: 'local', function: 'api', requestId: 'r', startedAt: 0, coldStart: false, durationMs: 100, billedMs: 100, memoryMb: 512, outcome: 'ok', source: 'local measurement', ...over };
}

describe('traffic from invocation records', () => {
  it('averages duration, counts cold starts, and scales the window to a month', () => {
    const records = [
      rec({ startedAt: 0, coldStart: true, initMs: 300, durationMs: 200, peakMemoryMb: 90, trigger: 'http' }),
      rec({ startedAt: 10_000, durationMs: 100, peakMemoryMb: 70, trigger: 'http' }),
      rec({ startedAt: 20_000, durationMs: 60, outcome: 'error', trigger: 'http' }),
      rec({ startedAt: 30_000, durationMs: 0, outcome: 'throttled' }),
      rec({ function: 'worker', startedAt: 5_000, durationMs: 40, memoryMb: 256, trigger: 'queue', source: 'AWS REPORT lines' }),
    ];
    const [api, worker] = trafficFromInvocations(records, { secondsPerMonth: T, windowMs: 60_000 });
    expect(api).toMatchObject({ function: 'api', invocations: 3, durationMs: 120, memoryMb: 512, observedMemoryMb: 90, initMs: 300, triggers: ['http'], source: 'local measurement' });
    expect(api.coldStartRate).toBeCloseTo(1 / 3, 12);
    expect(api.requestsPerMonth).toBeCloseTo((3 * T * 1000) / 60_000, 6);
    expect(worker).toMatchObject({ function: 'worker', invocations: 1, memoryMb: 256, coldStartRate: 0, initMs: 0, source: 'AWS REPORT lines' });
  });

  it('uses the span of the records when no window is given (at least one second)', () => {
    const [api] = trafficFromInvocations([rec({ startedAt: 1000, durationMs: 100 }), rec({ startedAt: 3000, durationMs: 100 })], { secondsPerMonth: T });
    expect(api.windowMs).toBe(2100);
    const [one] = trafficFromInvocations([rec({ startedAt: 0, durationMs: 5 })], { secondsPerMonth: T });
    expect(one.windowMs).toBe(1000);
  });

  it('returns nothing for no records', () => {
    expect(trafficFromInvocations([], { secondsPerMonth: T })).toEqual([]);
  });
});

describe('capacity (Little\'s law) and limits', () => {
  it('computes concurrency as rate x duration, with the peak factor', () => {
    const c = capacityOf(profile({ requestsPerMonth: 100 * T, durationMs: 500, peakFactor: 3 }), T);
    expect(c.peakRps).toBeCloseTo(300, 9);
    expect(c.concurrency).toBeCloseTo(150, 9);
  });

  it('warns when AWS account concurrency, reserved concurrency or the scaling rate would throttle', () => {
    const hot = profile({ function: 'hot', requestsPerMonth: 1500 * T, durationMs: 1000, maxConcurrency: 200 });
    const msgs = capacityWarnings([hot], cats, ['aws-arm64'], T).map((w) => w.message);
    expect(msgs.some((m) => /1,500 concurrent executions .* exceed the account's 1000/.test(m))).toBe(true);
    expect(msgs.some((m) => /reserved concurrency \(concurrency.max\) is 200/.test(m))).toBe(true);
    expect(msgs.some((m) => /at least 20 s/.test(m))).toBe(true);
    expect(capacityWarnings([profile({ requestsPerMonth: 10 * T, durationMs: 100 })], cats, ['aws-arm64'], T)).toEqual([]);
  });

  it('warns when Azure Flex or GCP would need more instances than allowed', () => {
    // 2,000 in flight: Flex 2,048 MB takes 16 per instance -> 125 instances > max 100; GCP 1 per instance -> 2,000 > default 100.
    const p = profile({ requestsPerMonth: 2000 * T, durationMs: 1000, memoryMb: 2048, maxConcurrency: 100 });
    const w = capacityWarnings([p], cats, ['azure-flex', 'gcp'], T);
    expect(w.map((x) => x.option)).toEqual(['azure-flex', 'gcp']);
    expect(w[0].message).toMatch(/needs 125 instances .* can have 100/);
    expect(w[1].message).toMatch(/needs 2000 instances/);
    expect(capacityWarnings([{ ...p, perInstanceConcurrency: 80 }], cats, ['gcp'], T)).toEqual([]);
  });
});

describe('break-even against an always-on VM', () => {
  it('resolves a named VM size or an hourly price, and refuses anything else', () => {
    expect(resolveVm('t4g.small', cats)).toMatchObject({ name: 'aws/t4g.small', hourly: cats.vm.rates['aws/t4g.small'].value });
    expect(resolveVm('0.05', cats)).toMatchObject({ hourly: 0.05 });
    expect(() => resolveVm('m5.huge', cats)).toThrow(/neither an hourly price/);
  });

  it('finds the monthly volume where serverless costs as much as the VM', () => {
    const p = [profile({ requestsPerMonth: 1e6, durationMs: 100, memoryMb: 1024 })];
    const b = breakEven(p, cats, { targets: ['aws'], arch: 'arm64' }, { name: 'vm', hourly: 0.0168, source: 'test' });
    expect(b.vm.monthly).toBeCloseTo(0.0168 * 730, 9);
    const o = b.options[0];
    expect(o.verdict).toBe('cheaper-below');
    const at = (n: number) => optionCost('aws-arm64', [{ ...p[0], requestsPerMonth: n }], cats, true);
    expect(at(o.breakEvenRequests! * 0.99)).toBeLessThan(b.vm.monthly);
    expect(at(o.breakEvenRequests! * 1.01)).toBeGreaterThanOrEqual(b.vm.monthly);
  });

  it('says never cheaper when fixed costs alone exceed the VM', () => {
    const p = [profile({ requestsPerMonth: 1e6, durationMs: 100, memoryMb: 2048, warm: 10 })];
    const b = breakEven(p, cats, { targets: ['aws'], arch: 'x86_64' }, { name: 'vm', hourly: 0.0084, source: 'test' });
    expect(b.options[0]).toMatchObject({ verdict: 'never-cheaper', breakEvenRequests: null });
  });
});

describe('the estimate as a whole', () => {
  it('marks the cheapest option per function and for the service, and excludes options that cannot run it', () => {
    const est = estimate([profile({ function: 'a', memoryMb: 2048 }), profile({ function: 'b', requestsPerMonth: 5e7 })], cats);
    for (const fn of ['a', 'b']) {
      const rows = est.rows.filter((r) => r.function === fn && r.available);
      const min = Math.min(...rows.map((r) => r.total));
      expect(rows.filter((r) => r.cheapest).every((r) => r.total === min)).toBe(true);
      expect(rows.some((r) => r.cheapest)).toBe(true);
    }
    const consumption = est.totals.find((t) => t.option === 'azure-consumption')!;
    expect(consumption).toMatchObject({ available: false, cheapest: false, reason: 'cannot run a' });
    expect(est.totals.filter((t) => t.cheapest).length).toBeGreaterThan(0);
  });
});
