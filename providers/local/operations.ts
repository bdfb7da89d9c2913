import type { AdapterContext, ForcedColdStart, InvokeResult } from '../../src/core/adapter.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import type { InvocationRecord, LogLine } from '../../src/model/invocation.js';
import type { Service } from '../../src/model/service.js';
import { controlClient } from './clients.js';
import { invokeEvent } from './invoke-event.js';
import { ensureRunning, findRunning } from './launcher.js';
import { localPaths } from './paths.js';
import { openStateReadonly } from './store.js';

function fnSpec(service: Service, fn: string) {
  const spec = service.functions.find((f) => f.name === fn);
  if (!spec) {
    throw new SlsxError('FUNCTION_NOT_FOUND', `There is no function '${fn}' in ${service.service}.`, {
      hint: `Functions: ${service.functions.map((f) => f.name).join(', ') || 'none'}.`,
    });
  }
  return spec;
}

/** One invocation through the running local cloud (started if needed), with its record and logs. */
export async function invokeLocal(service: Service, fn: string, payload: unknown, ctx: AdapterContext): Promise<InvokeResult & { ok: boolean; error?: string }> {
  const spec = fnSpec(service, fn);
  const info = await ensureRunning(service.root, { port: service.targets.local?.port ?? 0, env: ctx.env, stage: service.stage });
  const { kind, event } = invokeEvent(spec, payload, ctx.now());
  const out = await controlClient(info).post<{ ok: boolean; result?: unknown; error?: string; record: InvocationRecord; logs: LogLine[] }>('invoke', { function: fn, kind, event });
  return { ok: out.ok, result: out.result, error: out.error, record: out.record, logs: out.logs };
}

/**
 * Force the next invocation of `fn` to be a cold start: the local cloud stops the function's
 * instances (idle ones now, busy ones when their run ends), so the next call starts a new worker
 * and loads the handler module again. Nothing to undo afterwards.
 */
export async function forceColdStartLocal(service: Service, fn: string, ctx: AdapterContext): Promise<ForcedColdStart> {
  fnSpec(service, fn);
  const info = await ensureRunning(service.root, { port: service.targets.local?.port ?? 0, env: ctx.env, stage: service.stage });
  const out = await controlClient(info).post<{ stopped: number }>('functions/recycle', { function: fn });
  return { method: `new instance (local cloud stopped ${out.stopped} running instance(s))` };
}

/** Make the running local cloud write its buffered records and logs, so reads are current. */
async function flush(root: string, stage = 'dev'): Promise<void> {
  const info = await findRunning(root, stage);
  if (info) await controlClient(info).post('flush').catch(() => undefined);
}

/** Invocation records from the local state (running or not), oldest first. */
export async function invocationsLocal(service: Service, options: { sinceMs?: number; fn?: string }, ctx: AdapterContext): Promise<InvocationRecord[]> {
  if (options.fn) fnSpec(service, options.fn);
  await flush(service.root, service.stage);
  const db = await openStateReadonly(localPaths(service.root, service.stage).db);
  if (!db) return [];
  try {
    const since = options.sinceMs !== undefined ? ctx.now().getTime() - options.sinceMs : 0;
    const rows = (options.fn
      ? db.prepare('SELECT record FROM invocations WHERE function = ? AND started_at >= ? ORDER BY seq').all(options.fn, since)
      : db.prepare('SELECT record FROM invocations WHERE started_at >= ? ORDER BY seq').all(since)) as Array<{ record: string }>;
    return rows.map((r) => JSON.parse(r.record) as InvocationRecord);
  } finally {
    db.close();
  }
}

type LogRow = { seq: number; time: number; function: string; request_id: string | null; level: LogLine['level']; message: string; data: string | null };

function toLine(r: LogRow): LogLine {
  return { time: r.time, function: r.function, ...(r.request_id ? { requestId: r.request_id } : {}), level: r.level, message: r.message, ...(r.data ? { data: JSON.parse(r.data) as Record<string, unknown> } : {}) };
}

/** Structured log lines of one function, oldest first; with `follow`, keeps yielding new ones until aborted. */
export async function* logsLocal(service: Service, fn: string, options: { follow: boolean; sinceMs?: number; signal?: AbortSignal; pollMs?: number }, ctx: AdapterContext): AsyncIterable<LogLine> {
  fnSpec(service, fn);
  const since = options.sinceMs !== undefined ? ctx.now().getTime() - options.sinceMs : 0;
  let after = 0;
  const path = localPaths(service.root, service.stage).db;
  for (;;) {
    await flush(service.root, service.stage);
    const db = await openStateReadonly(path);
    if (db) {
      try {
        const rows = db.prepare('SELECT seq, time, function, request_id, level, message, data FROM logs WHERE function = ? AND seq > ? AND time >= ? ORDER BY seq LIMIT 5000').all(fn, after, since) as LogRow[];
        for (const r of rows) {
          after = r.seq;
          yield toLine(r);
        }
        if (rows.length === 5000) continue;
      } finally {
        db.close();
      }
    }
    if (!options.follow || options.signal?.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.pollMs ?? 300);
      options.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
    if (options.signal?.aborted) return;
  }
}
