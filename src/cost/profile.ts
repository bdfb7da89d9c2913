import type { Architecture } from '../model/service.js';

/**
 * What the estimator needs to know about one function's month. All figures are averages
 * over the month; times are ms, memory MB. Built from flags, from `traffic:` in faas.yaml, or
 * from measured invocation records.
 */
export interface CostProfile {
  function: string;
  requestsPerMonth: number;
  /** Average handler duration (warm), ms. */
  durationMs: number;
  /** Configured memory, MB. */
  memoryMb: number;
  /** Peak memory actually used, MB, where known (Azure Consumption bills observed memory). */
  observedMemoryMb?: number;
  /** The function's own architecture; AWS options force x86_64 or arm64 over it. */
  architecture: Architecture;
  /** Fraction of invocations that are cold, 0..1. */
  coldStartRate: number;
  /** Average init duration of a cold invocation, ms. */
  initMs: number;
  /** Pre-warmed instances: AWS provisioned concurrency, Azure Flex always ready, GCP min instances. */
  warm: number;
  /** AWS reserved concurrency, Azure maximumInstanceCount, GCP maxInstanceCount. */
  maxConcurrency?: number;
  /** Concurrent executions one instance takes (Azure Flex, GCP); defaults per target. */
  perInstanceConcurrency?: number;
  /** AWS ephemeral /tmp storage, MB (default: the included amount, no charge). */
  ephemeralStorageMb?: number;
  /** Peak-to-average ratio of the request rate, for capacity checks (>= 1). */
  peakFactor: number;
  events: ProfileEvents;
  /** Where the figures came from: `flags`, `faas.yaml`, `local measurement`, ... */
  source: string;
}

/** Triggers that add line items besides the function itself. */
export interface ProfileEvents {
  http: boolean;
  /** A queue trigger: messages per invocation (batch size) and payload size. */
  queue?: { batchSize: number; messageKb: number };
  /** Scheduled: how many schedule jobs the function has. */
  schedule?: { jobs: number };
  /** Key-value table requests per invocation (`traffic.<fn>.tableReads` / `tableWrites`). */
  table?: { readsPerRequest: number; writesPerRequest: number };
}

/** Defaults for a profile field nobody set. Assumptions, not rates: each is named in the output. */
export const PROFILE_DEFAULTS = {
  coldStartRate: 0,
  initMs: 0,
  warm: 0,
  peakFactor: 1,
  architecture: 'arm64' as Architecture,
  messageKb: 1,
};
