/**
 * The neutral, validated, normalized service: what `faas.yaml` means once every default is
 * applied and every reference is checked. Adapters, the bundler and the cost estimator read
 * only this, never the raw config. Times are milliseconds, memory is MB.
 */
export const TARGETS = ['aws', 'azure', 'gcp', 'local'] as const;
export type TargetName = (typeof TARGETS)[number];

export const RUNTIMES = ['node20', 'node22', 'node24'] as const;
export type Runtime = (typeof RUNTIMES)[number];

export type Architecture = 'arm64' | 'x86_64';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface HttpEventSpec {
  kind: 'http';
  method: HttpMethod;
  /** Always starts with `/`; params as `{name}` (and a greedy `{name+}` last). */
  path: string;
  cors: boolean;
}

export interface QueueEventSpec {
  kind: 'queue';
  /** Name of a queue declared under top-level `queues`. */
  queue: string;
  batchSize: number;
  /** Max time to gather a batch (AWS MaximumBatchingWindow); 0 = none. */
  batchWindowMs: number;
}

export interface ScheduleEventSpec {
  kind: 'schedule';
  /** As written, e.g. `cron(0 3 * * *)` or `rate(5 minutes)`. */
  expression: string;
  /** Normalized: a 5-field cron (minute hour day-of-month month day-of-week, UTC) ... */
  cron?: string;
  /** ... or a fixed rate. Exactly one of cron / rateMs is set. */
  rateMs?: number;
  timezone: string;
  enabled: boolean;
  /** Optional JSON payload handed to the handler. */
  input?: unknown;
}

export interface StorageEventSpec {
  kind: 'storage';
  /** Name of a bucket declared under top-level `buckets`. */
  bucket: string;
  on: Array<'created' | 'deleted'>;
  prefix?: string;
  suffix?: string;
}

export type EventSpec = HttpEventSpec | QueueEventSpec | ScheduleEventSpec | StorageEventSpec;
export type EventKind = EventSpec['kind'];

export interface HandlerRef {
  /** Project-relative POSIX path to the source file, with its extension (resolved on disk). */
  file: string;
  /** Export name, e.g. `handler`. */
  export: string;
}

export interface FunctionSpec {
  /** Key under `functions`. */
  name: string;
  handler: HandlerRef;
  runtime: Runtime;
  memory: number;
  timeoutMs: number;
  architecture: Architecture;
  /** Plain environment (interpolated). Never holds secret values. */
  env: Record<string, string>;
  /** Names of secrets, resolved from each cloud's secret store at run time. */
  secrets: string[];
  concurrency: { max?: number; warm: number };
  /** Ephemeral /tmp storage in MB (AWS), default 512. */
  ephemeralStorage: number;
  events: EventSpec[];
  /** Queues the function sends to (grants send permission). */
  sends: string[];
  /** Buckets the function reads/writes (grants access). */
  buckets: Array<{ name: string; access: 'read' | 'write' | 'readwrite' }>;
  /** Extra permissions written in faas.yaml (`functions.<fn>.targets.aws.iam`), beyond the derived ones. */
  extraIam?: { aws?: Array<{ effect: 'Allow' | 'Deny'; actions: string[]; resources: string[] }> };
}

export interface QueueSpec {
  name: string;
  visibilityTimeoutMs: number;
  maxRetries: number;
  deadLetter: boolean;
  /** Retention of messages, ms. */
  retentionMs: number;
}

export interface BucketSpec {
  name: string;
  /** When set, the bucket exists already (not created or deleted by sls-x): its real name. */
  existing?: string;
}

export interface TargetSettings {
  region?: string;
  /** AWS account id, Azure subscription id, GCP project id. */
  account?: string;
  /** Azure resource group. */
  resourceGroup?: string;
  /** Local target: port of the gateway (0 = pick a free one). */
  port?: number;
  /** Local target: idle time before an instance is reclaimed. */
  idleTimeoutMs?: number;
  /** Log retention in days. */
  logRetentionDays?: number;
  [key: string]: unknown;
}

export interface TrafficProfile {
  /** Requests per month. */
  requestsPerMonth: number;
  durationMs: number;
  /** Defaults to the function's memory. */
  memory?: number;
  /** Fraction of invocations that are cold (0..1). */
  coldStartRate?: number;
  initMs?: number;
}

export interface Service {
  service: string;
  stage: string;
  /** Absolute path of the project directory (the config file's folder). */
  root: string;
  /** Absolute path of the config file, or `package.json` when read from there. */
  configFile: string;
  runtime: Runtime;
  defaultTarget: TargetName;
  targets: Partial<Record<TargetName, TargetSettings>>;
  functions: FunctionSpec[];
  queues: QueueSpec[];
  buckets: BucketSpec[];
  traffic: Record<string, TrafficProfile>;
}
