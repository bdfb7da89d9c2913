import { describe, expect, it } from 'vitest';
import type { InvocationRecord } from '../../src/model/invocation.js';
import { aggregateInvocations } from '../../src/metrics/aggregate.js';
import { percentile } from '../../src/metrics/percentile.js';
import { renderMetricsTable } from '../../src/metrics/render.js';

const rec = (over: Partial<InvocationRecord>): InvocationRecord => ({
  target: 'local', function: 'api', requestId: 'r', startedAt: 1000, coldStart: false, durationMs: 1, billedMs: 1, memoryMb: 128, outcome: 'ok', source: 'local measurement', ...over,
});

describe('metrics aggregation (pure)', () => {
  it('nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('splits cold and warm, counts errors by outcome and throttles apart', () => {
    const records = [
      rec({ coldStart: true, initMs: 30, durationMs: 5, latencyMs: 40 }),
      rec({ coldStart: true, initMs: 50, durationMs: 5 }),
      rec({ latencyMs: 2 }),
      rec({ latencyMs: 4 }),
      rec({ outcome: 'timeout', durationMs: 300, latencyMs: 301 }),
      rec({ outcome: 'throttled', durationMs: 0, billedMs: 0 }),
      rec({ function: 'worker', durationMs: 9, peakMemoryMb: 12 }),
    ];
    const [api, worker] = aggregateInvocations(records);
    expect(api).toMatchObject({ function: 'api', invocations: 6 - 1, coldStarts: 2, errors: 1, errorsByOutcome: { timeout: 1 }, throttles: 1 });
    expect(api.init).toMatchObject({ count: 2, p50: 30, p95: 50 });
    expect(api.cold).toMatchObject({ count: 2, p50: 40, p99: 55 });
    expect(api.warm).toMatchObject({ count: 3, p50: 4, p99: 301 });
    expect(worker).toMatchObject({ function: 'worker', invocations: 1, coldStarts: 0, meanPeakMemoryMb: 12 });
    const table = renderMetricsTable([api, worker]);
    expect(table).toContain('init p50/p95');
    expect(table).toMatch(/api\s+5\s+2\s+30\.0\/50\.0/);
    expect(table).toContain('1 (timeout 1)');
  });
});
