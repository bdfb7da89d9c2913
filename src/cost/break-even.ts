import { SlsxError } from '../errors/slsx-error.js';
import { rate, type Catalogs } from './catalog.js';
import { INPUT_BOUNDS } from './input-bounds.js';
import { optionCost, selectOptions, unavailable, type EstimateOptions } from './estimate.js';
import type { CostProfile } from './profile.js';
import { OPTION_LABELS, type BreakEven } from './result.js';

/** The VM to compare against: a named size from vm.json, or an hourly price. */
export function resolveVm(value: string, cats: Catalogs): { name: string; hourly: number; source: string } {
  const sizes = cats.vm.rates as Record<string, { value: number; source: string }>;
  const v = value.trim();
  const byName = Object.keys(sizes).find((k) => k.toLowerCase() === v.toLowerCase() || k.split('/')[1]?.toLowerCase() === v.toLowerCase());
  if (byName) return { name: byName, hourly: sizes[byName].value, source: sizes[byName].source };
  const m = /^\$?(\d+(?:\.\d+)?)(?:\s*(?:\/h|\/hr|\/hour|usd\/h))?$/i.exec(v);
  if (m) {
    const hourly = Number(m[1]);
    if (hourly > 0 && hourly < 1000) return { name: `VM at $${hourly}/h`, hourly, source: '--compare-vm' };
  }
  throw new SlsxError('COST_INPUT', `--compare-vm '${value}' is neither an hourly price in USD nor a known VM size.`, {
    hint: `Pass an hourly price such as --compare-vm 0.0168, or one of: ${Object.keys(sizes).join(', ')}.`,
  });
}

const MAX_REQUESTS = INPUT_BOUNDS.maxBreakEvenRequests;
const SEARCH_STEPS = 60;

/**
 * Monthly cost of an always-on VM (hourly x hours a month) and, per option, the monthly request
 * volume (all functions scaled together, keeping their mix) at which serverless costs as much
 * as the VM. Cost grows with traffic, so a bounded doubling then bisection finds it. The VM's
 * own capacity is not modelled: a small VM may not serve the break-even volume at all.
 */
export function breakEven(profiles: CostProfile[], cats: Catalogs, opts: EstimateOptions, vm: { name: string; hourly: number; source: string }): BreakEven {
  const monthly = vm.hourly * rate(cats.common, 'hoursPerMonth');
  const base = profiles.reduce((s, p) => s + p.requestsPerMonth, 0);
  const weights = profiles.map((p) => (base > 0 ? p.requestsPerMonth / base : 1 / profiles.length));
  const freeTier = opts.freeTier ?? true;
  const options = selectOptions(profiles, opts).filter((o) => profiles.every((p) => !unavailable(o, p, cats)));
  return {
    vm: { ...vm, monthly },
    options: options.map((option) => {
      const cost = (requests: number) => optionCost(option, profiles.map((p, i) => ({ ...p, requestsPerMonth: requests * weights[i] })), cats, freeTier);
      const current = cost(base);
      const result = { option, label: OPTION_LABELS[option], current };
      if (cost(0) >= monthly) return { ...result, breakEvenRequests: null, verdict: 'never-cheaper' as const };
      let lo = 0;
      let hi = Math.max(base, 1000);
      while (cost(hi) < monthly && hi < MAX_REQUESTS) {
        lo = hi;
        hi *= 2;
      }
      if (cost(hi) < monthly) return { ...result, breakEvenRequests: null, verdict: 'always-cheaper' as const };
      for (let i = 0; i < SEARCH_STEPS; i++) {
        const mid = (lo + hi) / 2;
        if (cost(mid) < monthly) lo = mid;
        else hi = mid;
      }
      return { ...result, breakEvenRequests: Math.round(hi), verdict: 'cheaper-below' as const };
    }),
  };
}
