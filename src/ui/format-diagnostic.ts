import type { Diagnostic } from '../model/diagnostic.js';

/**
 * `faas.yaml:12:5: error [unknown-key] message` then the code frame and the hint:
 *
 *   12 |     memroy: 512
 *      |     ^
 *   hint: did you mean `memory`?
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}${d.col ? `:${d.col}` : ''}` : ''}: ` : '';
  const target = d.target ? ` (${d.target})` : '';
  const out = [`${where}${d.severity} [${d.code}]${target} ${d.message}`];
  if (d.lineText !== undefined && d.line) {
    const num = String(d.line);
    const { text, caret } = clip(d.lineText, Math.max(0, (d.col ?? 1) - 1));
    out.push(`  ${num} | ${text}`);
    out.push(`  ${' '.repeat(num.length)} | ${' '.repeat(caret)}^`);
  }
  if (d.hint) out.push(`  hint: ${d.hint}`);
  return out.join('\n');
}

/** Widest code frame shown: a one-line JSON config or a minified line must not flood the terminal. */
export const FRAME_WIDTH = 120;

/** A window of a long line around the column (0-based), with `…` where it was cut, and the caret's new place. */
function clip(line: string, col: number): { text: string; caret: number } {
  if (line.length <= FRAME_WIDTH) return { text: line, caret: col };
  const start = Math.max(0, Math.min(col - FRAME_WIDTH / 2, line.length - FRAME_WIDTH));
  const end = start + FRAME_WIDTH;
  return { text: `${start > 0 ? '…' : ''}${line.slice(start, end)}${end < line.length ? '…' : ''}`, caret: col - start + (start > 0 ? 1 : 0) };
}
