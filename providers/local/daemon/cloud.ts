import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, rmSync, unwatchFile, watchFile } from 'node:fs';
import { join, relative, resolve, dirname, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { localFunctionEnv } from '../function-env.js';
import type { InvocationRecord, LogLine } from '../../../src/model/invocation.js';
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  LOCAL_TYPES,
  type BucketProps,
  type FunctionProps,
  type QueueProps,
  type QueueTriggerProps,
  type RouteProps,
  type ScheduleProps,
  type StorageTriggerProps,
} from '../naming.js';
import type { LocalPaths } from '../paths.js';
import type { InvocationKind, RawStorageEvent } from '../protocol.js';
import type { StoredResource } from '../store.js';
import { BucketFolder } from './buckets.js';
import { DEFAULT_MAX_INSTANCES, FunctionPool, type Invocation } from './pool.js';
import { QueueConsumer } from './queues.js';
import { Router } from './router.js';
import { ScheduleRunner } from './schedules.js';
import type { CloudState } from './state.js';
import { LocalTables, tableCallAllowed } from './tables.js';

export interface CloudOptions {
  root: string;
  paths: LocalPaths;
  state: CloudState;
  workerUrl: URL;
  /** Filled once the gateway listens: handlers reach the control API through it. */
  controlUrl: () => string;
  token: string;
  /** Diagnostics of the local cloud itself (its own log file). */
  report(message: string): void;
}

/** Invocation records and log lines kept (the newest ones); older ones are pruned in small batches every second. */
const KEEP_RECORDS = 200_000;

/** A failure the control API answers with a 4xx and a clear message. */
export class CloudError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly hint?: string) {
    super(message);
  }
}

/** Names of functions, queues and buckets as faas.yaml allows them: never a path. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/**
 * The name part of a resource id whose name becomes a folder (functions, buckets), checked: a
 * crafted id such as `function:../../x` is refused, and the folder must stay inside `base`.
 */
export function safeFolder(base: string, id: string): { name: string; dir: string } {
  const name = id.slice(id.indexOf(':') + 1);
  const dir = resolvePath(base, name);
  if (!SAFE_NAME.test(name) || dirname(dir) !== resolvePath(base)) {
    throw new CloudError(400, 'USAGE', `invalid resource name in id '${id.slice(0, 80)}': letters, digits, '-' and '_' only`);
  }
  return { name, dir };
}

/**
 * The local cloud: functions (instance pools), the HTTP router, queues and their consumers,
 * schedules and bucket folders, all driven by the resources stored in its SQLite state.
 */
export class LocalCloud {
  readonly router = new Router();
  readonly pools = new Map<string, FunctionPool>();
  private readonly functions = new Map<string, FunctionProps>();
  private readonly queues = new Map<string, QueueProps>();
  private readonly buckets = new Map<string, BucketFolder>();
  /** Signs the buckets' object URLs (signed-url.ts); made anew each time the local cloud starts. */
  readonly urlKey = randomBytes(32);
  private readonly routes = new Map<string, RouteProps>();
  private readonly consumers = new Map<string, QueueConsumer>();
  private readonly schedules = new Map<string, ScheduleRunner>();
  private readonly storageTriggers = new Map<string, StorageTriggerProps>();
  private sweeper: NodeJS.Timeout | undefined;
  private retention: NodeJS.Timeout | undefined;
  private envWatch: (() => void) | undefined;

  constructor(private readonly o: CloudOptions) {}

  private tableStore: Promise<LocalTables> | undefined;
  /** The stage's tables, opened on the first table call. */
  private tables(): Promise<LocalTables> {
    return (this.tableStore ??= LocalTables.open(this.o.paths.tables));
  }

  get state(): CloudState {
    return this.o.state;
  }

