/**
 * The local target's shim: turns what the local cloud's worker hands over (providers/local/protocol.ts)
 * into the neutral handler API (HttpRequest, QueueMessage[], ScheduleEvent, StorageEvent[], Context),
 * and the handler's answer back into plain data the worker can post to the gateway.
 *
 * The bundler builds each local function's entry as
 *   `export default createLocalHandler(userHandler, meta)`
 * Self-contained on purpose (only type imports), so it bundles into any handler.
 */
import type { ShimMeta } from '../../src/model/shim.js';
import type { LocalHost, LocalInvocation, RawHttpRequest, RawHttpResponse, RawQueueMessage } from '../../providers/local/protocol.js';

type Level = 'debug' | 'info' | 'warn' | 'error';
type LogFn = (message: string, data?: Record<string, unknown>) => void;

/** The neutral Context, as the local target fills it. */
export interface LocalContext {
  functionName: string;
  requestId: string;
  target: 'local';
  region: string;
  coldStart: boolean;
  /** Epoch ms when the invocation times out. */
  deadline: number;
  remainingMs(): number;
  log: LogFn & Record<Level, LogFn>;
  /** Send a message to a queue of the same local cloud. */
  send(queue: string, body: string | object, attributes?: Record<string, string>): Promise<{ id: string }>;
}

function host(): LocalHost {
  const found = (globalThis as Record<symbol, unknown>)[Symbol.for('sls-x.local.host')] as LocalHost | undefined;
  if (found) return found;
  // Outside the local cloud (unit tests of a handler): log to the console, refuse to send.
  return {
    log: (level, message, data) => console[level === 'debug' ? 'log' : level](message, ...(data ? [data] : [])),
    send: async () => {
      throw new Error('sending to a queue needs the local cloud (sls-x deploy or sls-x dev)');
    },
  };
}

function parseJson<T>(text: string | undefined, what: string): T {
  if (text === undefined || text === '') throw new SyntaxError(`${what} is empty, not JSON`);
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    const preview = text.length > 60 ? `${text.slice(0, 57)}...` : text;
    throw new SyntaxError(`${what} is not valid JSON (${(err as Error).message}): ${JSON.stringify(preview)}`);
  }
}

function makeContext(meta: ShimMeta, inv: LocalInvocation): LocalContext {
  const h = host();
  const log = ((message: string, data?: Record<string, unknown>) => h.log('info', String(message), data)) as LocalContext['log'];
  for (const level of ['debug', 'info', 'warn', 'error'] as const) log[level] = (message, data) => h.log(level, String(message), data);
  return {
    functionName: meta.functionName,
    requestId: inv.requestId,
    target: 'local',
    region: meta.region ?? 'local',
    coldStart: inv.coldStart,
    deadline: inv.deadline,
    remainingMs: () => Math.max(0, inv.deadline - Date.now()),
    log,
    send: (queue, body, attributes) => h.send(queue, typeof body === 'string' ? body : JSON.stringify(body), attributes),
  };
}

function httpRequest(raw: RawHttpRequest, requestId: string) {
  const body = raw.body === undefined ? undefined : raw.base64 ? Buffer.from(raw.body, 'base64').toString('utf8') : raw.body;
  return {
    method: raw.method,
    path: raw.path,
    pathParams: raw.pathParams,
    query: raw.query,
    headers: raw.headers,
    body,
    rawBody: raw.base64 && raw.body !== undefined ? Buffer.from(raw.body, 'base64') : undefined,
    json: <T>() => parseJson<T>(body, 'the request body'),
    requestId,
    sourceIp: raw.sourceIp,
  };
}

function queueMessage(raw: RawQueueMessage) {
  return {
    id: raw.id,
    body: raw.body,
    json: <T>() => parseJson<T>(raw.body, `message ${raw.id}'s body`),
    attempt: raw.attempt,
    attributes: raw.attributes,
    enqueuedAt: new Date(raw.enqueuedAt),
  };
}

/** JSON text of a value, or a clear error naming what cannot be serialised. */
function toJson(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  } catch (err) {
    throw new TypeError(`the handler returned a value that cannot be serialised to JSON: ${(err as Error).message}`);
  }
}

function isResponse(value: unknown): value is { status?: number; statusCode?: number; headers?: Record<string, unknown>; body?: unknown } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.status === 'number' || typeof v.statusCode === 'number';
}

/** A handler's return value as an HTTP response: `{ status, headers, body }`, or any plain value = 200 + JSON. */
export function toHttpResponse(value: unknown): RawHttpResponse {
  if (value === undefined) return { status: 204, headers: {}, body: '', base64: false };
  if (!isResponse(value)) return { status: 200, headers: { 'content-type': 'application/json' }, body: toJson(value), base64: false };
  const status = value.status ?? value.statusCode ?? 200;
  if (!Number.isInteger(status) || status < 100 || status > 599) throw new TypeError(`the handler returned an invalid HTTP status ${String(status)} (use 100-599)`);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(value.headers ?? {})) if (v !== undefined && v !== null) headers[k.toLowerCase()] = String(v);
  const body = value.body;
  if (body === undefined || body === null) return { status, headers, body: '', base64: false };
  if (typeof body === 'string') return { status, headers, body, base64: false };
  if (body instanceof Uint8Array) return { status, headers, body: Buffer.from(body).toString('base64'), base64: true };
  if (!headers['content-type']) headers['content-type'] = 'application/json';
  return { status, headers, body: toJson(body), base64: false };
}

/** Failed message ids from a queue handler's answer: `{ failed: [ids] }`, or none. */
function failedIds(value: unknown, ids: Set<string>): string[] {
  if (!value || typeof value !== 'object' || !('failed' in value)) return [];
  const failed = (value as { failed: unknown }).failed;
  if (!Array.isArray(failed)) throw new TypeError('a queue handler must return nothing or { failed: [message ids] }');
  const out = failed.map(String);
  const unknown = out.filter((id) => !ids.has(id));
  if (unknown.length > 0) throw new TypeError(`the queue handler reported unknown message ids as failed: ${unknown.slice(0, 3).join(', ')}`);
  return out;
}

/**
 * The local worker protocol's entry: one invocation in, plain data out. Throws (rejects) when the
 * handler fails; the local cloud records the error and answers 500 / retries the batch.
 */
export function createLocalHandler(handler: Function, meta: ShimMeta): (inv: LocalInvocation) => Promise<unknown> {
  if (typeof handler !== 'function') {
    throw new TypeError(`${meta.functionName}: the handler export is ${handler === undefined ? 'missing' : `a ${typeof handler}`}, not a function`);
  }
  return async (inv) => {
    const ctx = makeContext(meta, inv);
    switch (inv.kind) {
      case 'http':
        return toHttpResponse(await handler(httpRequest(inv.event, inv.requestId), ctx));
      case 'queue': {
        const messages = inv.event.map(queueMessage);
        const answer = await handler(messages, ctx);
        return { failed: failedIds(answer, new Set(messages.map((m) => m.id))) };
      }
      case 'schedule':
        return JSON.parse(toJson((await handler({ ...inv.event, time: new Date(inv.event.time) }, ctx)) ?? null));
      case 'storage':
        return JSON.parse(toJson((await handler(inv.event, ctx)) ?? null));
      default:
        return JSON.parse(toJson((await handler(inv.event, ctx)) ?? null));
    }
  };
}
