import { count, money, ms, pad, pct } from './format.js';
import { INPUT_BOUNDS } from './input-bounds.js';
import type { CostProfile } from './profile.js';
import type { CostEstimate, CostRow, LineItem, LineKind, OptionTotal } from './result.js';

/** The columns every renderer shows; `other` folds gateway, queue, scheduler, storage and table requests in the table. */
export const OTHER_KINDS: LineKind[] = ['gateway', 'queue', 'scheduler', 'storage', 'table'];

/** One line describing a profile, for the header of every format. */
export function describeProfile(p: CostProfile, secondsPerMonth: number): string {
  const events = [p.events.http ? 'http' : '', p.events.queue ? `queue x${p.events.queue.batchSize}` : '', p.events.schedule ? 'schedule' : ''].filter(Boolean).join('+') || 'no trigger';
  const table = p.events.table ? [`table ${p.events.table.readsPerRequest} reads + ${p.events.table.writesPerRequest} writes/request`] : [];
  const parts = [
    `${count(p.requestsPerMonth)} req/month (${Number((p.requestsPerMonth / secondsPerMonth).toPrecision(3))}/s)`,
    ms(p.durationMs),
    `${p.memoryMb.toLocaleString('en-US')} MB`,
    `cold ${pct(p.coldStartRate)}${p.coldStartRate > 0 ? ` x ${ms(p.initMs)} init` : ''}`,
    ...(p.warm > 0 ? [`warm ${p.warm}`] : []),
    ...(p.peakFactor !== 1 ? [`peak x${p.peakFactor}`] : []),
    events,
    ...table,
  ];
  return `${p.function}: ${parts.join(', ')} [${p.source}]`;
}

function sumKinds(items: Array<{ kind: LineKind; amount: number; notEstimated?: string }>, kinds: LineKind[]): string {
  const mine = items.filter((i) => kinds.includes(i.kind));
  if (mine.length === 0) return '-';
  const priced = mine.filter((i) => !i.notEstimated);
  if (priced.length === 0) return 'n/e';
  return money(priced.reduce((s, i) => s + i.amount, 0)) + (priced.length < mine.length ? '+' : '');
}

const FN_WIDTH = 14;
const OPT_WIDTH = 18;
const NUM = 9;

/** A plain-text table for a terminal (fits in about 95 columns). */
export function renderTable(est: CostEstimate, secondsPerMonth: number): string {
  const out: string[] = [];
  out.push(`Estimated cost, USD per month, ${est.freeTier ? 'free tiers applied' : 'list price (no free tier)'}.`);
  out.push(`Catalogs: ${Object.entries(est.catalogs).map(([k, v]) => `${k} ${v}`).join(', ')}${est.overridden.length ? `; overridden: ${est.overridden.join(', ')}` : ''}.`);
  out.push('');
  for (const p of est.profiles) out.push(`  ${describeProfile(p, secondsPerMonth)}`);
  out.push('');
  const head = [pad('function', FN_WIDTH), pad('option', OPT_WIDTH), ...['requests', 'compute', 'warm', 'other', 'free used'].map((h) => pad(h, NUM, true)), pad('total', NUM + 2, true)];
  out.push(head.join(' '));
  for (const r of est.rows) out.push(rowLine(r.function, r));
  const multi = est.profiles.length > 1;
  if (multi) {
    out.push('');
    for (const t of est.totals) out.push(rowLine('ALL', t));
  }
  out.push('');
  out.push(`* cheapest${multi ? ' (per function; ALL = the service as one bill)' : ''}. "other" = API gateway, queue, scheduler, storage, table requests; n/e = not estimated.`);
  if (est.rows.some((r) => !r.deployable)) out.push('^ for comparison only: sls-x cannot deploy to it (on Azure it deploys Flex Consumption).');
  if (est.breakEven) out.push('', ...renderBreakEven(est));
  if (est.warnings.length) {
    out.push('', 'Warnings:');
    for (const w of est.warnings) out.push(`  - ${w.message}`);
  }
  return `${out.join('\n')}\n`;
}

function rowLine(fn: string, r: CostRow | OptionTotal): string {
  const start = `${pad(fn, FN_WIDTH)} ${pad(`${r.label}${r.deployable ? '' : '^'}`, OPT_WIDTH)} `;
  if (!r.available && 'function' in r) return `${start}n/a: ${r.reason}`;
  const items = r.items as Array<LineItem | { kind: LineKind; amount: number }>;
  const cells = [sumKinds(items, ['requests']), sumKinds(items, ['compute']), sumKinds(items, ['warm']), sumKinds(items, OTHER_KINDS), money(r.freeTierValue)];
  const total = `${money(r.total)}${r.cheapest ? ' *' : '  '}`;
  const note = !r.available ? `  (${r.reason})` : '';
  return `${start}${cells.map((c) => pad(c, NUM, true)).join(' ')} ${pad(total, NUM + 2, true)}${note}`;
}

/** Lines of the break-even section. */
export function renderBreakEven(est: CostEstimate): string[] {
  const b = est.breakEven!;
  const out = [`Break-even against an always-on ${b.vm.name}: $${b.vm.hourly}/h = $${money(b.vm.monthly)}/month (source: ${b.vm.source}).`];
  for (const o of b.options) {
    const verdict =
      o.verdict === 'never-cheaper'
        ? 'never cheaper: its fixed monthly cost alone exceeds the VM'
        : o.verdict === 'always-cheaper'
          ? `cheaper at any volume searched (up to ${count(INPUT_BOUNDS.maxBreakEvenRequests)} requests/month)`
          : `cheaper below ${count(o.breakEvenRequests!)} requests/month`;
    out.push(`  ${pad(o.label, OPT_WIDTH)} now ${pad(money(o.current), NUM, true)}  ${verdict}`);
  }
  out.push('  (The VM\'s own capacity is not modelled: check it can serve the volume.)');
  return out;
}
