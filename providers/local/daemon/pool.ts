import { randomUUID } from 'node:crypto';
import type { InvocationRecord, LogLine } from '../../../src/model/invocation.js';
import type { InvocationKind, LocalInvocation } from '../protocol.js';
import { Instance, type FunctionVersion, type InstanceHooks } from './instance.js';
import type { TableRequest } from './tables.js';

/** The local "account limit" when a function sets no `concurrency.max`. */
export const DEFAULT_MAX_INSTANCES = 32;

export interface PoolSettings {
  max: number;
  warm: number;
  idleTimeoutMs: number;
}

export interface PoolHooks {
  workerUrl: URL;
  log(line: LogLine): void;
  send(queue: string, body: string, attributes?: Record<string, string>, delaySeconds?: number): Promise<string>;
  /** A table call of this function's code (the declarations are checked by whoever answers). */
  table(req: TableRequest): Promise<unknown>;
}

/** One invocation's answer plus its figures (latency is added by the gateway). */
export interface Invocation {
  ok: boolean;
  result?: unknown;
  error?: string;
  record: InvocationRecord;
  logs: LogLine[];
}

type Trigger = NonNullable<InvocationRecord['trigger']>;

/**
 * The instance pool of one function: reuses idle instances (most recently used first), starts a
 * cold one when none is idle, refuses past `max` (throttled), keeps `warm` instances started,
 * reclaims idle ones after the idle timeout, and hot-swaps versions (in-flight runs finish on the
 * old version; its instances are stopped as they come free).
 */
export class FunctionPool {
  private readonly instances = new Set<Instance>();
  private idle: Instance[] = [];
  /** Warm instances still loading that no invocation has claimed yet. */
  private starting: Instance[] = [];
  private readonly waiters: Array<() => void> = [];
  /** Logs of the invocations running now, by request id (for `sls-x invoke`). */
  private readonly collecting = new Map<string, LogLine[]>();
  private closed = false;
  /** Set by recycle(): no warm instance is pre-started until the next invocation has started its own (cold) one. */
  private holdWarm = false;

  constructor(
    readonly name: string,
    private version: FunctionVersion,
    private settings: PoolSettings,
    private readonly hooks: PoolHooks,
  ) {
    this.fillWarm();
  }

  get current(): FunctionVersion {
    return this.version;
  }

  /** Instances alive now, and how many are running an invocation. */
  stats(): { instances: number; busy: number; idle: number } {
    return { instances: this.instances.size, busy: this.instances.size - this.idle.length, idle: this.idle.length };
  }

  /** New code or settings: new invocations use the new version; old idle instances stop now. */
  deploy(version: FunctionVersion, settings: PoolSettings): void {
    const swapped = version.sha256 !== this.version.sha256 || JSON.stringify(version.env) !== JSON.stringify(this.version.env) || version.memory !== this.version.memory || version.timeoutMs !== this.version.timeoutMs;
    this.version = version;
    this.settings = settings;
    if (swapped) {
      for (const inst of this.idle) inst.terminate();
      this.idle = [];
    }
    this.fillWarm();
  }

  /**
   * Force the next invocation to be a cold start (`sls-x bench coldstart`): stop idle and loading
   * instances now, retire busy ones when their run ends (a fresh version object makes them old),
   * and pre-start no warm instance until that invocation has started a new one. Returns how many
   * instances were stopped or retired.
   */
  recycle(): number {
    const retired = this.instances.size;
    this.version = { ...this.version };
    this.holdWarm = true;
    for (const inst of [...this.idle, ...this.starting]) inst.terminate();
    this.idle = [];
    this.starting = [];
    return retired;
  }

  /** True when an invocation would start now rather than be throttled. */
  hasCapacity(): boolean {
    return this.idle.length > 0 || this.instances.size < this.settings.max;
  }

