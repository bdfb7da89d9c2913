/**
 * Sanity bounds for user input (not prices, not provider limits): figures outside them are
 * typos, not workloads. Provider limits live in the catalogs.
 */
export const INPUT_BOUNDS = {
  /** ~380,000 requests per second, all month. */
  maxRequestsPerMonth: 1e12,
  /** A day. No target runs one invocation longer. */
  maxDurationMs: 86_400_000,
  maxInitMs: 600_000,
  /** 1 TiB. */
  maxMemoryMb: 1_048_576,
  maxInstances: 100_000,
  maxPeakFactor: 1000,
  maxBatchSize: 10_000,
  maxMessageKb: 1_048_576,
  /** How far the break-even search goes (requests a month). */
  maxBreakEvenRequests: 1e13,
  /** Memory of a hypothetical function when --memory is not given (the sls-x config default). */
  defaultMemoryMb: 1024,
};
