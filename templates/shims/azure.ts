/**
 * Azure Functions shim (v4 Node programming model): registers one Azure function per trigger
 * of the neutral function with `app` from @azure/functions (see common/azure-triggers.ts for the
 * names, routes and schedules). The per-trigger adapters are exported pure functions taking the
 * library's own `HttpRequest` / `InvocationContext` / `Timer` objects.
 *
 * Queue semantics: a storage queue trigger delivers ONE message per invocation; a failure (throw
 * or `{ failed: [id] }`) throws, so the runtime makes the message visible again and moves it to
 * `<queue>-poison` after `maxDequeueCount` (host.json).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import azureFunctions from '@azure/functions';
import type { Cookie, HttpRequest as AzHttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import type { BakedMeta, ShimMeta } from '../../src/model/shim.js';
import { installResourceDriver, installResourceScope } from '../../src/runtime/resources.js';
import type { ScheduleEventSpec } from '../../src/model/service.js';
import type { Context, HttpHandler, QueueHandler, ScheduleHandler, StorageHandler, StorageEvent } from '../../src/runtime/index.js';
import {
  assertHandler,
  contextFor,
  createColdStartFlag,
  createHttpRequest,
  createQueueMessage,
  createScheduleEvent,
  createStorageEvent,
  matchRoute,
  createJwtVerifier,
  frontDoor,
  frontRoutes,
  needsFrontDoor,
  normalizeHeaders,
  type JwtVerifier,
  runHttp,
  runQueue,
  type LineWriter,
  type NormalizedResponse,
  type ShimOptions,
  resolveMeta,
} from '../../src/runtime/shim-kit.js';
import { AZURE_STORAGE_CONNECTION, azureAppSettingName, planAzureTriggers } from './common/azure-triggers.js';
import { azureResources, ENVELOPE_PREFIX, openEnvelope, tableSettingName } from './common/azure-resources.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type AnyHandler = Function; // eslint-disable-line @typescript-eslint/no-unsafe-function-type

/** Shared by all adapters of one function: the cold-start flag and the seams. */
export interface AzureAdapterEnv {
  meta: ShimMeta;
  opts: ShimOptions;
  isCold: () => boolean;
}

// The worker forwards console output to the host (Application Insights); raw stdout writes are
// not collected the same way, so on Azure the JSON lines go through console.log.
const consoleWriter: LineWriter = (line) => console.log(line);

/** The environment for the adapters of one function (one cold-start flag for all its triggers). */
export function azureAdapterEnv(meta: ShimMeta, opts: ShimOptions = {}): AzureAdapterEnv {
  return { meta, opts: { write: consoleWriter, ...opts }, isCold: createColdStartFlag() };
}

function contextOf(env: AzureAdapterEnv, ictx: InvocationContext): Context {
  return contextFor(env.meta, env.opts, { requestId: ictx.invocationId, coldStart: env.isCold() });
}

type Env = Record<string, string | undefined>;

/**
 * One Function App runs all its functions in one process, with one identity and one set of app
 * settings: whose declarations (`sends:`, `buckets:`, `tables:`) hold is known per invocation
 * only. Each adapter runs its invocation inside its function's declarations; a client call
 * outside any invocation (module start-up) gets those of every function of the app.
 */
const declarations = new AsyncLocalStorage<Env>();
type TableDeclaration = { name: string; key: string; access: string };
const appDeclarations = { queues: {} as Record<string, string>, buckets: {} as Record<string, string>, access: {} as Record<string, string>, tables: {} as Record<string, TableDeclaration> };

/** The wider of two declared accesses of one resource (by two functions of the app). */
const wider = (had: string | undefined, a: string): string => (!had || had === a ? a : 'readwrite');

/**
 * The environment the clients read for one function (`SLSX_QUEUES`, `SLSX_BUCKETS`,
 * `SLSX_BUCKET_ACCESS`, `SLSX_TABLES`): its declared names, each with the physical name the app
 * setting (`SLSX_QUEUE_<NAME>`, `SLSX_BUCKET_<NAME>`, `SLSX_TABLE_<NAME>`) holds; a table also
 * with its key attribute and the declared access.
 */
