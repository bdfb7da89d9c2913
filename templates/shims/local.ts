/**
 * The local target's shim: turns what the local cloud's worker hands over (providers/local/protocol.ts)
 * into the neutral handler API of `sls-x/runtime`, and the handler's answer back into plain data the
 * worker posts to the gateway (structured clone, no JSON round trip on the hot path).
 *
 * The bundler builds each local function's entry as `export default createLocalHandler(userHandler, meta)`.
 * Failures are thrown, not turned into responses: the local cloud records the outcome (error, timeout,
 * oom, crash) and answers 500/504 itself. An `HttpError` below 500 is the handler's answer, not a failure.
 */
import type { BakedMeta, ShimMeta } from '../../src/model/shim.js';
import type { Context, HttpHandler, LogData, QueueHandler, QueueMessage } from '../../src/runtime/index.js';
import {
  assertHandler,
  createContext,
  createHttpRequest,
  createQueueMessage,
  createScheduleEvent,
  createStorageEvent,
  createJwtVerifier,
  errorResponse,
  frontDoor,
  frontRoutes,
  needsFrontDoor,
  normalizeHeaders,
  normalizeHttpResponse,
  type NormalizedResponse,
  resolveMeta,
} from '../../src/runtime/shim-kit.js';
import { isHttpError } from '../../src/runtime/http-response.js';
import type { LocalHost, LocalInvocation, RawHttpResponse, RawQueueMessage } from '../../providers/local/protocol.js';
import { installResourceDriver } from '../../src/runtime/resources.js';
import { localResources } from './common/local-resources.js';

/** The neutral Context plus what only the local cloud offers: sending to its queues. */
export interface LocalContext extends Context {
  /** Send a message to a queue of the same local cloud (objects are sent as JSON). */
  send(queue: string, body: string | object, attributes?: Record<string, string>): Promise<{ id: string }>;
}

function host(): LocalHost {
  const found = (globalThis as Record<symbol, unknown>)[Symbol.for('sls-x.local.host')] as LocalHost | undefined;
  if (found) return found;
  // Outside the local cloud (a handler's own unit test): log to stdout, refuse to send.
  return {
    log: (level, message, data) => process.stdout.write(`${JSON.stringify({ level, msg: message, data })}\n`),
    send: async () => {
      throw new Error('sending to a queue needs the local cloud (sls-x deploy or sls-x dev)');
    },
  };
}

/** The runtime logger writes one JSON line per call; the local cloud stores it as a structured log line. */
function logWriter(h: LocalHost): (line: string) => void {
  return (line) => {
    try {
      const v = JSON.parse(line) as { level?: 'debug' | 'info' | 'warn' | 'error'; msg?: string; data?: LogData };
      h.log(v.level ?? 'info', v.msg ?? '', v.data);
    } catch {
      h.log('info', line);
    }
  };
}

function contextFor(meta: ShimMeta, inv: LocalInvocation): LocalContext {
  const h = host();
  const ctx = createContext({
    functionName: meta.functionName,
    requestId: inv.requestId,
    target: 'local',
    region: meta.region ?? 'local',
    coldStart: inv.coldStart,
    deadline: inv.deadline,
    write: logWriter(h),
  });
  return Object.assign(ctx, {
    send: (queue: string, body: string | object, attributes?: Record<string, string>) => h.send(queue, typeof body === 'string' ? body : JSON.stringify(body), attributes),
  });
}

/** A queue message whose json() says which message was malformed and how. */
function queueMessage(raw: RawQueueMessage): QueueMessage {
  const msg = createQueueMessage({ id: raw.id, body: raw.body, attempt: raw.attempt, attributes: raw.attributes, enqueuedAt: raw.enqueuedAt });
  const parse = msg.json.bind(msg);
  msg.json = <T>() => {
    try {
      return parse<T>();
    } catch (err) {
      const preview = raw.body.length > 60 ? `${raw.body.slice(0, 57)}...` : raw.body;
      throw new SyntaxError(`message ${raw.id}'s body is not valid JSON (${(err as Error).message}): ${JSON.stringify(preview)}`);
    }
  };
  return msg;
}

