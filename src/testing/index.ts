/**
 * `sls-x/testing`: build what a handler receives (requests, messages, events, a context) and call
 * handlers the way every shim does, in a plain unit test with no cloud and no local cloud.
 *
 * ```ts
 * import { callHttp, httpRequest } from 'sls-x/testing';
 * const res = await callHttp(handler, httpRequest({ method: 'POST', path: '/items', body: { name: 'a' } }));
 * expect(res.status).toBe(201);
 * ```
 */
import type { Context, HttpHandler, HttpRequest, QueueHandler, QueueMessage, ScheduleEvent, ScheduleHandler, StorageEvent, StorageHandler, Target } from '../runtime/index.js';
import { createContext } from '../runtime/context.js';
import { createHttpRequest } from '../runtime/http-request.js';
import { runHttp } from '../runtime/http-response.js';
import { createQueueMessage, runQueue } from '../runtime/queue.js';
import { createScheduleEvent, createStorageEvent } from '../runtime/events.js';
import { tokenScopes } from '../runtime/jwt.js';

export { awsEvents } from './aws-events.js';
export { testResources, type TestResources } from './resources.js';

let seq = 0;
const nextId = (prefix: string): string => `${prefix}-${++seq}`;

/** What {@link httpRequest} takes: every field optional; an object body is sent as JSON. */
export interface TestHttpRequestInit {
  method?: string;
  path?: string;
  pathParams?: Record<string, string>;
  query?: string | Record<string, string | string[]>;
  headers?: Record<string, string>;
  /** A string or bytes as is; anything else is JSON (with `content-type: application/json`). */
  body?: unknown;
  requestId?: string;
  sourceIp?: string;
  /** The verified token a route with `auth: { jwt }` would give: `{ claims }` (scopes default to the claims' `scope`/`scp`). */
  auth?: { claims: Record<string, unknown>; scopes?: string[] };
}

/** A neutral {@link HttpRequest}, as every shim builds it (lower-case headers, parsed query, `json()`). */
export function httpRequest(init: TestHttpRequestInit = {}): HttpRequest {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | Uint8Array | undefined;
  if (typeof init.body === 'string' || init.body instanceof Uint8Array) body = init.body;
  else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  return createHttpRequest({
    method: init.method ?? 'GET',
    path: init.path ?? '/',
    pathParams: init.pathParams ?? {},
    query: init.query ?? {},
    headers,
    ...(body !== undefined ? { body } : {}),
    requestId: init.requestId ?? nextId('req'),
    sourceIp: init.sourceIp ?? '127.0.0.1',
    ...(init.auth ? { auth: { claims: init.auth.claims, scopes: init.auth.scopes ?? tokenScopes(init.auth.claims) } } : {}),
  });
}

/** A neutral {@link QueueMessage}; an object body is JSON. */
export function queueMessage(body: unknown, init: { id?: string; attempt?: number; attributes?: Record<string, string>; enqueuedAt?: string | number | Date } = {}): QueueMessage {
  return createQueueMessage({
    id: init.id ?? nextId('msg'),
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    attempt: init.attempt ?? 1,
    attributes: init.attributes ?? {},
    enqueuedAt: init.enqueuedAt ?? Date.now(),
  });
}

/** A neutral {@link ScheduleEvent}. */
export function scheduleEvent(init: { id?: string; time?: string | number | Date; expression?: string; input?: unknown } = {}): ScheduleEvent {
  return createScheduleEvent({ id: init.id ?? nextId('schedule'), ...init });
}

/** A neutral {@link StorageEvent} (`created` unless said). */
export function storageEvent(init: { bucket: string; key: string; type?: 'created' | 'deleted'; size?: number; etag?: string; time?: string }): StorageEvent {
  return createStorageEvent({ ...init, type: init.type ?? 'created' });
}

/** One line a handler logged through `ctx.log`. */
export interface LoggedLine {
  level: string;
  msg: string;
  data?: Record<string, unknown>;
}

/** A {@link Context} whose log lines are kept in `logs` instead of printed. */
export interface TestContext extends Context {
  logs: LoggedLine[];
}

/** A context for one invocation: `test` function, `local` target, cold, 10 s left unless said. */
export function testContext(init: { functionName?: string; requestId?: string; target?: Target; region?: string; coldStart?: boolean; timeoutMs?: number; now?: () => number } = {}): TestContext {
  const now = init.now ?? Date.now;
  const logs: LoggedLine[] = [];
  const ctx = createContext({
    functionName: init.functionName ?? 'test',
    requestId: init.requestId ?? nextId('req'),
    target: init.target ?? 'local',
    region: init.region ?? 'local',
    coldStart: init.coldStart ?? true,
    deadline: now() + (init.timeoutMs ?? 10_000),
    now,
    write: (line) => {
      try {
        const v = JSON.parse(line) as { level?: string; msg?: string; data?: Record<string, unknown> };
        logs.push({ level: v.level ?? 'info', msg: v.msg ?? '', ...(v.data ? { data: v.data } : {}) });
      } catch {
        logs.push({ level: 'info', msg: line });
      }
    },
  });
  return Object.assign(ctx, { logs });
}

/** What {@link callHttp} gives back: the response as a client would see it. */
export interface TestResponse {
  status: number;
  headers: Record<string, string>;
  /** `Set-Cookie` values. */
  cookies: string[];
  /** The body as text (binary bodies decoded as UTF-8; use `bytes` for them). */
  body: string;
  bytes: Uint8Array;
  json<T = unknown>(): T;
}

/**
 * Call an HTTP handler as every shim does: a plain return value is 200 JSON, `{ status, body }`
 * is that response, an `HttpError` is its status, any other throw is a 500 with the request id.
 */
export async function callHttp(handler: HttpHandler, req: HttpRequest | TestHttpRequestInit = {}, ctx: Context = testContext()): Promise<TestResponse> {
  const request = typeof (req as HttpRequest).json === 'function' ? (req as HttpRequest) : httpRequest(req as TestHttpRequestInit);
  const res = await runHttp(handler, request, ctx);
  const bytes = res.body instanceof Uint8Array ? res.body : new TextEncoder().encode(res.body ?? '');
  const body = new TextDecoder().decode(bytes);
  return { status: res.status, headers: { ...res.headers }, cookies: [...res.cookies], body, bytes, json: <T>() => JSON.parse(body) as T };
}

/**
 * Call a queue handler with a batch (bodies or messages) as every shim does, and say which
 * message ids would be retried: those in `{ failed }`, or all of them when the handler threw.
 */
export async function callQueue(handler: QueueHandler, batch: Array<QueueMessage | unknown>, ctx: Context = testContext()): Promise<{ failed: string[]; error?: string }> {
  const msgs = batch.map((m) => (isMessage(m) ? m : queueMessage(m)));
  const out = await runQueue(handler, msgs, ctx);
  return { failed: [...out.failed], ...(out.error !== undefined ? { error: String(out.error) } : {}) };
}

/** Call a schedule handler once. */
export async function callSchedule(handler: ScheduleHandler, ev: ScheduleEvent = scheduleEvent(), ctx: Context = testContext()): Promise<void> {
  await handler(ev, ctx);
}

/** Call a storage handler with events. */
export async function callStorage(handler: StorageHandler, evs: StorageEvent[], ctx: Context = testContext()): Promise<void> {
  await handler(evs, ctx);
}

function isMessage(m: unknown): m is QueueMessage {
  return Boolean(m) && typeof m === 'object' && typeof (m as QueueMessage).json === 'function' && typeof (m as QueueMessage).id === 'string';
}