  /** Resolve when an instance comes free (queues wait here instead of polling). */
  whenFree(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private hooksFor(): InstanceHooks {
    return {
      workerUrl: this.hooks.workerUrl,
      onLog: (level, message, requestId, data) => {
        const line: LogLine = { time: Date.now(), function: this.name, requestId, level, message, ...(data ? { data } : {}) };
        if (requestId) this.collecting.get(requestId)?.push(line);
        this.hooks.log(line);
      },
      onSend: (queue, body, attributes, delaySeconds) => this.hooks.send(queue, body, attributes, delaySeconds),
      onTable: (req) => this.hooks.table(req),
      onGone: (inst) => {
        this.instances.delete(inst);
        this.idle = this.idle.filter((i) => i !== inst);
        this.starting = this.starting.filter((i) => i !== inst);
        this.wake();
        // A crashed or timed-out instance never leaves the function dead: warm ones are replaced now,
        // others on the next invocation.
        this.fillWarm();
      },
    };
  }

  private spawn(): Instance {
    const inst = new Instance(this.version, this.hooksFor());
    this.instances.add(inst);
    return inst;
  }

  private fillWarm(): void {
    if (this.closed || this.holdWarm) return;
    const live = [...this.instances].filter((i) => i.version === this.version).length;
    for (let i = live; i < Math.min(this.settings.warm, this.settings.max); i++) {
      const inst = this.spawn();
      this.starting.push(inst);
      void inst.ready.then((r) => {
        if (!this.starting.includes(inst)) return;
        this.starting = this.starting.filter((i) => i !== inst);
        if (r.ok && inst.state === 'idle') {
          // A pre-started instance did its init ahead: its first run is warm.
          inst.runs = Math.max(inst.runs, 1);
          this.release(inst);
        }
      });
    }
  }

  private wake(): void {
    const waiting = this.waiters.splice(0);
    for (const w of waiting) w();
  }

  private release(inst: Instance): void {
    if (inst.state !== 'idle') return;
    if (inst.version !== this.version || this.closed) inst.terminate();
    else this.idle.push(inst);
    this.wake();
  }

  /** Run one invocation: never rejects; a throttle, crash or timeout is an outcome in the record. */
  async invoke(kind: InvocationKind, event: unknown, trigger: Trigger, requestId: string = randomUUID(), collectLogs = false): Promise<Invocation> {
    const startedAt = Date.now();
    const version = this.version;
    const base = { target: 'local' as const, function: this.name, requestId, startedAt, memoryMb: version.memory, trigger, source: 'local measurement' };
    const logs: LogLine[] = [];
    let inst = this.idle.pop();
    let cold = false;
    if (!inst && this.starting.length > 0) {
      // A warm instance is still loading: wait for it rather than start another.
      inst = this.starting.shift();
      cold = true;
    }
    if (!inst) {
      if (this.closed || this.instances.size >= this.settings.max) {
        return { ok: false, error: `throttled: ${this.name} is at its concurrency limit (${this.settings.max})`, logs, record: { ...base, coldStart: false, durationMs: 0, billedMs: 0, outcome: 'throttled' } };
      }
      inst = this.spawn();
      cold = true;
    }
    if (this.holdWarm) {
      this.holdWarm = false;
      this.fillWarm();
    }
    if (collectLogs) this.collecting.set(requestId, logs);
    try {
      if (cold) {
        const ready = await inst.ready;
        if (!ready.ok) {
          const line: LogLine = { time: Date.now(), function: this.name, requestId, level: 'error', message: ready.error };
          logs.push(line);
          this.hooks.log(line);
          inst.terminate();
          return { ok: false, error: ready.error, logs, record: { ...base, coldStart: true, initMs: inst.initMs, durationMs: 0, billedMs: Math.ceil(inst.initMs), outcome: 'error', error: ready.error } };
        }
      }
      const coldStart = inst.runs === 0;
      const inv = { kind, requestId, deadline: Date.now() + version.timeoutMs, coldStart, event } as LocalInvocation;
      const run = await inst.run(inv, version.timeoutMs);
      this.release(inst);
      const record: InvocationRecord = {
        ...base,
        coldStart,
        ...(coldStart ? { initMs: round(inst.initMs) } : {}),
        durationMs: round(run.durationMs),
        // Like Lambda: billed per started ms, cold init included.
        billedMs: Math.max(1, Math.ceil(run.durationMs + (coldStart ? inst.initMs : 0))),
        ...(run.peakMemoryMb !== undefined ? { peakMemoryMb: run.peakMemoryMb } : {}),
        outcome: run.outcome,
        ...(run.error ? { error: run.error } : {}),
      };
      if (run.error) {
        const line: LogLine = { time: Date.now(), function: this.name, requestId, level: 'error', message: `${run.outcome}: ${run.error}` };
        logs.push(line);
        this.hooks.log(line);
      }
      return { ok: run.ok, result: run.result, error: run.error, logs, record };
    } finally {
      this.collecting.delete(requestId);
    }
  }

  /** Stop instances idle longer than the idle timeout, keeping `warm` of them. */
  reclaimIdle(now: number): number {
    let keep = Math.min(this.settings.warm, this.settings.max);
    const sorted = [...this.idle].sort((a, b) => b.lastUsed - a.lastUsed);
    let stopped = 0;
    for (const inst of sorted) {
      if (keep > 0 && inst.version === this.version) {
        keep--;
        continue;
      }
      if (now - inst.lastUsed >= this.settings.idleTimeoutMs) {
        this.idle = this.idle.filter((i) => i !== inst);
        inst.terminate();
        stopped++;
      }
    }
    return stopped;
  }

  /** Stop every instance: idle ones now, busy ones when their run ends. */
  close(): void {
    this.closed = true;
    for (const inst of this.idle) inst.terminate();
    this.idle = [];
    this.wake();
  }

  /** Stop everything now (shutdown). */
  kill(): void {
    this.closed = true;
    for (const inst of this.instances) inst.terminate();
    this.wake();
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
