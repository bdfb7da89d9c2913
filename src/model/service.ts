/**
 * The neutral, validated, normalized service: what `faas.yaml` means once every default is
 * applied and every reference is checked. Adapters, the bundler and the cost estimator read
 * only this, never the raw config. Times are milliseconds, memory is MB.
 */
import { DEFAULT_CORS_RULE } from '../runtime/cors.js';

export const TARGETS = ['aws', 'azure', 'gcp', 'local'] as const;
export type TargetName = (typeof TARGETS)[number];

export const RUNTIMES = ['node20', 'node22', 'node24'] as const;
export type Runtime = (typeof RUNTIMES)[number];

export type Architecture = 'arm64' | 'x86_64';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * CORS of an HTTP route, normalized: `cors: true` in faas.yaml is {@link DEFAULT_CORS}. Header
 * names are lower case; methods upper case.
 */
export interface CorsSpec {
  /** `*`, or exact origins `scheme://host[:port]`. */
  origins: string[];
  /** Methods a preflight allows; absent: the methods of the routes (on AWS, of every CORS route of the API). */
  methods?: string[];
  /** Request headers a preflight allows (`*`: any). */
  headers: string[];
  /** Response headers a browser script may read. */
  exposeHeaders: string[];
  /** Allow cookies and `Authorization` with credentials (never with origin `*`). */
  credentials: boolean;
  /** Seconds a browser may cache a preflight answer. */
  maxAgeS: number;
}

/** What `cors: true` means on every target. */
export const DEFAULT_CORS: Readonly<CorsSpec> = DEFAULT_CORS_RULE;

/** The CORS settings of an http event, or undefined when it has none (`true` is DEFAULT_CORS). */
export function corsOf(e: Pick<HttpEventSpec, 'cors'>): CorsSpec | undefined {
  return e.cors === true ? { ...DEFAULT_CORS, origins: [...DEFAULT_CORS.origins], headers: [...DEFAULT_CORS.headers], exposeHeaders: [] } : e.cors || undefined;
}

/** A JWT authorizer: a Bearer token signed by the issuer's keys (OpenID discovery), for one of the audiences. */
export interface JwtAuthSpec {
  /** `https://...`; the keys come from `<issuer>/.well-known/openid-configuration` -> `jwks_uri`. */
  issuer: string;
  /** The token's `aud` (or, without one, `client_id`) must be one of these. */
  audience: string[];
  /** When set, the token's `scope`/`scp` must hold at least one of these. */
  scopes: string[];
}

export interface HttpAuthSpec {
  jwt: JwtAuthSpec;
}

export interface HttpEventSpec {
  kind: 'http';
  method: HttpMethod;
  /** Always starts with `/`; params as `{name}` (and a greedy `{name+}` last). */
  path: string;
  /** `false`: no CORS. normalize() writes `cors: true` as DEFAULT_CORS; read it with {@link corsOf}. */
  cors: boolean | CorsSpec;
  /** Requests must carry a valid token; absent: the route is public. */
  auth?: HttpAuthSpec;
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
  /** Tables the function reads/writes with `table(name)` (grants access); absent when none. */
  tables?: Array<{ name: string; access: 'read' | 'write' | 'readwrite' }>;
  /** Extra permissions written in faas.yaml (`functions.<fn>.targets.aws.iam`), beyond the derived ones. */
  extraIam?: {
    aws?: Array<{ effect: 'Allow' | 'Deny'; actions: string[]; resources: string[] }>;
    /** Role assignments for the Function App's identity (one per app on Azure). */
    azure?: Array<{ role: string; scope: string }>;
    /** IAM bindings for the function's service account on existing resources. */
    gcp?: Array<{ role: string; resource: string }>;
  };
  /** Bundler settings (`build:` merged with `functions.<fn>.build`); absent: the targets' defaults. */
  build?: BuildSpec;
}

/** esbuild loaders `build.loader` may name: each puts the file's content inside the bundle. */
export const BUILD_LOADERS = ['js', 'jsx', 'ts', 'tsx', 'json', 'text', 'base64', 'dataurl', 'binary', 'empty'] as const;
export type BuildLoader = (typeof BUILD_LOADERS)[number];

/**
 * Bundler settings as written in faas.yaml, the function's merged over the service's (see
 * src/config/build.ts); each target adds its own defaults when it packages (src/bundle/build-options.ts).
 */
export interface BuildSpec {
  /** Packages left out of the bundle, in order: the service's, then the function's; `!name` drops one listed before (or a target default). */
  external: string[];
  /** Minify the bundle (default true). */
  minify?: boolean;
  /** A linked `index.mjs.map` beside the bundle (default: on for local, off for the clouds). */
  sourcemap?: boolean;
  /** Expressions replaced at build time (esbuild `define`): key -> JS literal or identifier, as text. */
  define: Record<string, string>;
  /** esbuild loader by file extension (`.txt` -> `text`). */
  loader: Record<string, BuildLoader>;
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

/** A key-value table (`tables:`): items are JSON objects whose `key` attribute (a string) is their key. */
export interface TableSpec {
  name: string;
  /** The item attribute holding the key, default `id`. */
  key: string;
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
  /** Table items read per request (`tables:`), for the tables' request pricing. */
  tableReads?: number;
  /** Table writes per request. */
  tableWrites?: number;
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
  /** Key-value tables; absent when none. */
  tables?: TableSpec[];
  traffic: Record<string, TrafficProfile>;
  /** The service's `build:` (azure builds one package for the whole app with it); absent when not written. */
  build?: BuildSpec;
}
