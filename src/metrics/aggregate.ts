import type { InvocationRecord } from '../model/invocation.js';
import { percentile } from './percentile.js';
import { maxOf, minOf } from './percentile.js';

/** p50/p95/p99 of a set of milliseconds (undefined where there is no sample). */
export interface Percentiles {
  count: number;
  p50?: number;
  p95?: number;
  p99?: number;
}

/** One function's figures over a set of invocation records, the same shape for every target. */
export interface FunctionMetrics {
  function: string;
  target: string;
  /** Invocations that ran (throttled attempts are counted apart). */
  invocations: number;
  coldStarts: number;
  /** Init (module load) time of cold starts. */
  init: Percentiles;
  /** End-to-end latency of warm invocations (client-side where measured, else duration). */
  warm: Percentiles;
  /** End-to-end latency of cold invocations (client-side where measured, else init + duration). */
  cold: Percentiles;
  /** Failed invocations: handler errors, timeouts, out-of-memory and crashes. */
  errors: number;
  errorsByOutcome: Partial<Record<InvocationRecord['outcome'], number>>;
  throttles: number;
  /** Mean billed ms and mean peak memory, for cost estimates. */
  meanBilledMs?: number;
  meanPeakMemoryMb?: number;
  /** Where the figures came from (`local measurement`, `AWS REPORT lines`, ...). */
  source: string;
  firstAt: number;
  lastAt: number;
}

function stats(values: number[]): Percentiles {
  return { count: values.length, p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) };
}

const mean = (values: number[]): number | undefined => (values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length);

/** Latency of one record: the client-side figure where measured, else server-side time. */
export function latencyOf(r: InvocationRecord): number {
  return r.latencyMs ?? r.durationMs + (r.coldStart ? r.initMs ?? 0 : 0);
}

/** Records grouped by function and target, in first-seen order. */
export function byFunctionAndTarget(records: readonly InvocationRecord[]): InvocationRecord[][] {
  const groups = new Map<string, InvocationRecord[]>();
  for (const r of records) {
    const key = `${r.function}\u0000${r.target}`;
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()];
}

/**
 * Per-function figures from invocation records, sorted by function then target. Pure: every
 * target's records (local measurements, AWS REPORT lines, ...) aggregate the same way.
 */
export function aggregateInvocations(records: readonly InvocationRecord[]): FunctionMetrics[] {
  const out: FunctionMetrics[] = [];
  for (const list of byFunctionAndTarget(records)) {
    const ran = list.filter((r) => r.outcome !== 'throttled');
    const cold = ran.filter((r) => r.coldStart);
    const failed = ran.filter((r) => r.outcome !== 'ok');
    const errorsByOutcome: FunctionMetrics['errorsByOutcome'] = {};
    for (const r of failed) errorsByOutcome[r.outcome] = (errorsByOutcome[r.outcome] ?? 0) + 1;
    const peaks = ran.flatMap((r) => (r.peakMemoryMb !== undefined ? [r.peakMemoryMb] : []));
    out.push({
      function: list[0].function,
      target: list[0].target,
      invocations: ran.length,
      coldStarts: cold.length,
      init: stats(cold.flatMap((r) => (r.initMs !== undefined ? [r.initMs] : []))),
      warm: stats(ran.filter((r) => !r.coldStart).map(latencyOf)),
      cold: stats(cold.map(latencyOf)),
      errors: failed.length,
      errorsByOutcome,
      throttles: list.length - ran.length,
      meanBilledMs: mean(ran.map((r) => r.billedMs)),
      meanPeakMemoryMb: mean(peaks),
      source: list[0].source,
      firstAt: minOf(list.map((r) => r.startedAt)),
      lastAt: maxOf(list.map((r) => r.startedAt)),
    });
  }
  return out.sort((a, b) => a.function.localeCompare(b.function) || a.target.localeCompare(b.target));
}
