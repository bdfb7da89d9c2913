/**
 * Google Cloud Functions (2nd gen) shim: registers the neutral handler with
 * @google-cloud/functions-framework under `meta.functionName` (the deploy's entry point).
 *
 * - Functions with queue or storage events (and no http event) register a CloudEvent function:
 *   Pub/Sub `messagePublished` -> queue messages, Cloud Storage `finalized`/`deleted` -> storage
 *   events, Cloud Scheduler `executed` or a Pub/Sub message on a schedule-only function -> schedule.
 *   A failure throws, so the framework answers 500 and Pub/Sub / Eventarc redeliver.
 * - Every other function registers an HTTP function: requests are routed against the function's
 *   http events; a request from Cloud Scheduler (`X-CloudScheduler` header, or any request to a
 *   schedule-only function) fires the schedule handler; a CloudEvent sent over HTTP (binary or
 *   structured mode) is dispatched like in a CloudEvent function.
 */
import { cloudEvent as registerCloudEvent, http as registerHttp } from '@google-cloud/functions-framework';
import type { CloudEvent, Request, Response } from '@google-cloud/functions-framework';
import type { BakedMeta, ShimMeta } from '../../src/model/shim.js';
import { installResourceDriver } from '../../src/runtime/resources.js';
import { gcpResources } from './common/gcp-resources.js';
import type { StorageEventSpec } from '../../src/model/service.js';
import type { Context, HttpHandler, QueueHandler, ScheduleHandler, StorageHandler } from '../../src/runtime/index.js';
import {
  assertHandler,
  contextFor,
  createColdStartFlag,
  createHttpRequest,
  createQueueMessage,
  createScheduleEvent,
  createStorageEvent,
  wantsStorageEvent,
  hasEvent,
  frontDoor,
  frontRoutes,
  createJwtVerifier,
  normalizeHeaders,
  randomId,
  runHttp,
  runQueue,
  soleSchedule,
  type JwtVerifier,
  type NormalizedResponse,
  type ShimOptions,
  resolveMeta,
} from '../../src/runtime/shim-kit.js';
import type { VerifiedAuth } from '../../src/runtime/jwt.js';
import { dict } from '../../src/runtime/dict.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const PUBSUB_PUBLISHED = 'google.cloud.pubsub.topic.v1.messagePublished';
export const STORAGE_FINALIZED = 'google.cloud.storage.object.v1.finalized';
export const STORAGE_DELETED = 'google.cloud.storage.object.v1.deleted';
export const SCHEDULER_EXECUTED = 'google.cloud.scheduler.job.v1.executed';
/** Pub/Sub attribute that marks a message as a schedule firing on a function that also has queue events. */
export const SCHEDULE_ATTRIBUTE = 'slsx-schedule';

/** Which functions-framework signature a function registers with. */
export function gcpSignature(meta: Pick<ShimMeta, 'events'>): 'http' | 'cloudevent' {
  const kinds = new Set(meta.events.map((e) => e.kind));
  return !kinds.has('http') && (kinds.has('queue') || kinds.has('storage')) ? 'cloudevent' : 'http';
}

/**
 * Registers the neutral handler with the functions framework under `meta.functionName`.
 * @param handler the user's export
 * @param meta what the bundler baked into the entry
 * @param opts test seams (clock, log sink)
 */