/** JSON-safe copy of a value, or a clear error naming what cannot be serialised. */
function plain(value: unknown): unknown {
  if (value === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(value) ?? 'null');
  } catch (err) {
    throw new TypeError(`the handler returned a value that cannot be serialised to JSON: ${(err as Error).message}`);
  }
}

function toRaw(res: NormalizedResponse): RawHttpResponse {
  const headers = { ...res.headers };
  if (res.cookies.length > 0) headers['set-cookie'] = res.cookies.join(', ');
  if (res.body === undefined) return { status: res.status, headers, body: '', base64: false };
  if (typeof res.body === 'string') return { status: res.status, headers, body: res.body, base64: false };
  return { status: res.status, headers, body: Buffer.from(res.body).toString('base64'), base64: true };
}

function normalize(value: unknown, ctx: Context): NormalizedResponse {
  try {
    return normalizeHttpResponse(value, (message, data) => ctx.log.warn(message, data));
  } catch (err) {
    if ((err as Error).message.includes('returned a stream')) throw err;
    throw new TypeError(`the handler returned a value that cannot be serialised to JSON: ${(err as Error).message}`);
  }
}

/**
 * The local worker protocol's entry: one invocation in, plain data out. Rejects when the handler
 * fails, so the local cloud records the error and retries or answers 500.
 */
export function createLocalHandler(handler: Function, baked: BakedMeta | ShimMeta): (inv: LocalInvocation) => Promise<unknown> {
  assertHandler(handler, baked);
  const meta: ShimMeta = resolveMeta(baked) as ShimMeta;
  // queue(name) / bucket(name) in the handler: the local cloud's queues and bucket folders.
  installResourceDriver(localResources(host));
  const call = handler as (event: unknown, ctx: Context) => unknown;
  // The gateway routes and applies CORS; tokens of routes with `auth: { jwt }` are verified here, as on Azure and GCP.
  const routes = frontRoutes(meta.events);
  const guarded = needsFrontDoor(routes);
  const verifier = createJwtVerifier();
  return async (inv) => {
    const ctx = contextFor(meta, inv);
    switch (inv.kind) {
      case 'http': {
        const e = inv.event;
        const door = guarded ? await frontDoor(routes, { method: e.method, path: e.path, headers: normalizeHeaders(e.headers) }, { verifier, warn: (m, d) => ctx.log.warn(m, d) }) : undefined;
        if (door?.answer) return toRaw(door.answer);
        const req = createHttpRequest({ method: e.method, path: e.path, pathParams: e.pathParams, query: e.query, headers: e.headers, body: e.body, bodyIsBase64: e.base64, requestId: inv.requestId, sourceIp: e.sourceIp, auth: door?.auth });
        try {
          return toRaw(normalize(await (handler as HttpHandler)(req, ctx), ctx));
        } catch (err) {
          if (isHttpError(err) && err.status < 500) {
            ctx.log.warn('request rejected', { status: err.status, error: err.message });
            return toRaw(errorResponse(err, inv.requestId));
          }
          throw err;
        }
      }
      case 'queue': {
        const messages = inv.event.map(queueMessage);
        const answer = await (handler as QueueHandler)(messages, ctx);
        if (answer === undefined || answer === null) return { failed: [] };
        const failed = (answer as { failed?: unknown }).failed;
        if (typeof answer !== 'object' || !Array.isArray(failed)) throw new TypeError('a queue handler must return nothing or { failed: [message ids] }');
        const known = new Set(messages.map((m) => m.id));
        const unknown = failed.map(String).filter((id) => !known.has(id));
        if (unknown.length > 0) ctx.log.warn('ignoring failed ids that are not in this batch', { unknown });
        return { failed: failed.map(String).filter((id) => known.has(id)) };
      }
      case 'schedule':
        return plain(await call(createScheduleEvent({ id: inv.event.id, time: inv.event.time, expression: inv.event.expression, input: inv.event.input }), ctx));
      case 'storage':
        return plain(await call(inv.event.map((e) => createStorageEvent(e)), ctx));
      default:
        return plain(await call(inv.event, ctx));
    }
  };
}
