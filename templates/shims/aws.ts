/**
 * AWS Lambda shim: turns API Gateway HTTP API (payload 2.0) / Function URL, SQS, S3,
 * EventBridge Scheduler and classic `Scheduled Event` payloads into the neutral API of
 * `sls-x/runtime`, and the handler's result back into what Lambda expects.
 *
 * The generated entry calls `createAwsHandler(userExport, meta)` once per module load and
 * exports the result as the Lambda handler. No AWS SDK is needed here.
 */
import type { BakedMeta, ShimMeta } from '../../src/model/shim.js';
import { installResourceDriver } from '../../src/runtime/resources.js';
import { awsResources } from './common/aws-resources.js';
import type { ScheduleEventSpec } from '../../src/model/service.js';
import type { HttpAuth, HttpHandler, QueueHandler, ScheduleHandler, StorageHandler, Context, StorageEvent } from '../../src/runtime/index.js';
import {
  assertHandler,
  contextFor,
  createColdStartFlag,
  createHttpRequest,
  createQueueMessage,
  createScheduleEvent,
  createStorageEvent,
  decodeFormKey,
  hasEvent,
  httpRoutes,
  randomId,
  resolveRoute,
  routeErrorResponse,
  runHttp,
  runQueue,
  secretIds,
  secretsOnce,
  bearerToken,
  decodePayload,
  tokenScopes,
  soleSchedule,
  type NormalizedResponse,
  type SecretLoader,
  type ShimOptions,
  resolveMeta,
} from '../../src/runtime/shim-kit.js';
import { dict } from '../../src/runtime/dict.js';

/**
 * Secrets Manager through the AWS SDK v3 that the Lambda Node.js runtime provides (a
 * non-literal import: esbuild leaves it out of the bundle). Region from the Lambda environment.
 */
const secretsManager: SecretLoader = async (ids) => {
  const spec = '@aws-sdk/client-secrets-manager';
  const sdk = (await import(spec)) as {
    SecretsManagerClient: new (config: object) => { send(command: unknown): Promise<{ SecretString?: string }> };
    GetSecretValueCommand: new (input: { SecretId: string }) => unknown;
  };
  const client = new sdk.SecretsManagerClient({});
  const entries = await Promise.all(
    Object.entries(ids).map(async ([name, id]) => [name, (await client.send(new sdk.GetSecretValueCommand({ SecretId: id }))).SecretString] as const),
  );
  return Object.fromEntries(entries.filter((e): e is readonly [string, string] => typeof e[1] === 'string'));
};