export function registerGcpFunction(
  handler: Function, // eslint-disable-line @typescript-eslint/no-unsafe-function-type
  baked: BakedMeta | ShimMeta,
  opts: ShimOptions = {},
): void {
  assertHandler(handler, baked);
  const meta: ShimMeta = resolveMeta(baked) as ShimMeta;
  // queue(name) / bucket(name) in the handler: Pub/Sub and Cloud Storage as the function's service account.
  installResourceDriver(gcpResources());
  const isCold = createColdStartFlag();
  const newContext = (requestId: string): Context => contextFor(meta, opts, { requestId, coldStart: isCold() });
  // One key cache per instance for the routes with `auth: { jwt }`.
  const verifier = createJwtVerifier({ fetch: opts.fetch, now: opts.now });
  if (gcpSignature(meta) === 'cloudevent') {
    registerCloudEvent(meta.functionName, async (ce: CloudEvent<unknown>) => {
      await dispatchCloudEvent(handler, meta, ce as unknown as Json, newContext(String(ce.id ?? randomId())), opts);
    });
    return;
  }
  registerHttp(meta.functionName, async (req: Request, res: Response) => {
    const ctx = newContext(String(req.executionId ?? req.header('function-execution-id') ?? randomId()));
    // A function with http events is public (allUsers invokes it): a request to it is never taken
    // as an event, whatever its headers or body say (validate refuses http mixed with events on gcp).
    const isPublic = hasEvent(meta, 'http');
    const ce = isPublic ? undefined : cloudEventFromHttp(req);
    if (ce && (hasEvent(meta, 'queue') || hasEvent(meta, 'storage') || hasEvent(meta, 'schedule'))) {
      return answerEvent(res, ctx, () => dispatchCloudEvent(handler, meta, ce, ctx, opts));
    }
    if (!isPublic && hasEvent(meta, 'schedule')) {
      const sole = soleSchedule(meta);
      const ev = createScheduleEvent({
        // One id per firing: the job and its scheduled time (a retry of that firing keeps it).
        id: schedulerFiringId(req.header('x-cloudscheduler-jobname'), req.header('x-cloudscheduler-scheduletime'), ctx.requestId),
        time: req.header('x-cloudscheduler-scheduletime') ?? undefined,
        expression: sole.expression,
        input: bodyInput(req.rawBody) ?? sole.input,
        now: opts.now,
      });
      return answerEvent(res, ctx, () => (handler as ScheduleHandler)(ev, ctx));
    }
    sendResponse(res, await handleHttp(handler as HttpHandler, meta, req, ctx, verifier));
  });
}

/** `<job>@<scheduled time>` when Cloud Scheduler says both, else the request's own id. */
export function schedulerFiringId(job: string | undefined, time: string | undefined, requestId: string): string {
  return job && time ? `${job}@${time}` : requestId;
}

async function handleHttp(handler: HttpHandler, meta: ShimMeta, req: Request, ctx: Context, verifier: JwtVerifier): Promise<NormalizedResponse> {
  const url = req.originalUrl ?? req.url;
  const q = url.indexOf('?');
  const path = req.path;
  let pathParams: Record<string, string> = dict<string>();
  let auth: VerifiedAuth | undefined;
  let finish = (res: NormalizedResponse): NormalizedResponse => res;
  // Cloud Functions has no gateway: routing, CORS and JWT verification happen here, before the handler.
  const routes = frontRoutes(meta.events);
  if (routes.length) {
    const door = await frontDoor(routes, { method: req.method, path, headers: normalizeHeaders(req.headers) }, { verifier, warn: (m, d) => ctx.log.warn(m, d) });
    if (door.answer) return door.answer;
    ({ params: pathParams, auth, finish } = door);
  }
  const request = createHttpRequest({
    method: req.method,
    path,
    pathParams,
    query: q >= 0 ? url.slice(q + 1) : '',
    headers: req.headers,
    body: req.rawBody && req.rawBody.length ? new Uint8Array(req.rawBody) : undefined,
    requestId: ctx.requestId,
    sourceIp: req.ip ?? req.socket?.remoteAddress ?? '',
    auth,
  });
  return finish(await runHttp(handler, request, ctx));
}

function sendResponse(res: Response, out: NormalizedResponse): void {
  res.status(out.status);
  for (const [k, v] of Object.entries(out.headers)) res.setHeader(k, v);
  if (out.cookies.length) res.setHeader('set-cookie', out.cookies);
  if (out.body === undefined) res.end();
  else res.end(typeof out.body === 'string' ? out.body : Buffer.from(out.body));
}

/** Runs an event handler inside an HTTP function: 204 on success, 500 (no details) on failure. */
async function answerEvent(res: Response, ctx: Context, run: () => Promise<unknown> | unknown): Promise<void> {
  try {
    await run();
    res.status(204).end();
  } catch (err) {
    ctx.log.error('event handler failed; the sender will retry', { err });
    res.status(500).json({ error: 'event handler failed', requestId: ctx.requestId });
  }
}

function bodyInput(raw: Buffer | undefined): unknown {
  if (!raw || raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A CloudEvent delivered to an HTTP function: binary mode (`ce-*` headers), structured mode, or
 * a raw Pub/Sub push body (`{ message, subscription }`) taken as a `messagePublished` event.
 */
export function cloudEventFromHttp(req: Request): Json | undefined {
  const type = String(req.header('content-type') ?? '');
  if (type.startsWith('application/cloudevents+json') && req.body && typeof req.body === 'object') return req.body as Json;
  const body = req.body as Json | undefined;
  if (body && typeof body === 'object' && !Buffer.isBuffer(body) && body.subscription && body.message?.messageId) {
    return { type: PUBSUB_PUBLISHED, id: body.message.messageId, time: body.message.publishTime, data: body };
  }
  if (!req.header('ce-specversion') || !req.header('ce-type')) return undefined;
  const ce: Json = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith('ce-') && typeof value === 'string') ce[name.slice(3)] = value;
  }
  ce.data = Buffer.isBuffer(req.body) ? bodyInput(req.body) : req.body;
  return ce;
}