export function declarationsEnv(meta: Pick<ShimMeta, 'functionName' | 'sends' | 'buckets' | 'tables'>, env: Env = process.env): Env {
  const queues: Record<string, string> = {};
  for (const q of meta.sends ?? []) {
    const physical = env[azureAppSettingName('queue', q)];
    if (physical) queues[q] = physical;
  }
  const buckets: Record<string, string> = {};
  const access: Record<string, string> = {};
  for (const [b, a] of Object.entries(meta.buckets ?? {})) {
    const physical = env[azureAppSettingName('bucket', b)];
    if (physical) (buckets[b] = physical), (access[b] = a);
  }
  const tables: Record<string, TableDeclaration> = {};
  for (const [t, d] of Object.entries(meta.tables ?? {})) {
    const physical = env[tableSettingName(t)];
    if (physical) tables[t] = { name: physical, key: d.key, access: d.access };
  }
  return {
    SLSX_FUNCTION_NAME: meta.functionName,
    SLSX_QUEUES: JSON.stringify(queues),
    SLSX_BUCKETS: JSON.stringify(buckets),
    SLSX_BUCKET_ACCESS: JSON.stringify(access),
    SLSX_TABLES: JSON.stringify(tables),
  };
}

function addToApp(fnEnv: Env): Env {
  Object.assign(appDeclarations.queues, JSON.parse(fnEnv.SLSX_QUEUES ?? '{}'));
  Object.assign(appDeclarations.buckets, JSON.parse(fnEnv.SLSX_BUCKETS ?? '{}'));
  for (const [b, a] of Object.entries(JSON.parse(fnEnv.SLSX_BUCKET_ACCESS ?? '{}') as Record<string, string>)) {
    appDeclarations.access[b] = wider(appDeclarations.access[b], a);
  }
  for (const [t, d] of Object.entries(JSON.parse(fnEnv.SLSX_TABLES ?? '{}') as Record<string, TableDeclaration>)) {
    appDeclarations.tables[t] = { ...d, access: wider(appDeclarations.tables[t]?.access, d.access) };
  }
  return {
    SLSX_QUEUES: JSON.stringify(appDeclarations.queues),
    SLSX_BUCKETS: JSON.stringify(appDeclarations.buckets),
    SLSX_BUCKET_ACCESS: JSON.stringify(appDeclarations.access),
    SLSX_TABLES: JSON.stringify(appDeclarations.tables),
  };
}

let appEnv: Env = {};

/** An adapter that runs each invocation inside the function's declarations. */
function within<A extends unknown[], R>(fnEnv: Env, adapter: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args: A) => declarations.run(fnEnv, () => adapter(...args));
}

/**
 * Registers every trigger of the function with `app`. Outside the Functions host the library
 * runs in "test mode" and only warns that it skips the registration.
 */
export function registerAzureFunction(handler: AnyHandler, baked: BakedMeta | ShimMeta, opts: ShimOptions = {}): void {
  assertHandler(handler, baked);
  const meta: ShimMeta = resolveMeta(baked) as ShimMeta;
  // The queue, bucket and table clients: Storage over REST as the app's identity (loaded on first use).
  installResourceDriver(azureResources(process.env, opts.fetch));
  const fnEnv = declarationsEnv(meta);
  appEnv = addToApp(fnEnv);
  installResourceScope(() => declarations.getStore() ?? appEnv);
  const { app } = azureFunctions;
  const env = azureAdapterEnv(meta, opts);
  for (const t of planAzureTriggers(meta.functionName, meta.events)) {
    switch (t.kind) {
      case 'http':
        app.http(t.name, {
          route: t.route,
          methods: t.methods as never,
          authLevel: 'anonymous',
          handler: within(fnEnv, azureHttpAdapter(handler as HttpHandler, env, '/' + t.events[0].path.replace(/^\/+/, ''))),
        });
        break;
      case 'queue':
        // dataType binary: the host hands over the message's bytes as sent. Without it a JSON-looking
        // message arrives parsed (a JSON string unquoted, big integers rounded, spacing lost) and
        // could only be re-stringified. https://learn.microsoft.com/azure/azure-functions/functions-bindings-storage-queue-trigger#configuration
        // (The typings omit dataType; the library passes extra trigger options to the binding as is.)
        app.storageQueue(t.name, { queueName: t.queueName, connection: AZURE_STORAGE_CONNECTION, dataType: 'binary', handler: within(fnEnv, azureQueueAdapter(handler as QueueHandler, env)) } as Parameters<typeof app.storageQueue>[1]);
        break;
      case 'schedule':
        app.timer(t.name, { schedule: t.schedule, handler: within(fnEnv, azureTimerAdapter(handler as ScheduleHandler, env, t.event)) });
        break;
      case 'storage':
        app.eventGrid(t.name, { handler: within(fnEnv, azureEventGridAdapter(handler as StorageHandler, env)) });
        break;
    }
  }
}

