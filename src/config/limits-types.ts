import type { Architecture, FunctionSpec, Runtime, TargetName } from '../model/service.js';

/** A name rule for a resource sls-x creates, checked on the full physical name. */
export interface NameRule {
  /** What the cloud calls it, for messages: `Lambda function name`. */
  label: string;
  max: number;
  min?: number;
  pattern: RegExp;
  /** Plain words for `pattern`, for the hint. */
  allowed: string;
  /**
   * The physical name sls-x gives the resource; for a function (`fn` given), the longest one it
   * makes of it (azure registers a function with several triggers once per trigger).
   */
  physical(service: string, stage: string, name: string, fn?: FunctionSpec): string;
}

/**
 * What one target can do, as data (providers/<target>/limits.ts). The config checks read it to
 * report, per target, what a target cannot do (error) or does differently (warning).
 * Times are ms, memory MB.
 */
export interface TargetLimits {
  target: TargetName;
  /** The product, for messages: `AWS Lambda`. */
  label: string;
  /** Runtimes and their support level; a runtime not listed is unsupported. */
  runtimes: Partial<Record<Runtime, 'ga' | 'preview'>>;
  memory: {
    min: number;
    max: number;
    /** When set, only these sizes exist; others are rounded up to the next one (a warning). */
    sizes?: number[];
    /** One memory size for every function of the service (Azure: per Function App). */
    perService?: boolean;
  };
  timeout: {
    maxMs: number;
    /** Longest an HTTP request may run (gateway / load balancer limit). */
    httpMaxMs?: number;
    /** Longest an event-driven (queue, schedule, storage) invocation may run. */
    eventMaxMs?: number;
    /** One timeout for the whole service (Azure host.json functionTimeout). */
    perService?: boolean;
  };
  /** Architectures offered; others are a warning (runs on the first listed). */
  architectures: Architecture[];
  /** /tmp size range, or undefined when it cannot be configured. */
  ephemeralStorage?: { min: number; max: number };
  env: {
    /** Total bytes of keys and values, when limited. */
    maxBytes?: number;
    reserved: string[];
    reservedPrefixes: string[];
  };
  names: { function: NameRule; queue: NameRule; bucket: NameRule; service?: NameRule };
  queue: {
    batchSizeMax: number;
    /** Batch sizes above this need a batch window (SQS: 10). */
    batchSizeNeedsWindowAbove?: number;
    /** Longest batch window; 0 = batch windows are not supported. */
    batchWindowMaxMs: number;
    /** One batch size for every queue function (Azure host.json). */
    batchPerService?: boolean;
    /** Delivers one message per invocation whatever the batch size (Pub/Sub push). */
    singleMessage?: boolean;
    visibilityTimeoutMaxMs: number;
    retentionMinMs: number;
    retentionMaxMs: number;
    /** Allowed retries (deliveries - 1) when dead-lettering is on. */
    maxRetriesMin: number;
    maxRetriesMax: number;
    /** Retries are one setting for the whole service (Azure maxDequeueCount). */
    retriesPerService?: boolean;
    /** False when failing messages always go to a poison queue (Azure). */
    deadLetterOptional: boolean;
    /** The queue's visibility timeout must be at least the consumer's timeout (SQS + Lambda). */
    visibilityCoversTimeout?: boolean;
  };
  schedule: {
    /** `native`: rates run as rates; `cron`: converted to an exact cron, or refused. */
    rates: 'native' | 'cron';
    /** Cron extensions `L`, `W`, `#` available. */
    extensions: boolean;
    /** Only one of day-of-month / day-of-week may be restricted (AWS). */
    domOrDow?: boolean;
    timezones: boolean;
  };
  storage: {
    /** `native`: prefix/suffix filter in the cloud; `in-function`: the shim filters (still invoked). */
    filters: 'native' | 'in-function';
    /** Overlapping filters on one bucket and event type are rejected (S3). */
    noOverlap?: boolean;
  };
  concurrency: {
    maxMin?: number;
    maxMax: number;
    warmMax: number;
  };
  /** Anything else worth a line in the docs. */
  notes?: string[];
}