/**
 * Runs the handler for one CloudEvent. Throws when the handler fails (or a message of the batch
 * is reported failed), which makes the framework answer 500 so the event is redelivered.
 */
export async function dispatchCloudEvent(
  handler: Function, // eslint-disable-line @typescript-eslint/no-unsafe-function-type
  meta: ShimMeta,
  ce: Json,
  ctx: Context,
  opts: ShimOptions = {},
): Promise<void> {
  const type = String(ce.type ?? '');
  const data = (typeof ce.data === 'string' ? safeJson(ce.data) : ce.data) as Json | undefined;
  if (type === PUBSUB_PUBLISHED) {
    const message = (data?.message ?? {}) as Json;
    const attributes = (message.attributes ?? {}) as Record<string, string>;
    const isSchedule = hasEvent(meta, 'schedule') && (!hasEvent(meta, 'queue') || SCHEDULE_ATTRIBUTE in attributes);
    if (isSchedule) {
      const sole = soleSchedule(meta);
      const text = typeof message.data === 'string' ? Buffer.from(message.data, 'base64') : undefined;
      const ev = createScheduleEvent({ id: String(message.messageId ?? ce.id), time: message.publishTime ?? ce.time, expression: sole.expression, input: bodyInput(text) ?? sole.input, now: opts.now });
      await (handler as ScheduleHandler)(ev, ctx);
      return;
    }
    const msg = pubsubMessage(data ?? {}, ce);
    const outcome = await runQueue(handler as QueueHandler, [msg], ctx);
    if (outcome.error !== undefined) throw outcome.error;
    if (outcome.failed.length) throw new Error(`queue message ${msg.id} failed; Pub/Sub will redeliver it`);
    return;
  }
  if (type === STORAGE_FINALIZED || type === STORAGE_DELETED) {
    const ev = createStorageEvent({
      bucket: String(data?.bucket ?? ce.bucket ?? ''),
      key: String(data?.name ?? ''),
      // The legacy `object.change` notification becomes `finalized` in the functions framework's
      // conversion; `resourceState: not_exists` says it was a deletion.
      type: type === STORAGE_FINALIZED && data?.resourceState !== 'not_exists' ? 'created' : 'deleted',
      size: data?.size,
      etag: data?.etag,
      time: ce.time,
    });
    // Eventarc filters by bucket only: apply the config's `on`, `prefix` and `suffix` here.
    const specs = meta.events.filter((e): e is StorageEventSpec => e.kind === 'storage');
    if (!wantsStorageEvent(specs, ev)) {
      ctx.log.debug('storage event outside this function\'s filters; acknowledged without calling the handler', { key: ev.key, type: ev.type });
      return;
    }
    await (handler as StorageHandler)([ev], ctx);
    return;
  }
  if (type === SCHEDULER_EXECUTED) {
    const sole = soleSchedule(meta);
    const custom = typeof data?.customData === 'string' ? Buffer.from(data.customData, 'base64') : undefined;
    const ev = createScheduleEvent({ id: String(ce.id ?? randomId()), time: ce.time, expression: sole.expression, input: bodyInput(custom) ?? sole.input, now: opts.now });
    await (handler as ScheduleHandler)(ev, ctx);
    return;
  }
  // Other storage changes (archived, metadataUpdated) and unknown types: acknowledge, but say so.
  ctx.log.warn('event type not handled by this function; acknowledged without calling the handler', { type });
}

/** A Pub/Sub `MessagePublishedData` as a neutral queue message (data is base64). */
export function pubsubMessage(data: Json, ce: Json = {}) {
  const message = (data.message ?? {}) as Json;
  return createQueueMessage({
    id: String(message.messageId ?? message.message_id ?? ce.id ?? randomId()),
    body: typeof message.data === 'string' ? new Uint8Array(Buffer.from(message.data, 'base64')) : '',
    attempt: Number(data.deliveryAttempt ?? message.deliveryAttempt ?? 1),
    attributes: { ...(message.attributes ?? {}) },
    enqueuedAt: message.publishTime ?? message.publish_time ?? ce.time,
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
