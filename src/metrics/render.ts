import type { FunctionMetrics, Percentiles } from './aggregate.js';

const ms = (v: number | undefined): string => (v === undefined ? '-' : v >= 100 ? `${Math.round(v)}` : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const trio = (p: Percentiles): string => (p.count === 0 ? '-' : `${ms(p.p50)}/${ms(p.p95)}/${ms(p.p99)}`);
const duo = (p: Percentiles): string => (p.count === 0 ? '-' : `${ms(p.p50)}/${ms(p.p95)}`);

/** A plain table of per-function figures (times in ms). Pure. */
export function renderMetricsTable(rows: readonly FunctionMetrics[]): string {
  if (rows.length === 0) return 'No invocations recorded yet.\n';
  const showTarget = new Set(rows.map((r) => r.target)).size > 1;
  const header = ['function', ...(showTarget ? ['target'] : []), 'invocations', 'cold', 'init p50/p95', 'warm p50/p95/p99', 'cold p50/p95/p99', 'errors', 'throttles'];
  const body = rows.map((r) => [
    r.function,
    ...(showTarget ? [r.target] : []),
    String(r.invocations),
    String(r.coldStarts),
    duo(r.init),
    trio(r.warm),
    trio(r.cold),
    r.errors === 0 ? '0' : `${r.errors} (${Object.entries(r.errorsByOutcome).map(([k, v]) => `${k} ${v}`).join(', ')})`,
    String(r.throttles),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const sources = [...new Set(rows.map((r) => r.source))].join(', ');
  return `${[line(header), ...body.map(line)].join('\n')}\n\nTimes in ms (latency: gateway in to response out where measured). Source: ${sources}.\n`;
}
