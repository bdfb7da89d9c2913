import { limit, rate, type AzureCatalog } from './catalog.js';
import { allocateProRata, ceilTo, MB_PER_GB, MS_PER_S, PER_MILLION } from './money.js';
import { line } from './line.js';
import type { CostProfile } from './profile.js';
import type { LineItem } from './result.js';

/**
 * Azure Functions Consumption plan (docs/cost.md#azure-consumption): each execution bills its
 * observed memory rounded up to 128 MB steps (at least 128 MB, at most 1,536 MB) times its
 * duration rounded up to 1 ms with a 100 ms minimum; executions are priced per million. The
 * subscription's free grant (400,000 GB-s, 1M executions) is split across functions in
 * proportion to their usage. Observed memory = the measured peak when known, else the
 * configured memory (an upper bound, so the estimate errs high).
 */
export function estimateAzureConsumption(profiles: CostProfile[], cat: AzureCatalog, opts: { freeTier: boolean }): Map<string, LineItem[]> {
  const gbS = profiles.map((p) => {
    const mem = Math.max(rate(cat, 'consumptionMinMemoryMb'), ceilTo(p.observedMemoryMb ?? p.memoryMb, rate(cat, 'consumptionMemoryStepMb')));
    const ms = Math.max(rate(cat, 'consumptionMinMs'), ceilTo(p.durationMs, rate(cat, 'consumptionGranularityMs')));
    return ((mem / MB_PER_GB) * ms * p.requestsPerMonth) / MS_PER_S;
  });
  const freeGb = allocateProRata(opts.freeTier ? rate(cat, 'consumptionFreeGbS') : 0, gbS);
  const freeEx = allocateProRata(opts.freeTier ? rate(cat, 'consumptionFreeExecutions') : 0, profiles.map((p) => p.requestsPerMonth));
  const out = new Map<string, LineItem[]>();
  profiles.forEach((p, i) => {
    const exRate = rate(cat, 'consumptionExecutionsPerMillion') / PER_MILLION;
    const gbRate = rate(cat, 'consumptionPerGbS');
    out.set(p.function, [
      line('requests', 'executions', {
        quantity: p.requestsPerMonth - freeEx[i],
        unit: 'executions',
        exact: (p.requestsPerMonth - freeEx[i]) * exRate,
        freeQuantity: freeEx[i],
        freeValue: freeEx[i] * exRate,
        rates: ['azure.consumptionExecutionsPerMillion', 'azure.consumptionFreeExecutions'],
      }),
      line('compute', 'execution time', {
        quantity: gbS[i] - freeGb[i],
        unit: 'GB-s',
        exact: (gbS[i] - freeGb[i]) * gbRate,
        freeQuantity: freeGb[i],
        freeValue: freeGb[i] * gbRate,
        rates: ['azure.consumptionPerGbS', 'azure.consumptionFreeGbS', 'azure.consumptionMemoryStepMb', 'azure.consumptionMinMs'],
      }),
    ]);
  });
  return out;
}

/** Why the Consumption plan cannot run this profile, or undefined. */
export function azureConsumptionUnavailable(p: CostProfile, cat: AzureCatalog): string | undefined {
  const max = limit(cat, 'consumptionMaxMemoryMb');
  if ((p.observedMemoryMb ?? p.memoryMb) > max) return `Azure Consumption gives at most ${max} MB per instance; ${p.memoryMb} MB does not fit`;
  const timeout = limit(cat, 'consumptionTimeoutMaxSeconds');
  if (p.durationMs > timeout * MS_PER_S) return `Azure Consumption runs at most ${timeout} s per execution`;
  if (p.events.http && p.durationMs > limit(cat, 'httpResponseMaxSeconds') * MS_PER_S) return `Azure HTTP triggers must answer within ${limit(cat, 'httpResponseMaxSeconds')} s`;
  return undefined;
}
