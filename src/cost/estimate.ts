import type { Architecture } from '../model/service.js';
import { estimateAws, awsUnavailable } from './aws.js';
import { estimateAzureConsumption, azureConsumptionUnavailable } from './azure-consumption.js';
import { estimateAzureFlex, azureFlexUnavailable, flexInstance } from './azure-flex.js';
import { capacityWarnings } from './capacity.js';
import { rate, type Catalogs } from './catalog.js';
import { awsExtras, azureExtras, gcpExtras } from './extras.js';
import { estimateGcp, gcpUnavailable } from './gcp.js';
import { secondsPerMonth } from './line.js';
import { roundCents } from './money.js';
import type { CostProfile } from './profile.js';
import { OPTION_DEPLOYABLE, OPTION_IDS, OPTION_LABELS, OPTION_TARGET, type CostEstimate, type CostRow, type CostWarning, type LineItem, type LineKind, type OptionId, type OptionTotal } from './result.js';

export interface EstimateOptions {
  /** Apply the providers' free tiers (default true); false shows list price. */
  freeTier?: boolean;
  /** Only these targets' options. */
  targets?: Array<'aws' | 'azure' | 'gcp'>;
  /** Only this AWS architecture. */
  arch?: Architecture;
}

/** Which options an estimate shows. Flex with always ready appears only when some function asks for warm instances. */
export function selectOptions(profiles: CostProfile[], opts: EstimateOptions): OptionId[] {
  const anyWarm = profiles.some((p) => p.warm > 0);
  return OPTION_IDS.filter((o) => {
    if (opts.targets && !opts.targets.includes(OPTION_TARGET[o])) return false;
    if (opts.arch && ((o === 'aws-x86' && opts.arch !== 'x86_64') || (o === 'aws-arm64' && opts.arch !== 'arm64'))) return false;
    if (o === 'azure-flex-ready' && !anyWarm) return false;
    return true;
  });
}

/**
 * The pure estimator: profiles + catalogs -> one row per function and option with its line
 * items, per-option totals as the bill shows them, the cheapest marked, and warnings. No I/O.
 */
export function estimate(profiles: CostProfile[], cats: Catalogs, opts: EstimateOptions = {}): CostEstimate {
  const freeTier = opts.freeTier ?? true;
  const T = secondsPerMonth(rate(cats.common, 'hoursPerMonth'));
  const options = selectOptions(profiles, opts);
  const rows: CostRow[] = [];
  const warnings: CostWarning[] = [];

  for (const option of options) {
    const reasons = new Map(profiles.map((p) => [p.function, unavailable(option, p, cats)]));
    const ok = profiles.filter((p) => !reasons.get(p.function));
    const items = priceOption(option, ok, cats, freeTier, T);
    for (const p of profiles) {
      const reason = reasons.get(p.function);
      const list = items.get(p.function) ?? [];
      rows.push({
        function: p.function,
        option,
        label: OPTION_LABELS[option],
        deployable: OPTION_DEPLOYABLE[option],
        available: !reason,
        ...(reason ? { reason } : {}),
        items: list,
        freeTierValue: roundCents(list.reduce((s, i) => s + i.freeValue, 0)),
        total: roundCents(list.reduce((s, i) => s + i.amount, 0)),
        cheapest: false,
      });
    }
  }

  // Cheapest per function, among options that can run it (ties all marked).
  for (const p of profiles) {
    const mine = rows.filter((r) => r.function === p.function && r.available);
    const min = Math.min(...mine.map((r) => r.total));
    for (const r of mine) r.cheapest = r.total === min;
  }

  const totals = options.map((o) => optionTotal(o, rows.filter((r) => r.option === o)));
  const avail = totals.filter((t) => t.available);
  const min = Math.min(...avail.map((t) => t.total));
  for (const t of avail) t.cheapest = t.total === min;

  warnings.push(...assumptionWarnings(profiles, options, cats), ...capacityWarnings(profiles, cats, options, T));
  for (const r of rows) if (!r.available) warnings.push({ kind: 'limits', option: r.option, function: r.function, message: `${r.label}: ${r.reason}.` });

  const names = ['aws', 'azure', 'gcp'].filter((n) => options.some((o) => OPTION_TARGET[o] === n)) as Array<'aws' | 'azure' | 'gcp'>;
  return {
    currency: 'USD',
    catalogs: Object.fromEntries([...names, 'common' as const].map((n) => [n, cats[n].effectiveDate])),
    overridden: cats.overridden,
    freeTier,
    profiles,
    rows,
    totals,
    warnings,
  };
}

/**
 * The service's monthly total on one option (bill-style rounding), for profiles that the option
 * can run. Used by the break-even search, which calls it many times.
 */
