import type { CostProfile } from '../../src/cost/profile.js';

/** A profile with neutral defaults; tests set only what they exercise. */
export function profile(over: Partial<CostProfile> & { function?: string } = {}): CostProfile {
  return {
    function: 'fn',
    requestsPerMonth: 1_000_000,
    durationMs: 100,
    memoryMb: 1024,
    architecture: 'x86_64',
    coldStartRate: 0,
    initMs: 0,
    warm: 0,
    peakFactor: 1,
    events: { http: false },
    source: 'test',
    ...over,
  };
}
