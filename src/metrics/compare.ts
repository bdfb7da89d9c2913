import type { InvocationRecord } from '../model/invocation.js';
import type { TargetName } from '../model/service.js';
import { percentile } from './percentile.js';
import { byFunctionAndTarget } from './aggregate.js';
import { describeSource, MEASURES, missingLatency, type FigureKind } from './sources.js';

/** One labelled figure: what it measures, where it came from, and its p50/p95 in ms. */
export interface LabelledFigure {
  measures: string;
  /** Where the samples came from (one entry per record source that gave any). */
  sources: string[];
  count: number;
  p50?: number;
  p95?: number;
  /** Why there is no sample, when the source cannot give one. */
  note?: string;
}

/** One function on one target, side by side with the others in `sls-x metrics --compare`. */
export interface ColdStartRow {
  function: string;
  target: TargetName;
  /** Invocations that ran (throttled attempts left out). */
  invocations: number;
  coldStarts: number;
  init: LabelledFigure;
  coldLatency: LabelledFigure;
  warmLatency: LabelledFigure;
}

/** What happened when a target's records were read. */
export interface TargetStatus {
  target: TargetName;
  status: 'data' | 'no records' | 'no reader yet' | 'unavailable' | 'not configured';
  note?: string;
}

function figure(kind: FigureKind, samples: Array<{ value: number; source: string }>, allSources: string[]): LabelledFigure {
  const values = samples.map((s) => s.value);
  const sources = [...new Set(samples.map((s) => s.source))].sort();
  const out: LabelledFigure = {
    measures: MEASURES[kind],
    sources: sources.map((s) => describeSource(s, kind)),
    count: values.length,
    ...(values.length ? { p50: percentile(values, 50), p95: percentile(values, 95) } : {}),
  };
  if (values.length === 0 && kind !== 'init') {
    const why = allSources.map(missingLatency).filter((n): n is string => n !== undefined);
    if (why.length) out.note = why.join('; ');
  }
  return out;
}

/**
 * Cold-start figures per function and target (pure). Unlike the plain metrics table, nothing
 * falls back across sides: init comes only from server-side init figures, latency only from
 * client-side measurements, so a target without client-side figures shows none (with a note)
 * rather than server-side time passed off as latency.
 */
export function compareColdStarts(records: readonly InvocationRecord[]): ColdStartRow[] {
  const rows: ColdStartRow[] = [];
  for (const list of byFunctionAndTarget(records)) {
    const ran = list.filter((r) => r.outcome !== 'throttled');
    const cold = ran.filter((r) => r.coldStart);
    const warm = ran.filter((r) => !r.coldStart);
    const allSources = [...new Set(list.map((r) => r.source))].sort();
    const latency = (rs: InvocationRecord[]) => rs.flatMap((r) => (r.latencyMs !== undefined ? [{ value: r.latencyMs, source: r.source }] : []));
    rows.push({
      function: list[0].function,
      target: list[0].target,
      invocations: ran.length,
      coldStarts: cold.length,
      init: figure('init', cold.flatMap((r) => (r.initMs !== undefined ? [{ value: r.initMs, source: r.source }] : [])), allSources),
      coldLatency: figure('coldLatency', latency(cold), allSources),
      warmLatency: figure('warmLatency', latency(warm), allSources),
    });
  }
  return rows.sort((a, b) => a.function.localeCompare(b.function) || a.target.localeCompare(b.target));
}
