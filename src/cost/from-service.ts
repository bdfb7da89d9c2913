import type { FunctionSpec, Service } from '../model/service.js';
import { PROFILE_DEFAULTS, type CostProfile, type ProfileEvents } from './profile.js';

/** The parts of a profile a function's config decides (memory, architecture, warm, events...). */
export function configOf(fn: FunctionSpec): Omit<CostProfile, 'requestsPerMonth' | 'durationMs' | 'source'> {
  const queue = fn.events.find((e) => e.kind === 'queue');
  const schedules = fn.events.filter((e) => e.kind === 'schedule').length;
  const events: ProfileEvents = {
    http: fn.events.some((e) => e.kind === 'http'),
    ...(queue && queue.kind === 'queue' ? { queue: { batchSize: queue.batchSize, messageKb: PROFILE_DEFAULTS.messageKb } } : {}),
    ...(schedules > 0 ? { schedule: { jobs: schedules } } : {}),
  };
  return {
    function: fn.name,
    memoryMb: fn.memory,
    architecture: fn.architecture,
    coldStartRate: PROFILE_DEFAULTS.coldStartRate,
    initMs: PROFILE_DEFAULTS.initMs,
    warm: fn.concurrency.warm,
    ...(fn.concurrency.max !== undefined ? { maxConcurrency: fn.concurrency.max } : {}),
    ephemeralStorageMb: fn.ephemeralStorage,
    peakFactor: PROFILE_DEFAULTS.peakFactor,
    events,
  };
}

/**
 * Profiles from faas.yaml: each function with a `traffic:` entry, its memory, architecture,
 * warm/max concurrency, storage and triggers from its config. Functions without traffic are
 * returned by name so the output can say they were left out.
 */
export function profilesFromService(service: Service): { profiles: CostProfile[]; withoutTraffic: string[] } {
  const profiles: CostProfile[] = [];
  const withoutTraffic: string[] = [];
  for (const fn of service.functions) {
    const t = service.traffic[fn.name];
    if (!t) {
      withoutTraffic.push(fn.name);
      continue;
    }
    const base = configOf(fn);
    const table = t.tableReads || t.tableWrites ? { table: { readsPerRequest: t.tableReads ?? 0, writesPerRequest: t.tableWrites ?? 0 } } : {};
    profiles.push({
      ...base,
      events: { ...base.events, ...table },
      requestsPerMonth: t.requestsPerMonth,
      durationMs: t.durationMs,
      memoryMb: t.memory ?? fn.memory,
      coldStartRate: t.coldStartRate ?? base.coldStartRate,
      initMs: t.initMs ?? base.initMs,
      source: 'faas.yaml traffic',
    });
  }
  return { profiles, withoutTraffic };
}
