import { Worker } from 'node:worker_threads';
import type { InvocationRecord } from '../../../src/model/invocation.js';
import type { FromWorker, LocalInvocation, ToWorker } from '../protocol.js';
import type { TableRequest } from './tables.js';

/** One deployed version of a function: where its code is and how its instances run. */
export interface FunctionVersion {
  name: string;
  sha256: string;
  /** file:// URL of the built entry inside the versioned folder. */
  entryUrl: string;
  memory: number;
  timeoutMs: number;
  env: Record<string, string>;
}

export interface InstanceHooks {
  workerUrl: URL;
  onLog(level: 'debug' | 'info' | 'warn' | 'error', message: string, requestId: string | undefined, data?: Record<string, unknown>): void;
  onSend(queue: string, body: string, attributes?: Record<string, string>, delaySeconds?: number): Promise<string>;
  onTable(req: TableRequest): Promise<unknown>;
  /** The instance ended (crash, timeout, oom, terminate); the pool forgets it. */
  onGone(instance: Instance): void;
}

/** What one run on an instance gave. */
export interface RunResult {
  ok: boolean;
  outcome: InvocationRecord['outcome'];
  result?: unknown;
  error?: string;
  durationMs: number;
  peakMemoryMb?: number;
}

/** Longest a module may take to load before the instance is given up (AWS allows 10 s of init). */
export const INIT_TIMEOUT_MS = 10_000;

/**
 * One instance: a worker thread with its own module state and heap limit, running one invocation
 * at a time. Timeouts, OOM and crashes end it; the pool starts a fresh one for the next call.
 */
export class Instance {
  readonly version: FunctionVersion;
  state: 'starting' | 'idle' | 'busy' | 'gone' = 'starting';
  lastUsed = Date.now();
  /** Runs on this instance so far (the first one after a cold start is the cold one). */
  runs = 0;
  /** Spawn-to-ready time (thread start + module load). */
  initMs = 0;
  private readonly worker: Worker;
  private seq = 0;
  private current: { id: number; requestId: string; started: number; timer: NodeJS.Timeout; resolve: (r: RunResult) => void } | undefined;
  private exitCalled: number | undefined;
  private fatal: { outcome: RunResult['outcome']; error: string } | undefined;
  readonly ready: Promise<{ ok: true } | { ok: false; error: string }>;

  constructor(version: FunctionVersion, private readonly hooks: InstanceHooks) {
    this.version = version;
    const started = performance.now();
    this.worker = new Worker(hooks.workerUrl, {
      workerData: { entryUrl: version.entryUrl, memoryMb: version.memory },
      env: version.env,
      resourceLimits: { maxOldGenerationSizeMb: version.memory },
      stdout: true,
      stderr: true,
    });
    this.worker.stdout.setEncoding('utf8').on('data', (text: string) => this.streamLog('info', text));
    this.worker.stderr.setEncoding('utf8').on('data', (text: string) => this.streamLog('error', text));
    this.ready = new Promise((resolve) => {
      const initTimer = setTimeout(() => {
        resolve({ ok: false, error: `module initialisation did not finish within ${INIT_TIMEOUT_MS / 1000}s` });
        this.terminate();
      }, INIT_TIMEOUT_MS);
      const settle = (value: { ok: true } | { ok: false; error: string }): void => {
        clearTimeout(initTimer);
        this.initMs = performance.now() - started;
        resolve(value);
      };
      this.worker.on('message', (msg: FromWorker) => {
        if (msg.t === 'ready') {
          this.state = 'idle';
          settle({ ok: true });
        } else if (msg.t === 'init-error') {
          settle({ ok: false, error: `the handler failed while loading (init): ${msg.error}` });
          this.terminate();
        } else this.onMessage(msg);
      });
      this.worker.on('error', (err: Error & { code?: string }) => {
        this.fatal = err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? { outcome: 'oom', error: `ran out of memory (limit ${version.memory} MB): ${err.message}` }
          : { outcome: 'crash', error: `the instance crashed: ${err.stack ?? err.message}` };
      });
      this.worker.on('exit', (code) => {
        if (this.state === 'starting') settle({ ok: false, error: this.fatal?.error ?? `the instance exited during init (code ${code})` });
        this.gone(code);
      });
    });
  }

  private streamLog(level: 'info' | 'error', text: string): void {
    for (const line of text.split('\n')) if (line.trim()) this.hooks.onLog(level, line, this.current?.requestId);
  }

  private onMessage(msg: FromWorker): void {
    switch (msg.t) {
      case 'done': {
        const cur = this.current;
        if (!cur || cur.id !== msg.id) return;
        clearTimeout(cur.timer);
        this.current = undefined;
        this.state = 'idle';
        this.lastUsed = Date.now();
        cur.resolve({ ok: msg.ok, outcome: msg.ok ? 'ok' : 'error', result: msg.result, error: msg.error, durationMs: msg.durationMs, peakMemoryMb: msg.peakMemoryMb });
        return;
      }
      case 'log':
        this.hooks.onLog(msg.level, msg.message, this.current?.requestId, msg.data);
        return;
      case 'send':
        this.hooks.onSend(msg.queue, msg.body, msg.attributes, msg.delaySeconds).then(
          (messageId) => this.post({ t: 'sent', id: msg.id, ok: true, messageId }),
          (err: unknown) => this.post({ t: 'sent', id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
        );
        return;
      case 'table':
        this.hooks.onTable(msg.req).then(
          (value) => this.post({ t: 'table-result', id: msg.id, ok: true, value }),
          (err: unknown) => this.post({ t: 'table-result', id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
        );
        return;
      case 'exit-called':
        this.exitCalled = msg.code;
        return;
      case 'oom':
        this.fatal = { outcome: 'oom', error: `ran out of memory: used ${msg.usedMb} MB (heap and Buffers) of ${msg.limitMb} MB` };
        return;
      default:
    }
  }

  private post(msg: ToWorker): void {
    if (this.state !== 'gone') this.worker.postMessage(msg);
  }

  /** Run one invocation; resolves (never rejects) with its outcome. The instance must be idle. */
  run(inv: LocalInvocation, timeoutMs: number): Promise<RunResult> {
    this.state = 'busy';
    this.runs++;
    const id = ++this.seq;
    return new Promise<RunResult>((resolve) => {
      const started = performance.now();
      const timer = setTimeout(() => {
        this.current = undefined;
        resolve({ ok: false, outcome: 'timeout', error: `timed out after ${timeoutMs} ms; the instance was stopped`, durationMs: performance.now() - started });
        this.terminate();
      }, timeoutMs);
      this.current = { id, requestId: inv.requestId, started, timer, resolve };
      this.post({ t: 'inv', id, inv });
    });
  }

  /** Stop the worker now (timeouts, idle reclaim, old versions). */
  terminate(): void {
    if (this.state === 'gone') return;
    void this.worker.terminate();
  }

  private gone(code: number): void {
    if (this.state === 'gone') return;
    this.state = 'gone';
    const cur = this.current;
    this.current = undefined;
    if (cur) {
      clearTimeout(cur.timer);
      const reason = this.fatal ?? {
        outcome: 'crash' as const,
        error: this.exitCalled !== undefined ? `the handler called process.exit(${this.exitCalled}); the instance ended` : `the instance exited (code ${code})`,
      };
      cur.resolve({ ok: false, outcome: reason.outcome, error: reason.error, durationMs: performance.now() - cur.started });
    }
    this.hooks.onGone(this);
  }
}
