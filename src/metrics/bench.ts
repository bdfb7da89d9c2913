import type { InvocationRecord } from '../model/invocation.js';
import type { TargetName } from '../model/service.js';
import { percentile } from './percentile.js';
import { BENCH_LATENCY, describeSource, MEASURES } from './sources.js';
import { maxOf, minOf } from './percentile.js';

/** One forced cold start: the record the target reported plus the latency sls-x timed around the call. */
export interface BenchRun {
  run: number;
  requestId: string;
  coldStart: boolean;
  /** Server-side init, from the target's record. */
  initMs?: number;
  /** Client-side: timed by sls-x around the invoke call. */
  latencyMs: number;
  durationMs: number;
  outcome: InvocationRecord['outcome'];
  source: string;
  error?: string;
}

/** p50/p95/min/max of one figure, with what it measures and where it came from. */
export interface BenchFigure {
  measures: string;
  source: string;
  count: number;
  p50?: number;
  p95?: number;
  min?: number;
  max?: number;
}

export interface BenchSummary {
  function: string;
  target: TargetName;
  /** How the cold starts were forced. */
  method: string;
  runs: number;
  coldStarts: number;
  /** Runs the target did not report as cold (e.g. served by a pre-started instance). */
  notCold: number[];
  outcomes: Partial<Record<InvocationRecord['outcome'], number>>;
  init: BenchFigure;
  latency: BenchFigure;
}

function stats(values: number[], measures: string, source: string): BenchFigure {
  if (values.length === 0) return { measures, source, count: 0 };
  return { measures, source, count: values.length, p50: percentile(values, 50), p95: percentile(values, 95), min: minOf(values), max: maxOf(values) };
}

/** Summarise the runs of `sls-x bench coldstart` (pure): only runs the target reported as cold count. */
export function summariseBench(fn: string, target: TargetName, method: string, runs: readonly BenchRun[]): BenchSummary {
  const cold = runs.filter((r) => r.coldStart);
  const outcomes: BenchSummary['outcomes'] = {};
  for (const r of runs) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
  const initSources = [...new Set(cold.filter((r) => r.initMs !== undefined).map((r) => describeSource(r.source, 'init')))];
  return {
    function: fn,
    target,
    method,
    runs: runs.length,
    coldStarts: cold.length,
    notCold: runs.filter((r) => !r.coldStart).map((r) => r.run),
    outcomes,
    init: stats(cold.flatMap((r) => (r.initMs !== undefined ? [r.initMs] : [])), MEASURES.init, initSources.join('; ') || 'none reported by the target'),
    latency: stats(cold.map((r) => r.latencyMs), MEASURES.coldLatency, BENCH_LATENCY[target] ?? 'measured by sls-x around each invoke'),
  };
}

const ms = (v: number | undefined): string => (v === undefined ? '-' : v >= 100 ? `${Math.round(v)}` : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** The summary table under the per-run lines (pure). */
export function renderBench(s: BenchSummary): string {
  const rows = [
    ['', 'p50', 'p95', 'min', 'max', 'n'],
    ...([['init (server-side)', s.init], ['cold latency (client-side)', s.latency]] as const).map(([label, f]) => [label, ms(f.p50), ms(f.p95), ms(f.min), ms(f.max), String(f.count)]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const table = rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd());
  const outcomes = Object.entries(s.outcomes).map(([k, v]) => `${k} ${v}`).join(', ');
  return [
    '',
    `${s.function} on ${s.target}: ${s.runs} forced, ${s.coldStarts} cold start(s) reported (${outcomes}). Forced by: ${s.method}.`,
    ...(s.notCold.length ? [`Not reported cold: run(s) ${s.notCold.join(', ')}; they are left out of the figures.`] : []),
    '',
    ...table,
    '',
    `Times in ms. init = ${s.init.measures}.`,
    `  Source: ${s.init.source}.`,
    `cold latency = ${s.latency.measures}.`,
    `  Source: ${s.latency.source}.`,
    '',
  ].join('\n');
}
