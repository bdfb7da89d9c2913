import { count, money } from './format.js';
import { describeProfile } from './render-text.js';
import type { CostEstimate, LineKind } from './result.js';

const COLUMNS: Array<[string, LineKind]> = [
  ['Requests', 'requests'],
  ['Compute', 'compute'],
  ['Warm', 'warm'],
  ['Gateway', 'gateway'],
  ['Queue', 'queue'],
  ['Scheduler', 'scheduler'],
  ['Storage', 'storage'],
  ['Table', 'table'],
];

function cell(items: Array<{ kind: LineKind; amount: number; notEstimated?: string }>, kind: LineKind): string {
  const mine = items.filter((i) => i.kind === kind);
  if (!mine.length) return '–';
  if (mine.every((i) => i.notEstimated)) return 'n/e';
  return `$${money(mine.reduce((s, i) => s + i.amount, 0))}`;
}

/** GitHub-flavoured markdown, for CI job summaries. */
/** The option's name, marked when sls-x cannot deploy to it. */
function label(r: { label: string; deployable: boolean }): string {
  return r.deployable ? r.label : `${r.label} (comparison only: sls-x cannot deploy it)`;
}

export function renderMarkdown(est: CostEstimate, secondsPerMonth: number): string {
  const out: string[] = [];
  out.push('### sls-x cost estimate');
  out.push('');
  out.push(`USD per month, ${est.freeTier ? 'free tiers applied' : 'list price (no free tier)'}. Catalogs: ${Object.entries(est.catalogs).map(([k, v]) => `${k} ${v}`).join(', ')}${est.overridden.length ? `; overridden: ${est.overridden.map((o) => `\`${o}\``).join(', ')}` : ''}.`);
  out.push('');
  for (const p of est.profiles) out.push(`- ${describeProfile(p, secondsPerMonth)}`);
  out.push('');
  out.push(`| Function | Option | ${COLUMNS.map((c) => c[0]).join(' | ')} | Free tier used | Total |`);
  out.push(`|---|---|${COLUMNS.map(() => '---:').join('|')}|---:|---:|`);
  for (const r of est.rows) {
    if (!r.available) {
      out.push(`| ${r.function} | ${label(r)} | ${COLUMNS.map(() => '').join(' | ')} | | n/a: ${r.reason} |`);
      continue;
    }
    const total = r.cheapest ? `**$${money(r.total)}** (cheapest)` : `$${money(r.total)}`;
    out.push(`| ${r.function} | ${label(r)} | ${COLUMNS.map((c) => cell(r.items, c[1])).join(' | ')} | $${money(r.freeTierValue)} | ${total} |`);
  }
  if (est.profiles.length > 1) {
    out.push('');
    out.push('| Service total | Option | Total |');
    out.push('|---|---|---:|');
    for (const t of est.totals) {
      const total = t.available ? (t.cheapest ? `**$${money(t.total)}** (cheapest)` : `$${money(t.total)}`) : `n/a: ${t.reason}`;
      out.push(`| all functions | ${label(t)} | ${total} |`);
    }
  }
  if (est.breakEven) {
    const b = est.breakEven;
    out.push('');
    out.push(`**Break-even** against an always-on ${b.vm.name} ($${b.vm.hourly}/h = $${money(b.vm.monthly)}/month):`);
    out.push('');
    for (const o of b.options) {
      const v = o.verdict === 'cheaper-below' ? `cheaper below ${count(o.breakEvenRequests!)} requests/month` : o.verdict === 'never-cheaper' ? 'never cheaper' : 'cheaper at any volume searched';
      out.push(`- ${o.label}: $${money(o.current)} now; ${v}`);
    }
  }
  if (est.warnings.length) {
    out.push('');
    out.push('**Warnings**');
    out.push('');
    for (const w of est.warnings) out.push(`- ${w.message}`);
  }
  return `${out.join('\n')}\n`;
}
