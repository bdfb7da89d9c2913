import type { InvocationRecord } from '../model/invocation.js';
import { MS_PER_S } from './money.js';
import { maxOf, minOf } from '../metrics/percentile.js';

/** What the records of one function say about its month. */
export interface MeasuredTraffic {
  function: string;
  /** Invocations counted (throttled ones excluded: they are not billed). */
  invocations: number;
  /** Observation window, ms. */
  windowMs: number;
  /** Invocations scaled from the window to the catalog's month. */
  requestsPerMonth: number;
  durationMs: number;
  /** Most frequent configured memory. */
  memoryMb: number;
  /** Highest peak memory reported, if any. */
  observedMemoryMb?: number;
  coldStartRate: number;
  /** Mean init of cold invocations (0 without cold ones). */
  initMs: number;
  triggers: Array<NonNullable<InvocationRecord['trigger']>>;
  /** Where the records came from (`local measurement`, `AWS REPORT lines`, ...). */
  source: string;
}

/**
 * Turn invocation records into a traffic profile per function (pure). The month's volume is
 * the count scaled from the observation window: `windowMs` when the caller knows it (e.g.
 * `--since 1h`), else the span from the first invocation's start to the last one's end (at
 * least one second). Throttled records are not billed and are left out; errors, timeouts and
 * crashes are billed and stay in. Functions are returned in name order.
 */
export function trafficFromInvocations(records: InvocationRecord[], opts: { secondsPerMonth: number; windowMs?: number }): MeasuredTraffic[] {
  const byFn = new Map<string, InvocationRecord[]>();
  for (const r of records) {
    if (r.outcome === 'throttled') continue;
    const list = byFn.get(r.function) ?? [];
    list.push(r);
    byFn.set(r.function, list);
  }
  const monthMs = opts.secondsPerMonth * MS_PER_S;
  return [...byFn.keys()].sort().map((fn) => {
    const list = byFn.get(fn)!;
    const n = list.length;
    const start = minOf(list.map((r) => r.startedAt));
    const end = maxOf(list.map((r) => r.startedAt + r.durationMs + (r.initMs ?? 0)));
    const windowMs = opts.windowMs ?? Math.max(MS_PER_S, end - start);
    const cold = list.filter((r) => r.coldStart);
    const inits = cold.filter((r) => r.initMs !== undefined);
    const peaks = list.filter((r) => r.peakMemoryMb !== undefined).map((r) => r.peakMemoryMb!);
    return {
      function: fn,
      invocations: n,
      windowMs,
      requestsPerMonth: (n * monthMs) / windowMs,
      durationMs: list.reduce((s, r) => s + r.durationMs, 0) / n,
      memoryMb: mode(list.map((r) => r.memoryMb)),
      ...(peaks.length ? { observedMemoryMb: maxOf(peaks) } : {}),
      coldStartRate: cold.length / n,
      initMs: inits.length ? inits.reduce((s, r) => s + r.initMs!, 0) / inits.length : 0,
      triggers: [...new Set(list.map((r) => r.trigger).filter((t): t is NonNullable<typeof t> => t !== undefined))].sort(),
      source: [...new Set(list.map((r) => r.source))].sort().join(', '),
    };
  });
}

/** The most frequent value; the largest on a tie (deterministic). */
function mode(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0][0];
}
