import type { CorsSpec, EventSpec, HttpAuthSpec, HttpEventSpec, QueueEventSpec, ScheduleEventSpec, StorageEventSpec, TargetName } from './service.js';

/**
 * What the bundler bakes into each function's entry: only what identifies the code (which
 * function, which cloud). Nothing that is configuration: a change of memory, timeout or events
 * must leave the artifact's bytes, and so its sha256, as they were.
 */
export interface BakedMeta {
  functionName: string;
  target: TargetName;
}

/**
 * A function's runtime configuration, which reaches the shim through the environment (Lambda
 * environment variables, Cloud Functions environment, the Function App's app settings, the
 * local cloud's instance env) as `SLSX_FUNCTIONS`: a JSON map of function name to this. No
 * secrets, ever.
 */
export interface FunctionConfig {
  service: string;
  stage: string;
  region?: string;
  /** Not on aws, where the platform gives each invocation its remaining time. */
  timeoutMs?: number;
  events: RuntimeEventSpec[];
  /**
   * Azure only, where one process serves every function of the app: the queues this function
   * sends to and the buckets it uses (faas.yaml names; the physical names are app settings), so
   * the shim can hold each function to its own declarations.
   */
  sends?: string[];
  buckets?: Record<string, 'read' | 'write' | 'readwrite'>;
  /** Azure only, likewise: the tables this function uses, with the declared access and the table's key attribute. */
  tables?: Record<string, { access: 'read' | 'write' | 'readwrite'; key: string }>;
}

/**
 * An event as the shim needs it: without what only the cloud's wiring uses (a queue's batch size
 * and window, a schedule's time zone; its cron, rate and enabled flag except on Azure; an HTTP
 * route's CORS where a gateway applies it: API Gateway, the local gateway; its `auth` on AWS,
 * where API Gateway verifies tokens), so changing those updates the trigger alone.
 */
export type RuntimeEventSpec =
  | (Pick<HttpEventSpec, 'kind' | 'method' | 'path'> & { cors?: CorsSpec; auth?: HttpAuthSpec })
  | Pick<QueueEventSpec, 'kind' | 'queue'>
  | (Pick<ScheduleEventSpec, 'kind' | 'expression' | 'input'> & Partial<Pick<ScheduleEventSpec, 'cron' | 'rateMs' | 'enabled'>>)
  | StorageEventSpec;

/** The environment variable carrying every function's FunctionConfig, as JSON keyed by function name. */
export { FUNCTIONS_ENV } from '../runtime/shim-kit.js';

/** What every shim (templates/shims/<target>.ts) works with: the baked part and the configured part. */
export interface ShimMeta extends BakedMeta, Omit<FunctionConfig, 'events' | 'timeoutMs'> {
  timeoutMs: number;
  /** From SLSX_FUNCTIONS (RuntimeEventSpec), or full specs where a test or the harness passes them. */
  events: Array<EventSpec | RuntimeEventSpec>;
}
