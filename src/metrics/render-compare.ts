import type { ColdStartRow, LabelledFigure, TargetStatus } from './compare.js';
import { COLUMN, MEASURES } from './sources.js';

const ms = (v: number | undefined): string => (v === undefined ? '-' : v >= 100 ? `${Math.round(v)}` : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/**
 * The `sls-x metrics --compare` table (pure). Every figure column says in its header which side
 * measured it, and every cell points at a numbered footnote saying where its samples came from
 * (or why there are none). Targets without figures are listed under the table with the reason.
 */
export function renderCompare(rows: readonly ColdStartRow[], targets: readonly TargetStatus[]): string {
  const notes: string[] = [];
  const ref = (text: string): string => {
    let i = notes.indexOf(text);
    if (i < 0) i = notes.push(text) - 1;
    return `[${i + 1}]`;
  };
  const cell = (f: LabelledFigure, side: 'server-side init' | 'client-side latency'): string => {
    if (f.count === 0) return f.note ? `- ${ref(f.note)}` : '-';
    return `${ms(f.p50)}/${ms(f.p95)} ${f.sources.map((s) => ref(`${side}, ${s}`)).join('')}`;
  };
  const out: string[] = ['Cold starts by function and target: init is measured server-side, latency client-side; the two are never mixed in one column.', ''];
  if (rows.length === 0) out.push('No invocation records on any target yet. Invoke the functions (or run `sls-x bench coldstart <fn>`) first.');
  else {
    const header = ['function', 'target', 'invocations', 'cold starts', COLUMN.init, COLUMN.coldLatency, COLUMN.warmLatency];
    const body = rows.map((r) => [r.function, r.target, String(r.invocations), String(r.coldStarts), cell(r.init, 'server-side init'), cell(r.coldLatency, 'client-side latency'), cell(r.warmLatency, 'client-side latency')]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
    out.push(line(header), ...body.map(line));
  }
  out.push('', `What: ${MEASURES.init}.`, `      ${MEASURES.coldLatency}; warm ones likewise.`);
  if (notes.length) out.push('', ...notes.map((n, i) => `[${i + 1}] ${n}.`));
  const others = targets.filter((t) => t.status !== 'data');
  if (others.length) out.push('', ...others.map((t) => `${t.target}: ${t.status}${t.note ? ` (${t.note})` : ''}.`));
  return `${out.join('\n')}\n`;
}