/** The part of the Lambda context object the shim reads. */
interface LambdaContextLike {
  awsRequestId?: string;
  getRemainingTimeInMillis?: () => number;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Payload 2.0 response (API Gateway HTTP API and Function URLs). */
export interface AwsHttpResult {
  statusCode: number;
  headers: Record<string, string>;
  cookies?: string[];
  body?: string;
  isBase64Encoded: boolean;
}

/** Marker the shim recognizes in an EventBridge Scheduler target input (see {@link awsSchedulerInput}). */
export const SCHEDULER_MARKER = 'sls-x.schedule';

/**
 * The `Input` the aws adapter should set on an EventBridge Scheduler target: a JSON template
 * that Scheduler fills with its context attributes, so the handler gets the real scheduled time
 * and execution id.
 */
export function awsSchedulerInput(spec: Pick<ScheduleEventSpec, 'expression' | 'input'>): string {
  return JSON.stringify({
    source: SCHEDULER_MARKER,
    id: '<aws.scheduler.execution-id>',
    time: '<aws.scheduler.scheduled-time>',
    expression: spec.expression,
    ...(spec.input === undefined ? {} : { input: spec.input }),
  });
}

/**
 * Wraps a neutral handler as a Lambda handler for the events in `meta`.
 * @param handler the user's export (an HttpHandler, QueueHandler, ScheduleHandler or StorageHandler)
 * @param meta what the bundler baked into the entry
 * @param opts test seams (clock, log sink)
 */
export function createAwsHandler(
  handler: Function, // eslint-disable-line @typescript-eslint/no-unsafe-function-type
  baked: BakedMeta | ShimMeta,
  opts: ShimOptions = {},
): (event: unknown, context: unknown) => Promise<unknown> {
  assertHandler(handler, baked);
  const meta: ShimMeta = resolveMeta(baked) as ShimMeta;
  // queue(name) / bucket(name) in the handler: SQS and S3 with the function's role.
  installResourceDriver(awsResources());
  const isCold = createColdStartFlag();
  const now = opts.now ?? Date.now;
  // `secrets:` arrive as Secrets Manager ids (SLSX_SECRETS); their values go into process.env
  // before the first invocation, so handlers read them like any other variable.
  const loadSecrets = secretsOnce(secretIds(process.env.SLSX_SECRETS), opts.loadSecrets ?? secretsManager);
  return async (event, context) => {
    await loadSecrets();
    const lc = (context ?? {}) as LambdaContextLike;
    const remaining = typeof lc.getRemainingTimeInMillis === 'function' ? lc.getRemainingTimeInMillis() : meta.timeoutMs;
    const ctx = contextFor(meta, opts, {
      requestId: lc.awsRequestId ?? randomId(),
      coldStart: isCold(),
      deadline: now() + remaining,
    });
    const ev = (event ?? {}) as Json;
    switch (classifyAwsEvent(ev)) {
      case 'http':
        return handleHttp(handler as HttpHandler, ev, ctx, meta);
      case 'sqs':
        return handleSqs(handler as QueueHandler, ev, ctx);
      case 'storage':
        return handleStorage(handler as StorageHandler, awsStorageEvents(ev), ctx);
      case 'schedule':
        return (handler as ScheduleHandler)(awsScheduleEvent(ev, meta, now), ctx);
      default:
        if (hasEvent(meta, 'schedule')) return (handler as ScheduleHandler)(awsScheduleEvent(ev, meta, now), ctx);
        throw new Error(
          `sls-x: function "${meta.functionName}" received an event it does not recognize (keys: ${Object.keys(ev).slice(0, 8).join(', ') || 'none'})`,
        );
    }
  };
}

/** What kind of native event this is. */
export function classifyAwsEvent(ev: Json): 'http' | 'sqs' | 'storage' | 'schedule' | 'unknown' {
  if (ev.version === '2.0' && ev.requestContext?.http) return 'http';
  const source = Array.isArray(ev.Records) ? ev.Records[0]?.eventSource : undefined;
  if (source === 'aws:sqs') return 'sqs';
  if (source === 'aws:s3') return 'storage';
  if (ev.source === 'aws.s3' && /^Object (Created|Deleted)$/.test(ev['detail-type'])) return 'storage';
  if (ev.source === 'aws.events' && ev['detail-type'] === 'Scheduled Event') return 'schedule';
  if (ev.source === SCHEDULER_MARKER) return 'schedule';
  return 'unknown';
}

async function handleHttp(handler: HttpHandler, ev: Json, ctx: Context, meta: ShimMeta): Promise<AwsHttpResult> {
  const rc = ev.requestContext as Json;
  const method = String(rc.http.method ?? 'GET');
  const path = stripStage(String(ev.rawPath ?? rc.http.path ?? '/'), rc.stage);
  let pathParams: Record<string, string> | undefined = ev.pathParameters ?? undefined;
  const routes = httpRoutes(meta);
  if (!pathParams && routes.length) {
    // Function URLs and `$default` routes carry no pathParameters: route like API Gateway would.
    const found = resolveRoute(routes, method, path);
    if (found.outcome !== 'matched') return toAwsHttpResult(routeErrorResponse(found));
    pathParams = found.params;
  }
  const req = createHttpRequest({
    method,
    path,
    pathParams,
    query: typeof ev.rawQueryString === 'string' ? ev.rawQueryString : ev.queryStringParameters,
    // Payload 2.0 moves cookies out of the headers; when both exist they hold the same cookies.
    headers: { ...ev.headers, ...(ev.cookies?.length ? { cookie: undefined, Cookie: undefined } : {}) },
    cookies: ev.cookies,
    body: ev.body ?? undefined,
    bodyIsBase64: ev.isBase64Encoded === true,
    requestId: String(rc.requestId ?? ctx.requestId),
    sourceIp: String(rc.http.sourceIp ?? ''),
    auth: awsAuth(rc.authorizer?.jwt, ev.headers),
  });
  return toAwsHttpResult(await runHttp(handler, req, ctx));
}

/**
 * `req.auth` from API Gateway's JWT authorizer (`requestContext.authorizer.jwt`), which verified
 * the token. API Gateway hands the claims over as strings; the token it verified is the one in
 * `Authorization`, so its own payload gives the claims with their JSON types, as on the other
 * targets (used only when it is the same token: same `iss` and `exp`).
 */
export function awsAuth(jwt: Json | undefined, headers: Json | undefined): HttpAuth | undefined {
  if (!jwt || typeof jwt !== 'object') return undefined;
  const given = (jwt.claims && typeof jwt.claims === 'object' ? jwt.claims : {}) as Record<string, unknown>;
  const header = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  const token = bearerToken(typeof header === 'string' ? header : undefined);
  const payload = token ? decodePayload(token) : undefined;
  const same = payload !== undefined && String(payload.iss) === String(given.iss) && String(payload.exp) === String(given.exp);
  const claims = dict<unknown>();
  Object.assign(claims, same ? payload : given);
  const scopes = Array.isArray(jwt.scopes) ? jwt.scopes.filter((x: unknown): x is string => typeof x === 'string') : tokenScopes(claims);
  return { claims, scopes };
}

function stripStage(path: string, stage: unknown): string {
  if (typeof stage !== 'string' || stage === '$default' || !stage) return path;
  const prefix = `/${stage}`;
  return path === prefix ? '/' : path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path;
}

/** A normalized response as payload 2.0: binary bodies base64-encoded, cookies separate. */
export function toAwsHttpResult(res: NormalizedResponse): AwsHttpResult {
  const out: AwsHttpResult = { statusCode: res.status, headers: res.headers, isBase64Encoded: false };
  if (res.cookies.length) out.cookies = res.cookies;
  if (typeof res.body === 'string') out.body = res.body;
  else if (res.body) {
    out.body = Buffer.from(res.body).toString('base64');
    out.isBase64Encoded = true;
  }
  return out;
}

async function handleSqs(handler: QueueHandler, ev: Json, ctx: Context): Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }> {
  const msgs = (ev.Records as Json[]).map((r) =>
    createQueueMessage({
      id: String(r.messageId),
      body: String(r.body ?? ''),
      attempt: Number(r.attributes?.ApproximateReceiveCount ?? 1),
      attributes: sqsAttributes(r.messageAttributes),
      enqueuedAt: r.attributes?.SentTimestamp,
    }),
  );
  const outcome = await runQueue(handler, msgs, ctx);
  // A throw fails the whole batch; rethrowing also counts it as a function error in metrics.
  if (outcome.error !== undefined) throw outcome.error;
  // Needs FunctionResponseTypes: [ReportBatchItemFailures] on the event source mapping.
  return { batchItemFailures: outcome.failed.map((id) => ({ itemIdentifier: id })) };
}

