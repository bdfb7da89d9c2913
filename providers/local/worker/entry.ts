/**
 * Runs inside one instance's worker thread: loads the function's built entry once (its module
 * state lives as long as the instance), then runs one invocation at a time for the local cloud.
 * Console output and ctx.log become structured log lines of the running invocation.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import { format } from 'node:util';
import type { FromWorker, LocalEntry, LocalHost, ToWorker } from '../protocol.js';

// Stack traces through the bundle's linked source map point at src/...ts:line, not index.mjs.
process.setSourceMapsEnabled(true);

const port = parentPort!;
const post = (msg: FromWorker): void => port.postMessage(msg);
const { entryUrl, memoryMb } = workerData as { entryUrl: string; memoryMb?: number };

function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return typeof err === 'string' ? err : format('%o', err);
}

let sendSeq = 0;
const pendingSends = new Map<number, { resolve: (v: { id: string }) => void; reject: (e: Error) => void }>();

let tableSeq = 0;
const pendingTables = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

const host: LocalHost = {
  log(level, message, data) {
    post({ t: 'log', level, message, data, time: Date.now() });
  },
  send(queue, body, attributes, delaySeconds) {
    if (typeof queue !== 'string' || typeof body !== 'string') return Promise.reject(new TypeError('send(queue, body): queue and body must be strings (JSON.stringify objects first)'));
    const id = ++sendSeq;
    return new Promise((resolve, reject) => {
      pendingSends.set(id, { resolve, reject });
      post({ t: 'send', id, queue, body, attributes, ...(delaySeconds ? { delaySeconds } : {}) });
    });
  },
  table(req) {
    const id = ++tableSeq;
    return new Promise((resolve, reject) => {
      pendingTables.set(id, { resolve, reject });
      post({ t: 'table', id, req });
    });
  },
};
(globalThis as Record<symbol, unknown>)[Symbol.for('sls-x.local.host')] = host;
(globalThis as Record<symbol, unknown>)[Symbol.for('sls-x.send')] = (queue: string, body: string, attributes?: Record<string, string>) => host.send(queue, body, attributes);

const levels = { log: 'info', info: 'info', debug: 'debug', warn: 'warn', error: 'error', trace: 'debug' } as const;
for (const [method, level] of Object.entries(levels)) {
  (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => host.log(level, format(...args));
}

// A handler calling process.exit ends only this instance; say so before the thread goes.
const realExit = process.exit.bind(process);
process.exit = ((code?: number) => {
  post({ t: 'exit-called', code: typeof code === 'number' ? code : 0 });
  return realExit(code);
}) as typeof process.exit;

// Functions share the local cloud's process: a signal to our own pid (process.kill(process.pid),
// or 0, the process group) or process.abort() would end the local cloud for every function.
// Here they end only this instance, as process.exit does; signals to other processes go through.
const realKill = process.kill.bind(process);
process.kill = ((pid: number, signal?: string | number) => {
  if (pid === process.pid || pid === 0 || pid === -process.pid) {
    const code = 128 + (typeof signal === 'number' ? signal : 15);
    post({ t: 'exit-called', code });
    return realExit(code);
  }
  return realKill(pid, signal);
}) as typeof process.kill;
process.abort = (() => {
  post({ t: 'exit-called', code: 134 });
  return realExit(134);
}) as typeof process.abort;

/**
 * Worker resource limits cap the V8 heap only; Buffers and ArrayBuffers live outside it. Watch
 * heap + external memory while the instance runs: past the function's memory it ends as an OOM,
 * as a Lambda over its memory would, instead of holding any amount of the local cloud's memory.
 */
function overLimit(): number | undefined {
  if (!memoryMb) return undefined;
  const used = peakMb();
  return used > memoryMb ? used : undefined;
}
const memoryWatch = setInterval(() => {
  const used = overLimit();
  if (used === undefined) return;
  post({ t: 'oom', usedMb: used, limitMb: memoryMb! });
  realExit(137);
}, 50);
memoryWatch.unref();

function peakMb(): number {
  const h = getHeapStatistics();
  return Math.round(((h.total_heap_size + h.external_memory) / 1048576) * 10) / 10;
}

let entry: LocalEntry;
try {
  const mod = (await import(entryUrl)) as { default?: unknown };
  if (typeof mod.default !== 'function') throw new Error(`the built entry's default export is not a function (got ${typeof mod.default}); rebuild with \`sls-x package --target local\``);
  entry = mod.default as LocalEntry;
  post({ t: 'ready' });
} catch (err) {
  post({ t: 'init-error', error: describe(err) });
  // Stay alive until the local cloud terminates this instance, so the message is delivered.
  await new Promise(() => {});
}

port.on('message', (msg: ToWorker) => {
  if (msg.t === 'table-result') {
    const waiting = pendingTables.get(msg.id);
    pendingTables.delete(msg.id);
    if (msg.ok) waiting?.resolve(msg.value);
    else waiting?.reject(new Error(msg.error ?? 'table call failed'));
    return;
  }
  if (msg.t === 'sent') {
    const waiting = pendingSends.get(msg.id);
    pendingSends.delete(msg.id);
    if (msg.ok) waiting?.resolve({ id: msg.messageId ?? '' });
    else waiting?.reject(new Error(msg.error ?? 'send failed'));
    return;
  }
  const started = performance.now();
  entry(msg.inv).then(
    (result) => {
      const durationMs = performance.now() - started;
      const used = overLimit();
      if (used !== undefined) {
        post({ t: 'oom', usedMb: used, limitMb: memoryMb! });
        realExit(137);
        return;
      }
      try {
        post({ t: 'done', id: msg.id, ok: true, result, durationMs, peakMemoryMb: peakMb() });
      } catch (err) {
        post({ t: 'done', id: msg.id, ok: false, error: `the handler returned a value that cannot be sent back: ${describe(err)}`, durationMs, peakMemoryMb: peakMb() });
      }
    },
    (err: unknown) => post({ t: 'done', id: msg.id, ok: false, error: describe(err), durationMs: performance.now() - started, peakMemoryMb: peakMb() }),
  );
});