/**
 * `app.http` handler. The neutral path is the part of the URL the route matched (so the host's
 * `routePrefix`, `api` by default, is not part of it); params come from the host's routing.
 */
export function azureHttpAdapter(handler: HttpHandler, env: AzureAdapterEnv, routePath: string) {
  // The routes of this registration (one path), with their CORS and JWT settings: the shim applies them (no gateway does on Azure).
  const routes = frontRoutes(env.meta.events).filter((r) => '/' + r.path.replace(/^\/+/, '') === routePath);
  const guarded = needsFrontDoor(routes);
  return async (request: AzHttpRequest, ictx: InvocationContext): Promise<HttpResponseInit> => {
    const ctx = contextOf(env, ictx);
    const url = new URL(request.url);
    const { path, params } = routedPath(routePath, url.pathname);
    const door = guarded ? await frontDoor(routes, { method: request.method, path, headers: normalizeHeaders(request.headers) }, { verifier: jwtVerifierOf(env), warn: (m, d) => ctx.log.warn(m, d) }) : undefined;
    if (door?.answer) return toAzureResponse(door.answer);
    const bytes = new Uint8Array(await request.arrayBuffer());
    const req = createHttpRequest({
      method: request.method,
      path,
      // Decoded once from the raw URL, like the other clouds; the host's params fill any gap.
      pathParams: { ...request.params, ...params },
      query: url.searchParams,
      headers: request.headers,
      body: bytes.length ? bytes : undefined,
      requestId: ictx.invocationId,
      sourceIp: clientIp(request.headers.get('x-forwarded-for') ?? request.headers.get('client-ip') ?? ''),
      auth: door?.auth,
    });
    const res = await runHttp(handler, req, ctx);
    return toAzureResponse(door ? door.finish(res) : res);
  };
}

/** One JWT key cache per function instance. */
const jwtVerifiers = new WeakMap<AzureAdapterEnv, JwtVerifier>();
function jwtVerifierOf(env: AzureAdapterEnv): JwtVerifier {
  let v = jwtVerifiers.get(env);
  if (!v) jwtVerifiers.set(env, (v = createJwtVerifier({ fetch: env.opts.fetch, now: env.opts.now })));
  return v;
}

/** The suffix of `pathname` the route template matches (drops any route prefix). */
function routedPath(template: string, pathname: string): { path: string; params: Record<string, string> } {
  const segs = pathname.split('/').filter((s, i) => i > 0 || s !== '');
  for (let i = 0; i <= segs.length; i++) {
    const candidate = '/' + segs.slice(i).join('/');
    const params = matchRoute(template, candidate);
    if (params) return { path: candidate, params };
  }
  return { path: pathname, params: {} };
}

/** `x-forwarded-for` may hold a chain and a port (`1.2.3.4:5678`); keep the client address. */
function clientIp(forwarded: string): string {
  const first = forwarded.split(',')[0]?.trim() ?? '';
  const v4port = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(first);
  return v4port ? v4port[1] : first;
}

/**
 * A normalized response as the library's `HttpResponseInit`. Cookies go in `cookies`: the
 * worker turns headers into a map, so repeated `set-cookie` headers would keep only the last.
 */
export function toAzureResponse(res: NormalizedResponse): HttpResponseInit {
  const out: HttpResponseInit = { status: res.status, headers: { ...res.headers } };
  if (res.cookies.length) out.cookies = res.cookies.map(parseSetCookie);
  if (res.body !== undefined) out.body = res.body;
  return out;
}

/** A `Set-Cookie` value (`name=value; Path=/; HttpOnly; ...`) as the library's `Cookie`. */
export function parseSetCookie(header: string): Cookie {
  const [pair, ...attrs] = header.split(';');
  const eq = pair.indexOf('=');
  const cookie: Cookie = { name: (eq < 0 ? pair : pair.slice(0, eq)).trim(), value: eq < 0 ? '' : pair.slice(eq + 1).trim() };
  for (const attr of attrs) {
    const i = attr.indexOf('=');
    const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
    const val = i < 0 ? '' : attr.slice(i + 1).trim();
    if (key === 'domain') cookie.domain = val;
    else if (key === 'path') cookie.path = val;
    else if (key === 'expires' && !Number.isNaN(Date.parse(val))) cookie.expires = new Date(val);
    else if (key === 'max-age' && Number.isFinite(Number(val))) cookie.maxAge = Number(val);
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'samesite') {
      const v = val.toLowerCase();
      cookie.sameSite = v === 'strict' ? 'Strict' : v === 'lax' ? 'Lax' : v === 'none' ? 'None' : undefined;
    }
  }
  return cookie;
}

