import { describe, expect, it } from 'vitest';
import { aggregateInvocations } from '../../src/metrics/aggregate.js';
import { trafficFromInvocations } from '../../src/cost/from-metrics.js';
import type { InvocationRecord } from '../../src/model/invocation.js';

/** Issue 8.11: `sls-x metrics` crashed with "Maximum call stack size exceeded" past ~125k records. */
describe('metrics over 200,000 invocation records', () => {
  const N = 200_000;
  const records: InvocationRecord[] = Array.from({ length: N }, (_, i) => ({
    target: 'local', function: 'api', requestId: `r${i}`, startedAt: 1_000_000 + i * 10, coldStart: i % 1000 === 0,
    ...(i % 1000 === 0 ? { initMs: 20 } : {}), durationMs: 5 + (i % 7), billedMs: 10, memoryMb: 128, peakMemoryMb: 40 + (i % 3), outcome: 'ok', source: 'local measurement',
  }));

  it('aggregates without exhausting the stack, first and last times right', () => {
    const [m] = aggregateInvocations(records);
    expect(m).toMatchObject({ function: 'api', invocations: N });
    expect((m as unknown as { firstAt: number }).firstAt).toBe(1_000_000);
    expect((m as unknown as { lastAt: number }).lastAt).toBe(1_000_000 + (N - 1) * 10);
  });

  it('the cost estimate from them too', () => {
    const [t] = trafficFromInvocations(records, { secondsPerMonth: 30 * 86_400 });
    expect(t.observedMemoryMb ?? 0).toBe(42);
  });
});