  /** Bring back everything deployed before (after a restart or a crash). */
  async restore(): Promise<void> {
    const order: string[] = [LOCAL_TYPES.queue, LOCAL_TYPES.bucket, LOCAL_TYPES.function];
    const rank = (t: string) => (order.includes(t) ? order.indexOf(t) : order.length);
    const all = this.o.state.resources().sort((a, b) => rank(a.type) - rank(b.type));
    for (const r of all) {
      try {
        await this.activate(r);
      } catch (err) {
        this.o.report(`could not restore ${r.id}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.startTimers();
  }

  startTimers(): void {
    this.sweeper ??= setInterval(() => {
      const now = Date.now();
      for (const pool of this.pools.values()) pool.reclaimIdle(now);
    }, 250).unref();
    // Old records go a bounded batch at a time, every second (never ~1M rows in one stall);
    // queue retention and a WAL checkpoint (bounded disk) once a minute.
    let ticks = 0;
    this.retention ??= setInterval(() => {
      try {
        // Up to 5 batches a second (25,000 rows of each table): more than the gateway can insert,
        // so the state stays at KEEP_RECORDS under sustained load; each batch is its own short statement.
        for (let i = 0; i < 5 && this.o.state.prune(KEEP_RECORDS) > 0; i++);
        if (++ticks % 60 === 0) {
          for (const [name, q] of this.queues) this.o.state.expire(name, q.retentionMs);
          this.o.state.checkpoint();
        }
      } catch (err) {
        this.o.report(`state upkeep failed (will retry): ${(err as Error).message}`);
      }
    }, 1_000).unref();
    this.watchSecrets();
  }

  /**
   * Secrets live only in `.env` (never in the state or the plan), so a deploy cannot see that they
   * changed. Watch the file instead: when it changes, functions with secrets get the new values
   * like a config change (new invocations run on new instances; in-flight ones finish on the old).
   */
  private watchSecrets(): void {
    if (this.envWatch) return;
    const file = join(this.o.root, '.env');
    const onChange = (): void => {
      for (const [name, props] of this.functions) {
        if (props.secrets.length === 0) continue;
        try {
          this.activateFunction(name, props);
        } catch (err) {
          this.o.report(`could not reload the secrets of ${name}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    };
    watchFile(file, { interval: 300, persistent: false }, onChange);
    this.envWatch = () => unwatchFile(file, onChange);
  }

  /** Apply one resource (create or update) and store it. Idempotent. */
  async put(r: StoredResource): Promise<void> {
    await this.activate(r);
    this.o.state.putResource(r);
  }

  async remove(id: string, type?: string): Promise<void> {
    const row = this.o.state.resources().find((r) => r.id === id);
    const kind = type ?? row?.type;
    const props = (row?.props ?? {}) as Record<string, unknown>;
    const name = id.slice(id.indexOf(':') + 1);
    switch (kind) {
      case LOCAL_TYPES.function: {
        const { dir } = safeFolder(this.o.paths.versions, id);
        this.pools.get(name)?.close();
        this.pools.delete(name);
        this.functions.delete(name);
        rmSync(dir, { recursive: true, force: true });
        break;
      }
      case LOCAL_TYPES.queue:
        this.queues.delete(name);
        this.o.state.dropQueue(name);
        break;
      case LOCAL_TYPES.bucket:
        const { dir } = safeFolder(this.o.paths.buckets, id);
        this.buckets.get(name)?.stop();
        this.buckets.delete(name);
        rmSync(dir, { recursive: true, force: true });
        break;
      case LOCAL_TYPES.route:
        this.routes.delete(id);
        this.router.set([...this.routes.values()]);
        break;
      case LOCAL_TYPES.queueTrigger:
        this.consumers.get(id)?.stop();
        this.consumers.delete(id);
        break;
      case LOCAL_TYPES.schedule:
        this.schedules.get(id)?.stop();
        this.schedules.delete(id);
        this.o.state.dropMark(id);
        break;
      case LOCAL_TYPES.storageTrigger:
        this.storageTriggers.delete(id);
        break;
      default:
        void props;
    }
    this.o.state.deleteResource(id);
  }

  private async activate(r: StoredResource): Promise<void> {
    const name = r.id.slice(r.id.indexOf(':') + 1);
    switch (r.type) {
      case LOCAL_TYPES.function:
        safeFolder(this.o.paths.versions, r.id);
        return this.activateFunction(name, r.props as unknown as FunctionProps);
      case LOCAL_TYPES.queue:
        this.queues.set(name, r.props as unknown as QueueProps);
        for (const c of this.consumers.values()) if (c.queue === name) c.wake();
        return;
      case LOCAL_TYPES.bucket: {
        if (this.buckets.has(name)) return;
        const { dir } = safeFolder(this.o.paths.buckets, r.id);
        const folder = new BucketFolder(name, dir, (ev) => this.onStorageEvent(ev));
        folder.start();
        this.buckets.set(name, folder);
        return;
      }
      case LOCAL_TYPES.route: {
        const props = r.props as unknown as RouteProps;
        this.routes.set(r.id, props);
        this.router.set([...this.routes.values()]);
        return;
      }
      case LOCAL_TYPES.queueTrigger: {
        const props = r.props as unknown as QueueTriggerProps;
        const existing = this.consumers.get(r.id);
        if (existing) return existing.update(props);
        const consumer = new QueueConsumer(props, {
          state: this.o.state,
          pool: (fn) => this.pools.get(fn),
          queue: (q) => this.queues.get(q),
          record: (rec) => this.o.state.record(rec),
          log: (line) => this.o.state.log(line),
        });
        this.consumers.set(r.id, consumer);
        consumer.start();
        return;
      }
      case LOCAL_TYPES.schedule: {
        this.schedules.get(r.id)?.stop();
        const runner = new ScheduleRunner(r.id, r.props as unknown as ScheduleProps, {
          state: this.o.state,
          fire: (fn, event) => void this.invokeAsync(fn, 'schedule', event, 'schedule', 0),
        });
        this.schedules.set(r.id, runner);
        await runner.start();
        return;
      }
      case LOCAL_TYPES.storageTrigger:
        this.storageTriggers.set(r.id, r.props as unknown as StorageTriggerProps);
        return;
      default:
        throw new CloudError(400, 'USAGE', `unknown resource type ${r.type}`);
    }
  }

  private activateFunction(name: string, props: FunctionProps): void {
    const versionDir = join(this.o.paths.versions, name, props.sha256 || 'unversioned');
    const entryFile = join(versionDir, props.entry);
    if (!existsSync(entryFile)) {
      const built = resolve(this.o.root, props.artifact);
      if (relative(this.o.root, built).startsWith('..')) throw new CloudError(400, 'USAGE', `${name}: artifact folder ${props.artifact} is outside the project`);
      if (!existsSync(join(built, props.entry))) {
        throw new CloudError(400, 'LOCAL_CLOUD', `${name}: the build output ${props.artifact}/${props.entry} is missing`, 'Run `sls-x deploy` (it packages first) or `sls-x package --target local`.');
      }
      mkdirSync(versionDir, { recursive: true });
      // A copy per version: a rebuild never changes the code of instances still running the old one.
      cpSync(built, versionDir, { recursive: true });
    }
    const env = localFunctionEnv({
      name,
      root: this.o.root,
      env: props.env,
      secrets: props.secrets,
      sends: props.sends ?? [],
      buckets: props.buckets ?? [],
      tables: props.tables ?? [],
      bucketDir: (b) => safeFolder(this.o.paths.buckets, `bucket:${b}`).dir,
      signing: { origin: new URL(this.o.controlUrl()).origin, key: this.urlKey },
      missingSecret: (s) => this.o.state.log({ time: Date.now(), function: name, level: 'warn', message: `secret ${s} is not set in .env; the function sees it unset` }),
    });
    const version = { name, sha256: props.sha256, entryUrl: pathToFileURL(entryFile).href, memory: props.memory, timeoutMs: props.timeoutMs, env };
    const settings = {
      max: props.concurrency.max ?? DEFAULT_MAX_INSTANCES,
      warm: props.concurrency.warm,
      idleTimeoutMs: props.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    };
    this.functions.set(name, props);
    const pool = this.pools.get(name);
    if (pool) pool.deploy(version, settings);
    else {
      this.pools.set(name, new FunctionPool(name, version, settings, {
        workerUrl: this.o.workerUrl,
        log: (line) => this.o.state.log(line),
        send: async (queue, body, attributes, delaySeconds) => {
          // Enforced here too: a function sends only to the queues its `sends:` declares.
          const sends = this.functions.get(name)?.sends ?? [];
          if (!sends.includes(queue)) {
            throw new Error(`queue '${queue}' is not declared for function '${name}': add it to \`sends:\` in faas.yaml and deploy again${sends.length ? ` (declared: ${sends.join(', ')})` : ''}`);
          }
          return this.send(queue, [{ body, attributes, ...(delaySeconds ? { delayMs: delaySeconds * 1000 } : {}) }])[0]!;
        },
        table: async (req) => {
          // Enforced here too: a function uses only the tables its `tables:` declares, as declared.
          tableCallAllowed(this.functions.get(name)?.tables ?? [], name, req);
          return (await this.tables()).run(req);
        },
      }));
    }
    for (const c of this.consumers.values()) c.wake();
  }

  hasFunction(name: string): boolean {
    return this.pools.has(name);
  }

  /** Run one invocation and store its record (HTTP adds its latency first, so it records itself). */
  async invoke(fn: string, kind: InvocationKind, event: unknown, trigger: NonNullable<InvocationRecord['trigger']>, collectLogs = false): Promise<Invocation> {
    const pool = this.pools.get(fn);
    if (!pool) throw new CloudError(404, 'FUNCTION_NOT_FOUND', `function ${fn} is not deployed to the local cloud`, 'Run `sls-x deploy` first.');
    const inv = await pool.invoke(kind, event, trigger, undefined, collectLogs);
    this.o.state.record(inv.record);
    return inv;
  }

  /** Stop the function's instances so its next invocation is a cold start; how many were stopped. */
  recycle(fn: string): number {
    const pool = this.pools.get(fn);
    if (!pool) throw new CloudError(404, 'FUNCTION_NOT_FOUND', `function ${fn} is not deployed to the local cloud`, 'Run `sls-x deploy` first.');
    return pool.recycle();
  }

  /** Event-driven (async) invocation: retried twice on failure or throttle, like the clouds' async invokes. */
  private async invokeAsync(fn: string, kind: InvocationKind, event: unknown, trigger: 'schedule' | 'storage', attempt: number): Promise<void> {
    const pool = this.pools.get(fn);
    if (!pool) return;
    const inv = await pool.invoke(kind, event, trigger);
    this.o.state.record(inv.record);
    if (inv.ok || attempt >= 2) return;
    setTimeout(() => void this.invokeAsync(fn, kind, event, trigger, attempt + 1), inv.record.outcome === 'throttled' ? 200 : 1000 * (attempt + 1)).unref();
  }

  private onStorageEvent(ev: RawStorageEvent): void {
    for (const t of this.storageTriggers.values()) {
      if (t.bucket !== ev.bucket || !t.on.includes(ev.type)) continue;
      if (t.prefix && !ev.key.startsWith(t.prefix)) continue;
      if (t.suffix && !ev.key.endsWith(t.suffix)) continue;
      void this.invokeAsync(t.function, 'storage', [ev], 'storage', 0);
    }
  }

  /** Enqueue messages; the queue's consumers wake at once. */
  send(queue: string, items: Array<{ body: string; attributes?: Record<string, string>; delayMs?: number }>): string[] {
    if (!this.queues.has(queue)) throw new CloudError(404, 'USAGE', `queue ${queue} is not deployed to the local cloud`, `Declare it under \`queues:\` in faas.yaml and run \`sls-x deploy\`. Deployed queues: ${[...this.queues.keys()].join(', ') || 'none'}.`);
    for (const item of items) {
      if (typeof item.body !== 'string') throw new CloudError(400, 'USAGE', 'a message body must be a string (JSON.stringify objects first)');
      if (Buffer.byteLength(item.body) > 256 * 1024) throw new CloudError(400, 'USAGE', 'a message body is limited to 256 KB (like SQS)');
    }
    const ids = this.o.state.send(queue, items);
    for (const c of this.consumers.values()) if (c.queue === queue) c.wake();
    return ids;
  }

  deadLetters(queue: string) {
    if (!this.queues.has(queue)) throw new CloudError(404, 'USAGE', `queue ${queue} is not deployed to the local cloud`);
    return this.o.state.deadLetters(queue);
  }

  redrive(queue: string): number {
    if (!this.queues.has(queue)) throw new CloudError(404, 'USAGE', `queue ${queue} is not deployed to the local cloud`);
    const moved = this.o.state.redrive(queue);
    for (const c of this.consumers.values()) if (c.queue === queue) c.wake();
    return moved;
  }

  /** The folder of a deployed bucket, if any. */
  bucketFolder(bucket: string): BucketFolder | undefined {
    return this.buckets.get(bucket);
  }

  bucketPut(bucket: string, key: string, content: Buffer): { key: string; size: number } {
    const folder = this.buckets.get(bucket);
    if (!folder) throw new CloudError(404, 'USAGE', `bucket ${bucket} is not deployed to the local cloud`, `Declare it under \`buckets:\` in faas.yaml and run \`sls-x deploy\`. Deployed buckets: ${[...this.buckets.keys()].join(', ') || 'none'}.`);
    return folder.put(key, content);
  }

  /** Counts for the health answer. */
  summary() {
    return {
      functions: [...this.pools.entries()].map(([name, p]) => ({ name, sha256: p.current.sha256, ...p.stats() })),
      queues: [...this.queues.keys()].map((q) => ({ name: q, depth: this.o.state.depth(q), deadLetters: this.o.state.deadLetters(q).length })),
      routes: this.router.routes(),
    };
  }

  shutdown(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    if (this.retention) clearInterval(this.retention);
    this.envWatch?.();
    for (const c of this.consumers.values()) c.stop();
    for (const s of this.schedules.values()) s.stop();
    for (const b of this.buckets.values()) b.stop();
    for (const p of this.pools.values()) p.kill();
  }
}
