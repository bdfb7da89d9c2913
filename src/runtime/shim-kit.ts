/**
 * The building blocks every shim (templates/shims/<target>.ts) shares: requests in, responses
 * out, contexts, queue outcomes. Not part of the user API; shims import it by relative path.
 */
import type { Context, Target } from './index.js';
import { createContext } from './context.js';
import type { LineWriter } from './logger.js';

export { createContext, createColdStartFlag, type ContextInit } from './context.js';
export { createLogger, parseLogLine, stdoutWriter, type LineWriter, type ParsedLogLine } from './logger.js';
export { createHttpRequest, normalizeHeaders, parseQuery, type HttpRequestInit, type RawHeaders } from './http-request.js';
export {
  errorResponse,
  isHttpError,
  isHttpResponse,
  normalizeHttpResponse,
  responseBytes,
  routeErrorResponse,
  runHttp,
  type NormalizedResponse,
} from './http-response.js';
export { createQueueMessage, runQueue, type QueueMessageInit, type QueueOutcome } from './queue.js';
export { createScheduleEvent, createStorageEvent, decodeFormKey, wantsStorageEvent } from './events.js';
export { matchRoute, resolveRoute, type RouteResolution, type RouteSpec } from './route.js';
export { frontDoor, frontRoutes, needsFrontDoor, type FrontDoorResult, type FrontRoute } from './http-front.js';
export { bearerToken, createJwtVerifier, decodePayload, tokenScopes, type JwtVerifier } from './jwt.js';

/** What a shim needs from the function's metadata (a structural subset of ShimMeta). */
export interface ShimMetaLike {
  functionName: string;
  target: Target;
  region?: string;
  timeoutMs: number;
  events: ReadonlyArray<{ kind: string; method?: string; path?: string; expression?: string; input?: unknown }>;
}

/** Test seams every shim factory accepts as an optional last argument. */
import type { SecretLoader } from './secrets.js';

export { secretIds, secretsOnce, type SecretLoader } from './secrets.js';

export interface ShimOptions {
  /** Clock (epoch ms); defaults to `Date.now`. */
  now?: () => number;
  /** Log sink for `ctx.log`; defaults to stdout. */
  write?: LineWriter;
  /** Where secret values come from (the cloud's secret store by default; tests pass a fake). */
  loadSecrets?: SecretLoader;
  /** The `fetch` of the Azure queue and bucket clients; tests pass one that trusts an emulator's certificate. */
  fetch?: typeof fetch;
}

/** Throws a clear error at load time when the export the entry hands over is not a function. */
export function assertHandler(handler: unknown, meta: { functionName: string }): asserts handler is (...args: never[]) => unknown {
  if (typeof handler !== 'function') {
    throw new TypeError(`sls-x: the handler of function "${meta.functionName}" is ${handler === null ? 'null' : typeof handler}, not a function`);
  }
}

/** A context for one invocation from the function's metadata. */
export function contextFor(
  meta: ShimMetaLike,
  opts: ShimOptions,
  inv: { requestId: string; coldStart: boolean; deadline?: number },
): Context {
  const now = opts.now ?? Date.now;
  return createContext({
    functionName: meta.functionName,
    requestId: inv.requestId,
    target: meta.target,
    region: meta.region,
    coldStart: inv.coldStart,
    deadline: inv.deadline ?? now() + meta.timeoutMs,
    now,
    write: opts.write,
  });
}

/** The function's http routes, as `{ method, path }`. */
export function httpRoutes(meta: ShimMetaLike): Array<{ method: string; path: string }> {
  return meta.events.flatMap((e) => (e.kind === 'http' && e.path ? [{ method: e.method ?? 'ANY', path: e.path }] : []));
}

/** The schedule expression and input when the function has exactly one schedule. */
export function soleSchedule(meta: ShimMetaLike): { expression?: string; input?: unknown } {
  const schedules = meta.events.filter((e) => e.kind === 'schedule');
  return schedules.length === 1 ? { expression: schedules[0].expression, input: schedules[0].input } : {};
}

/** True when the function declares an event of that kind. */
export function hasEvent(meta: ShimMetaLike, kind: string): boolean {
  return meta.events.some((e) => e.kind === kind);
}

/** A random id for platforms that give none (v4-like; no crypto import needed on Node 20). */
export function randomId(): string {
  return globalThis.crypto.randomUUID();
}

/** The environment variable with every function's runtime configuration (see src/model/shim.ts). */
export const FUNCTIONS_ENV = 'SLSX_FUNCTIONS';

/**
 * The full metadata of a function at load time: what the entry baked in (name, target) plus its
 * configuration (events, timeout, region) from `SLSX_FUNCTIONS` in the environment, which the
 * deploy sets beside the code, so a configuration change never changes the code. Metadata that
 * already carries `events` (a test, the testing harness) is used as it is.
 */
export function resolveMeta<M extends { functionName: string; target: Target }>(meta: M, env: Record<string, string | undefined> = process.env): M & ShimMetaLike & { service?: string; stage?: string } {
  if (Array.isArray((meta as Partial<ShimMetaLike>).events)) return meta as M & ShimMetaLike;
  const raw = env[FUNCTIONS_ENV];
  let all: Record<string, unknown> | undefined;
  try {
    all = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
  } catch {
    all = undefined;
  }
  const own = all && Object.prototype.hasOwnProperty.call(all, meta.functionName) ? all[meta.functionName] : undefined;
  if (!own || typeof own !== 'object' || !Array.isArray((own as { events?: unknown }).events)) {
    throw new Error(
      `sls-x: function "${meta.functionName}" has no configuration in the ${FUNCTIONS_ENV} environment variable${raw ? '' : ' (it is not set)'}: deploy it with sls-x, which sets it beside the code`,
    );
  }
  const cfg = own as { service?: string; stage?: string; region?: string; timeoutMs?: number; events: ShimMetaLike['events']; sends?: unknown; buckets?: unknown };
  return {
    ...meta,
    service: cfg.service,
    stage: cfg.stage,
    region: cfg.region,
    timeoutMs: Number(cfg.timeoutMs) || 3000,
    events: cfg.events,
    ...(Array.isArray(cfg.sends) ? { sends: cfg.sends.filter((q): q is string => typeof q === 'string') } : {}),
    ...(cfg.buckets && typeof cfg.buckets === 'object' ? { buckets: cfg.buckets } : {}),
  } as M & ShimMetaLike;
}
