import { limit, rate, type AzureCatalog } from './catalog.js';
import { allocateProRata, ceilTo, MB_PER_GB, MS_PER_S, PER_MILLION } from './money.js';
import { line } from './line.js';
import type { CostProfile } from './profile.js';
import type { LineItem } from './result.js';

/** The instance size a function runs on: the smallest Flex instance memory >= its memory. */
export function flexInstance(p: CostProfile, cat: AzureCatalog): { memoryMb: number; httpConcurrency: number } | undefined {
  return [...cat.tables.flexInstances.rows].sort((a, b) => a.memoryMb - b.memoryMb).find((r) => r.memoryMb >= p.memoryMb);
}

interface FlexUsage {
  p: CostProfile;
  instanceGb: number;
  /** Billed instance activity, seconds a month (all instances). */
  activity: number;
  /** Part of it on always-ready instances. */
  readyActivity: number;
  readyExecutions: number;
  baselineGbS: number;
}

/**
 * Seconds a month that Flex instances are billed as active for a profile. Flex bills each
 * instance's active periods (while at least one execution runs on it), at least 1,000 ms per
 * period and in 100 ms steps, not each execution: https://learn.microsoft.com/azure/azure-functions/functions-consumption-costs
 * (Flex Consumption tab, "on demand"). Two regimes, the smaller one holds:
 * - sparse traffic: executions rarely overlap, so each one opens its own active period:
 *   executions x max(1 s, duration rounded up to 100 ms);
 * - steady traffic: `inFlight` = requests per second x duration executions run at once, on
 *   ceil(inFlight / per-instance concurrency) instances active all the time.
 * Microsoft's worked examples (40 req/s, 250 ms, 2,048 MB): CPU-bound, one execution per
 * instance: 10 instances active, $1.9296/h; IO-bound, the 10 share one instance: $0.245/h.
 */
export function flexActivitySeconds(p: CostProfile, defaultConcurrency: number, cat: AzureCatalog, secondsPerMonth: number): number {
  if (p.requestsPerMonth <= 0) return 0;
  const billedMs = Math.max(rate(cat, 'flexMinMs'), ceilTo(p.durationMs, rate(cat, 'flexStepMs')));
  const sparse = (p.requestsPerMonth * billedMs) / MS_PER_S;
  const concurrency = Math.max(1, p.perInstanceConcurrency ?? defaultConcurrency);
  const inFlight = (p.requestsPerMonth / secondsPerMonth) * (p.durationMs / MS_PER_S);
  const steady = Math.ceil(inFlight / concurrency) * secondsPerMonth;
  return Math.min(sparse, steady);
}

/**
 * Azure Functions Flex Consumption (docs/cost.md#azure-flex-consumption). Billing is per
 * instance while it is active, on the instance memory size (512, 2,048 or 4,096 MB): see
 * {@link flexActivitySeconds}. So a sparse function pays each execution (at least 1 s), and a
 * busy one pays its instances' time, one instance per `concurrency` executions in flight. With `alwaysReady`, `warm` instances per function bill a baseline all
 * month and serve traffic first at the always-ready execution rate (no free grant); the rest
 * runs on demand, where the subscription's free grant applies (split in proportion to usage).
 */
export function estimateAzureFlex(profiles: CostProfile[], cat: AzureCatalog, opts: { freeTier: boolean; alwaysReady: boolean; secondsPerMonth: number }): Map<string, LineItem[]> {
  const usages: FlexUsage[] = profiles.map((p) => {
    const inst = flexInstance(p, cat)!;
    const instanceGb = inst.memoryMb / MB_PER_GB;
    const activity = flexActivitySeconds(p, inst.httpConcurrency, cat, opts.secondsPerMonth);
    const ready = opts.alwaysReady ? p.warm : 0;
    const readyActivity = Math.min(activity, ready * opts.secondsPerMonth);
    return {
      p,
      instanceGb,
      activity,
      readyActivity,
      readyExecutions: activity > 0 ? (p.requestsPerMonth * readyActivity) / activity : 0,
      baselineGbS: ready * instanceGb * opts.secondsPerMonth,
    };
  });
  const odGbS = usages.map((u) => (u.activity - u.readyActivity) * u.instanceGb);
  const odEx = usages.map((u) => u.p.requestsPerMonth - u.readyExecutions);
  const freeGb = allocateProRata(opts.freeTier ? rate(cat, 'flexFreeGbS') : 0, odGbS);
  const freeEx = allocateProRata(opts.freeTier ? rate(cat, 'flexFreeExecutions') : 0, odEx);

  const out = new Map<string, LineItem[]>();
  usages.forEach((u, i) => {
    const odExRate = rate(cat, 'flexExecutionsPerMillion') / PER_MILLION;
    const readyExRate = rate(cat, 'flexAlwaysReadyExecutionsPerMillion') / PER_MILLION;
    const odRate = rate(cat, 'flexOnDemandPerGbS');
    const readyGbS = u.readyActivity * u.instanceGb;
    const billableEx = odEx[i] - freeEx[i];
    const items: LineItem[] = [
      line('requests', 'executions', {
        quantity: billableEx + u.readyExecutions,
        unit: 'executions',
        exact: billableEx * odExRate + u.readyExecutions * readyExRate,
        freeQuantity: freeEx[i],
        freeValue: freeEx[i] * odExRate,
        rates: ['azure.flexExecutionsPerMillion', 'azure.flexFreeExecutions', ...(u.readyExecutions > 0 ? ['azure.flexAlwaysReadyExecutionsPerMillion'] : [])],
      }),
      line('compute', `instance memory ${u.instanceGb * MB_PER_GB} MB`, {
        quantity: odGbS[i] - freeGb[i] + readyGbS,
        unit: 'GB-s',
        exact: (odGbS[i] - freeGb[i]) * odRate + readyGbS * rate(cat, 'flexAlwaysReadyExecutionPerGbS'),
        freeQuantity: freeGb[i],
        freeValue: freeGb[i] * odRate,
        rates: ['azure.flexOnDemandPerGbS', 'azure.flexFreeGbS', 'azure.flexMinMs', 'azure.flexStepMs', ...(readyGbS > 0 ? ['azure.flexAlwaysReadyExecutionPerGbS'] : [])],
      }),
    ];
    if (u.baselineGbS > 0) {
      items.push(
        line('warm', `always ready ${u.p.warm}`, {
          quantity: u.baselineGbS,
          unit: 'GB-s',
          exact: u.baselineGbS * rate(cat, 'flexAlwaysReadyBaselinePerGbS'),
          rates: ['azure.flexAlwaysReadyBaselinePerGbS'],
        }),
      );
    }
    out.set(u.p.function, items);
  });
  return out;
}

/** Why Flex Consumption cannot run this profile, or undefined. */
export function azureFlexUnavailable(p: CostProfile, cat: AzureCatalog): string | undefined {
  if (!flexInstance(p, cat)) {
    const sizes = cat.tables.flexInstances.rows.map((r) => r.memoryMb).join(', ');
    return `Azure Flex Consumption instances have ${sizes} MB; ${p.memoryMb} MB does not fit`;
  }
  if (p.events.http && p.durationMs > limit(cat, 'httpResponseMaxSeconds') * MS_PER_S) return `Azure HTTP triggers must answer within ${limit(cat, 'httpResponseMaxSeconds')} s`;
  return undefined;
}
