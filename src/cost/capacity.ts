import { limit, type Catalogs } from './catalog.js';
import { flexInstance } from './azure-flex.js';
import { MS_PER_S } from './money.js';
import type { CostProfile } from './profile.js';
import type { CostWarning, OptionId } from './result.js';

/** Load of one function at its peak, by Little's law: concurrency = arrival rate x duration. */
export interface Capacity {
  function: string;
  /** Requests per second at the peak (average x peak factor). */
  peakRps: number;
  /** Executions in flight at the peak. */
  concurrency: number;
}

export function capacityOf(p: CostProfile, secondsPerMonth: number): Capacity {
  const peakRps = (p.requestsPerMonth / secondsPerMonth) * p.peakFactor;
  return { function: p.function, peakRps, concurrency: peakRps * (p.durationMs / MS_PER_S) };
}

const fmt = (n: number): string => (n >= 10 ? Math.ceil(n).toLocaleString('en-US') : n.toFixed(1));

/**
 * Warn where a profile would be throttled (docs/cost.md#capacity-and-limits): AWS account
 * concurrency (shared by every function of the region) and reserved concurrency, and the
 * per-function scaling rate; Azure and GCP instance caps, given how many executions one
 * instance takes at once.
 */
export function capacityWarnings(profiles: CostProfile[], cats: Catalogs, options: OptionId[], secondsPerMonth: number): CostWarning[] {
  const out: CostWarning[] = [];
  const caps = profiles.map((p) => capacityOf(p, secondsPerMonth));
  const has = (o: OptionId) => options.includes(o);
  if (has('aws-x86') || has('aws-arm64')) {
    const account = limit(cats.aws, 'accountConcurrency');
    const total = caps.reduce((s, c) => s + c.concurrency, 0);
    if (total > account) {
      out.push({ kind: 'capacity', message: `AWS: ${fmt(total)} concurrent executions at peak across all functions exceed the account's ${account} (default quota per region): requests beyond it are throttled (429). Ask AWS for a quota increase or lower the duration.` });
    }
    const perWindow = limit(cats.aws, 'scalingPerWindow');
    const window = limit(cats.aws, 'scalingWindowSeconds');
    profiles.forEach((p, i) => {
      const c = caps[i].concurrency;
      if (p.maxConcurrency !== undefined && c > p.maxConcurrency) {
        out.push({ kind: 'capacity', function: p.function, message: `AWS: ${p.function} needs ${fmt(c)} concurrent executions at peak but its reserved concurrency (concurrency.max) is ${p.maxConcurrency}: the rest is throttled.` });
      }
      if (c > perWindow) {
        out.push({ kind: 'capacity', function: p.function, message: `AWS: ${p.function} scales by ${perWindow} execution environments per ${window} s; a burst from idle to ${fmt(c)} concurrent takes at least ${Math.ceil(c / perWindow) * window} s, and requests above the reached level are throttled meanwhile.` });
      }
    });
  }
  profiles.forEach((p, i) => {
    const c = caps[i].concurrency;
    if (has('azure-consumption')) {
      const per = limit(cats.azure, 'consumptionConcurrencyPerInstance');
      const max = Math.min(limit(cats.azure, 'consumptionMaxInstances'), p.maxConcurrency ?? Infinity);
      const need = Math.ceil(c / per);
      if (need > max) out.push({ kind: 'capacity', option: 'azure-consumption', function: p.function, message: `Azure Consumption: ${p.function} needs ${need} instances at peak (${per} concurrent each) but can have ${max}.` });
    }
    if (has('azure-flex') || has('azure-flex-ready')) {
      const inst = flexInstance(p, cats.azure);
      if (inst) {
        const per = p.perInstanceConcurrency ?? inst.httpConcurrency;
        const max = Math.min(limit(cats.azure, 'flexMaxInstances'), p.maxConcurrency ?? Infinity);
        const need = Math.ceil(c / per);
        if (need > max) out.push({ kind: 'capacity', option: 'azure-flex', function: p.function, message: `Azure Flex: ${p.function} needs ${need} instances at peak (${per} concurrent each on ${inst.memoryMb} MB instances) but can have ${max} (maximumInstanceCount).` });
      }
    }
    if (has('gcp')) {
      const per = p.perInstanceConcurrency ?? limit(cats.gcp, 'defaultConcurrencyPerInstance');
      const max = p.maxConcurrency ?? limit(cats.gcp, 'defaultMaxInstances');
      const need = Math.ceil(c / per);
      if (need > max) out.push({ kind: 'capacity', option: 'gcp', function: p.function, message: `GCP: ${p.function} needs ${need} instances at peak (${per} concurrent request${per === 1 ? '' : 's'} each) but can have ${max} (maxInstanceCount): set concurrency or max instances higher.` });
    }
  });
  return out;
}