/** `app.storageQueue` handler: one message per invocation; any failure throws so it is retried. */
export function azureQueueAdapter(handler: QueueHandler, env: AzureAdapterEnv) {
  return async (item: unknown, ictx: InvocationContext): Promise<void> => {
    const ctx = contextOf(env, ictx);
    const md = (ictx.triggerMetadata ?? {}) as Json;
    // Bytes (dataType binary) as sent; a string as is. An object means a host that parsed the
    // message anyway: re-stringified, the closest text there is.
    let body: string | Uint8Array = typeof item === 'string' ? item : item instanceof Uint8Array ? new Uint8Array(item) : JSON.stringify(item);
    let attributes: Record<string, string> = {};
    // A message sent with attributes by the queue client is an envelope: open it.
    const bytes = typeof body !== 'string' ? body : body.startsWith(ENVELOPE_PREFIX) ? new TextEncoder().encode(body) : undefined;
    const opened = bytes && openEnvelope(bytes);
    if (opened && opened.opened) ({ body, attributes } = opened);
    const msg = createQueueMessage({
      id: String(md.id ?? ictx.invocationId),
      body,
      attributes,
      attempt: Number(md.dequeueCount ?? 1),
      enqueuedAt: md.insertionTime,
    });
    const outcome = await runQueue(handler, [msg], ctx);
    if (outcome.error !== undefined) throw outcome.error;
    if (outcome.failed.length) throw new Error(`queue message ${msg.id} failed; it will be retried, then moved to the poison queue`);
  };
}

/** `app.timer` handler for one schedule event. */
export function azureTimerAdapter(handler: ScheduleHandler, env: AzureAdapterEnv, spec: Pick<ScheduleEventSpec, 'expression' | 'input'>) {
  return async (timer: Timer, ictx: InvocationContext): Promise<void> => {
    const ctx = contextOf(env, ictx);
    if (timer?.isPastDue) ctx.log.warn('timer is past due: this run is late');
    const ev = createScheduleEvent({ id: ictx.invocationId, expression: spec.expression, input: spec.input, now: env.opts.now });
    await handler(ev, ctx);
  };
}

/**
 * `app.eventGrid` handler for Blob Storage events (Event Grid or CloudEvents schema):
 * `Microsoft.Storage.BlobCreated` -> created, `BlobDeleted` -> deleted; others are acknowledged.
 */
export function azureEventGridAdapter(handler: StorageHandler, env: AzureAdapterEnv) {
  return async (event: unknown, ictx: InvocationContext): Promise<void> => {
    const ctx = contextOf(env, ictx);
    const ev = blobEvent(event as Json);
    if (!ev) {
      ctx.log.warn('event type not handled by this function; acknowledged', { type: (event as Json)?.eventType ?? (event as Json)?.type });
      return;
    }
    await handler([ev], ctx);
  };
}

/** A Blob Storage Event Grid event as a neutral storage event (undefined for other types). */
export function blobEvent(e: Json): StorageEvent | undefined {
  const type = String(e?.eventType ?? e?.type ?? '');
  const kind = type === 'Microsoft.Storage.BlobCreated' ? 'created' : type === 'Microsoft.Storage.BlobDeleted' ? 'deleted' : undefined;
  if (!kind) return undefined;
  // subject: /blobServices/default/containers/<container>/blobs/<name> (the name is not URL-encoded)
  const m = /^\/blobServices\/default\/containers\/([^/]+)\/blobs\/(.+)$/.exec(String(e.subject ?? ''));
  let bucket = m?.[1];
  let key = m?.[2];
  if (!m && typeof e.data?.url === 'string') {
    const u = new URL(e.data.url);
    const [, container, ...rest] = u.pathname.split('/');
    bucket = container;
    key = decodeURIComponent(rest.join('/'));
  }
  return createStorageEvent({
    bucket: bucket ?? '',
    key: key ?? '',
    type: kind,
    size: kind === 'created' ? e.data?.contentLength : undefined,
    etag: e.data?.eTag,
    time: e.eventTime ?? e.time,
  });
}
