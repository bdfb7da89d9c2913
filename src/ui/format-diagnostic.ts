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
    out.push(`  ${num} | ${d.lineText}`);
    out.push(`  ${' '.repeat(num.length)} | ${' '.repeat(Math.max(0, (d.col ?? 1) - 1))}^`);
  }
  if (d.hint) out.push(`  hint: ${d.hint}`);
  return out.join('\n');
}