/** SQS message attributes as plain strings (binary values stay base64). */
export function sqsAttributes(raw: unknown): Record<string, string> {
  const out = dict<string>();
  for (const [name, attr] of Object.entries((raw ?? {}) as Record<string, Json>)) {
    const value = attr?.stringValue ?? attr?.binaryValue;
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

async function handleStorage(handler: StorageHandler, evs: StorageEvent[], ctx: Context): Promise<void> {
  if (evs.length === 0) {
    ctx.log.debug('no created/deleted objects in this notification; handler not called');
    return;
  }
  await handler(evs, ctx);
}

/** S3 notifications (and EventBridge S3 events) as neutral storage events; other kinds dropped. */
export function awsStorageEvents(ev: Json): StorageEvent[] {
  if (ev.source === 'aws.s3') {
    const d = ev.detail ?? {};
    return [
      createStorageEvent({
        bucket: String(d.bucket?.name ?? ''),
        key: String(d.object?.key ?? ''),
        type: ev['detail-type'] === 'Object Created' ? 'created' : 'deleted',
        size: d.object?.size,
        etag: d.object?.etag,
        time: ev.time,
      }),
    ];
  }
  return (ev.Records as Json[]).flatMap((r) => {
    const name = String(r.eventName ?? '');
    const type = name.startsWith('ObjectCreated:') ? 'created' : name.startsWith('ObjectRemoved:') ? 'deleted' : undefined;
    if (!type) return [];
    return [
      createStorageEvent({
        bucket: String(r.s3?.bucket?.name ?? ''),
        key: decodeFormKey(String(r.s3?.object?.key ?? '')),
        type,
        size: r.s3?.object?.size,
        etag: r.s3?.object?.eTag,
        time: r.eventTime,
      }),
    ];
  });
}

/** A schedule firing from a classic Scheduled Event, a Scheduler input we set, or anything else. */
export function awsScheduleEvent(ev: Json, meta: ShimMeta, now: () => number = Date.now) {
  const sole = soleSchedule(meta);
  if (ev.source === SCHEDULER_MARKER) {
    return createScheduleEvent({
      id: String(ev.id ?? randomId()),
      time: ev.time,
      expression: ev.expression ?? sole.expression,
      input: ev.input ?? sole.input,
      now,
    });
  }
  if (ev.source === 'aws.events') {
    return createScheduleEvent({ id: String(ev.id ?? randomId()), time: ev.time, ...sole, now });
  }
  // Scheduler with a custom input: that input is the payload.
  const input = Object.keys(ev).length ? ev : sole.input;
  return createScheduleEvent({ id: randomId(), expression: sole.expression, input, now });
}