export function optionCost(option: OptionId, profiles: CostProfile[], cats: Catalogs, freeTier: boolean): number {
  const T = secondsPerMonth(rate(cats.common, 'hoursPerMonth'));
  const items = priceOption(option, profiles, cats, freeTier, T);
  const rows = profiles.map((p) => ({ function: p.function, option, label: '', deployable: OPTION_DEPLOYABLE[option], available: true, items: items.get(p.function) ?? [], freeTierValue: 0, total: 0, cheapest: false }));
  return optionTotal(option, rows).total;
}

/** Why `option` cannot run `p`, or undefined. */
export function unavailable(option: OptionId, p: CostProfile, cats: Catalogs): string | undefined {
  switch (OPTION_TARGET[option]) {
    case 'aws':
      return awsUnavailable(p, cats.aws);
    case 'gcp':
      return gcpUnavailable(p, cats.gcp);
    default:
      return option === 'azure-consumption' ? azureConsumptionUnavailable(p, cats.azure) : azureFlexUnavailable(p, cats.azure);
  }
}

function priceOption(option: OptionId, profiles: CostProfile[], cats: Catalogs, freeTier: boolean, T: number): Map<string, LineItem[]> {
  let base: Map<string, LineItem[]>;
  let extra: Map<string, LineItem[]>;
  switch (option) {
    case 'aws-x86':
    case 'aws-arm64':
      base = estimateAws(profiles, cats.aws, { arch: option === 'aws-x86' ? 'x86_64' : 'arm64', freeTier, secondsPerMonth: T });
      extra = awsExtras(profiles, cats.aws, { freeTier });
      break;
    case 'azure-consumption':
      base = estimateAzureConsumption(profiles, cats.azure, { freeTier });
      extra = azureExtras(profiles, cats.azure);
      break;
    case 'azure-flex':
    case 'azure-flex-ready':
      base = estimateAzureFlex(profiles, cats.azure, { freeTier, alwaysReady: option === 'azure-flex-ready', secondsPerMonth: T });
      extra = azureExtras(profiles, cats.azure);
      break;
    case 'gcp':
      base = estimateGcp(profiles, cats.gcp, { freeTier, secondsPerMonth: T });
      extra = gcpExtras(profiles, cats.gcp, { freeTier, secondsPerMonth: T });
      break;
  }
  for (const [fn, list] of extra) base.get(fn)?.push(...list);
  return base;
}

/** The service on one option: each kind of line summed over functions unrounded, then rounded (as a bill rounds per usage type). */
function optionTotal(option: OptionId, rows: CostRow[]): OptionTotal {
  const missing = rows.filter((r) => !r.available);
  const kinds = new Map<LineKind, number>();
  let free = 0;
  for (const r of rows.filter((x) => x.available)) {
    for (const i of r.items) {
      kinds.set(i.kind, (kinds.get(i.kind) ?? 0) + i.exact);
      free += i.freeValue;
    }
  }
  const items = [...kinds].map(([kind, exact]) => ({ kind, exact, amount: roundCents(exact) }));
  return {
    option,
    label: OPTION_LABELS[option],
    deployable: OPTION_DEPLOYABLE[option],
    available: missing.length === 0,
    ...(missing.length ? { reason: `cannot run ${missing.map((r) => r.function).join(', ')}` } : {}),
    items,
    freeTierValue: roundCents(free),
    total: roundCents(items.reduce((s, i) => s + i.amount, 0)),
    cheapest: false,
  };
}

function assumptionWarnings(profiles: CostProfile[], options: OptionId[], cats: Catalogs): CostWarning[] {
  const out: CostWarning[] = [];
  for (const p of profiles) {
    if (p.warm > 0 && options.includes('azure-consumption')) {
      out.push({ kind: 'assumption', option: 'azure-consumption', function: p.function, message: `Azure Consumption has no always-ready instances: ${p.function}'s warm: ${p.warm} is not possible there (cold starts remain).` });
    }
    if (p.warm > 0 && options.includes('azure-flex')) {
      out.push({ kind: 'assumption', option: 'azure-flex', function: p.function, message: `Azure Flex (on demand) is priced without ${p.function}'s ${p.warm} warm instance(s); "Azure Flex+ready" includes them.` });
    }
    const inst = flexInstance(p, cats.azure);
    if (inst && inst.memoryMb !== p.memoryMb && options.some((o) => o.startsWith('azure-flex'))) {
      out.push({ kind: 'assumption', option: 'azure-flex', function: p.function, message: `Azure Flex bills instance memory: ${p.function} (${p.memoryMb} MB) is priced on a ${inst.memoryMb} MB instance.` });
    }
  }
  return out;
}
