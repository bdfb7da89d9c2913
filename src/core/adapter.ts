import type { Artifact } from '../model/artifact.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Service, TargetName } from '../model/service.js';
import type { Change, DesiredResource, ObservedResource, Scope } from './resources.js';
import type { EventSink } from './events.js';
import type { InvocationRecord, LogLine } from '../model/invocation.js';

/** What every command hands an adapter: environment, clock, events. Clients come from the adapter's own clients.ts. */
export interface AdapterContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  events: EventSink;
  now: () => Date;
  /** Adapter-specific injected SDK clients (tests pass fakes). */
  clients?: unknown;
}

/** Endpoints and names printed after a deploy. */
export interface Outputs {
  endpoints: Array<{ method: string; url: string; function: string }>;
  functions: Array<{ name: string; physicalName: string }>;
  [key: string]: unknown;
}

/**
 * The contract every target implements (providers/<target>/index.ts exports one).
 * `validate` and `desired` are pure; `observe` and `scope` only read; `apply` is the only
 * place with side effects, and each change it executes is idempotent.
 */
export interface TargetAdapter {
  readonly target: TargetName;
  /** Limits and capabilities for this target: errors block deploy, warnings are shown. Pure. */
  validate(service: Service): Diagnostic[];
  /** Who and where we deploy to (reads credentials / account). */
  scope(service: Service, ctx: AdapterContext): Promise<Scope>;
  /** What exists for this service and stage (found by tags). Read-only. */
  observe(scope: Scope, ctx: AdapterContext): Promise<ObservedResource[]>;
  /** What the config wants. Pure; naming lives here. */
  desired(service: Service, artifacts: Artifact[]): DesiredResource[];
  /** Execute one change. Idempotent. */
  apply(change: Change, ctx: AdapterContext): Promise<void>;
  /** Endpoints and names after deploy. Read-only. */
  outputs(service: Service, scope: Scope, ctx: AdapterContext): Promise<Outputs>;
  /** Optional: take a per-stage deploy lock; returns a release function. */
  lock?(scope: Scope, ctx: AdapterContext): Promise<() => Promise<void>>;
  /** Optional, with `lock`: who holds the stage's deploy lock now (undefined: nobody). Read-only. */
  lockInfo?(scope: Scope, ctx: AdapterContext): Promise<LockInfo | undefined>;
  /** Optional, with `lock`: remove the stage's deploy lock whoever holds it (`sls-x unlock --force`). */
  breakLock?(scope: Scope, ctx: AdapterContext): Promise<void>;
}

/** Who holds a stage's deploy lock, as `sls-x unlock` shows it. */
export interface LockInfo {
  /** `<host>:<pid>` of the deploy that took it. */
  holder: string;
  acquiredAt?: string;
  expiresAt?: string;
  /** True while the holder may still be running (not expired; on this host: its process is alive). */
  live: boolean;
  /** Where the lock is kept, for the message (`s3://bucket/key`, a file...). */
  where: string;
}

/** What `sls-x invoke` prints. */
export interface InvokeResult {
  /** The handler's result (HTTP response, queue outcome, ...). */
  result: unknown;
  record: InvocationRecord;
  logs: LogLine[];
}

/** What `forceColdStart` did, and how the bench goes on from there. */
export interface ForcedColdStart {
  /** How the cold start was forced, for the report: `new instance`, `configuration change`, ... */
  method: string;
  /**
   * Invoke the function once on the fresh instance. Omitted: the target's `invoke`. AWS uses it
   * to call `$LATEST` (which the change recycled) even when callers go through a warm alias.
   */
  invoke?: (payload: unknown) => Promise<InvokeResult>;
  /** Undo what forcing left behind (AWS: remove the nonce variable). Called once, after the last run. */
  cleanup?: () => Promise<void>;
}

/** A dead-lettered message, as `sls-x queue dlq` lists it on every target. */
export interface DeadLetterView {
  id: string;
  body: string;
  /** Deliveries before it was dead-lettered (0 when the target does not say). */
  attempts: number;
  enqueuedAt: number;
  failedAt: number;
  lastError: string | null;
}

/**
 * Optional runtime operations a target offers. Commands check for them and answer
 * TARGET_NOT_AVAILABLE (exit 2) where a target lacks one.
 */
export interface TargetOperations {
  invoke?(service: Service, fn: string, payload: unknown, ctx: AdapterContext): Promise<InvokeResult>;
  logs?(service: Service, fn: string, options: { follow: boolean; sinceMs?: number; signal?: AbortSignal }, ctx: AdapterContext): AsyncIterable<LogLine>;
  invocations?(service: Service, options: { sinceMs?: number; fn?: string }, ctx: AdapterContext): Promise<InvocationRecord[]>;
  /**
   * Make the next invocation of `fn` a cold start (`sls-x bench coldstart`): local recycles the
   * function's instances; AWS changes a configuration value so Lambda starts new environments.
   */
  forceColdStart?(service: Service, fn: string, ctx: AdapterContext): Promise<ForcedColdStart>;
  /** The dead letters of a queue (read without removing them). */
  deadLetters?(service: Service, queue: string, ctx: AdapterContext): Promise<DeadLetterView[]>;
  /** Move a queue's dead letters back to the queue; returns how many moved. */
  redrive?(service: Service, queue: string, ctx: AdapterContext): Promise<number>;
  /** After `sls-x remove` deleted every resource: stop local processes, delete state. */
  teardown?(service: Service, scope: Scope, ctx: AdapterContext): Promise<void>;
}

export type Adapter = TargetAdapter & TargetOperations;
