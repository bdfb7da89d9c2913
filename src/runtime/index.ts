/**
 * `sls-x/runtime`: the neutral handler API. Write a function once against these types and sls-x
 * runs it on AWS Lambda, Azure Functions, Google Cloud Functions or the local cloud; a thin
 * per-cloud shim turns each native event into these shapes and the result back.
 *
 * No dependencies, nothing cloud-specific: importing this module costs nothing at cold start.
 *
 * @example
 * ```ts
 * import { http, json } from 'sls-x/runtime';
 * export const handler = http(async (req, ctx) => {
 *   ctx.log.info('get order', { id: req.pathParams.id });
 *   return json(200, { id: req.pathParams.id });
 * });
 * ```
 * @module
 */

import { bucketClient, queueClient, type BucketClient, type QueueClient } from './resources.js';
import { tableClient, type TableClient, type TableItem } from './tables.js';

/** Where a function runs. */
export type Target = 'aws' | 'azure' | 'gcp' | 'local';

/** Extra structured fields of a log line; must be JSON-serializable (Errors are expanded). */
export type LogData = Record<string, unknown>;

/**
 * Structured logger. Each call writes exactly ONE JSON line to stdout:
 * `{"time":"<ISO>","level":"info","fn":"<function>","requestId":"<id>","msg":"...","data":{...}}`.
 */
export interface Logger {
  /** Verbose diagnostics. */
  debug(msg: string, data?: LogData): void;
  /** Normal operational messages. */
  info(msg: string, data?: LogData): void;
  /** Something unexpected that the function recovered from. */
  warn(msg: string, data?: LogData): void;
  /** A failure. Pass the error in `data` (e.g. `{ err }`) to log its message and stack. */
  error(msg: string, data?: LogData): void;
}

/** What every handler receives next to its event: who it is, how long it has left, a logger. */
export interface Context {
  /** The function's name as written under `functions:` in faas.yaml. */
  functionName: string;
  /** Id of this invocation as the platform knows it (Lambda request id, Azure invocation id, ...). */
  requestId: string;
  /** The target this invocation runs on. */
  target: Target;
  /** Region the function runs in, when known. */
  region?: string;
  /** True only for the first invocation handled by this instance (module load). */
  coldStart: boolean;
  /** Epoch milliseconds after which the platform stops this invocation. */
  deadline: number;
  /** Milliseconds left before `deadline` (never negative). */
  remainingMs(): number;
  /** Structured logger bound to this function and request. */
  log: Logger;
}

/** An HTTP request, the same on every cloud. */
export interface HttpRequest {
  /** Upper-case method, e.g. `GET`. */
  method: string;
  /** Path as routed, without the query string, e.g. `/orders/42` (decoded segments are in `pathParams`). */
  path: string;
  /** Values of the `{name}` / `{name+}` parts of the route in faas.yaml, URL-decoded. */
  pathParams: Record<string, string>;
  /** Query parameters; a repeated parameter's values are joined with `,` (see `queryAll`). */
  query: Record<string, string>;
  /** Every value of every query parameter, in order. */
  queryAll: Record<string, string[]>;
  /** Headers with lower-case names; repeated headers joined with `, ` (cookies with `; `). */
  headers: Record<string, string>;
  /** Body as UTF-8 text (base64 bodies are decoded first); absent when the request has none. */
  body?: string;
  /** Body as raw bytes (empty when there is none): use for binary uploads. */
  bytes(): Uint8Array;
  /** Body parsed as JSON; throws an {@link HttpError} 400 when it is missing or not valid JSON. */
  json<T = unknown>(): T;
  /** Id of the request at the HTTP front door (API Gateway request id, execution id, ...). */
  requestId: string;
  /** Client IP address as the platform reports it (may be a placeholder in tests). */
  sourceIp: string;
  /**
   * The verified token of a route with `auth: { jwt }` in faas.yaml (absent on other routes: a
   * request without a valid token never reaches the handler).
   */
  auth?: HttpAuth;
}

/** A verified JWT, as {@link HttpRequest.auth}. */
export interface HttpAuth {
  /** Every claim of the token (`sub`, `iss`, `aud`, `exp`, your provider's own), as the token holds them. */
  claims: Record<string, unknown>;
  /** The token's scopes (its `scope` or `scp` claim). */
  scopes: string[];
}

/**
 * An HTTP response. Return one from an {@link HttpHandler} to control status and headers.
 * Anything else you return is sent as `200` JSON (`undefined`/`null` as `204`, a bare string as
 * `200 text/plain`).
 */
export interface HttpResponse {
  /** Status code, 100-599. */
  status: number;
  /** Response headers. A `content-type` is added when missing. */
  headers?: Record<string, string>;
  /** `Set-Cookie` values, one per cookie. */
  cookies?: string[];
  /**
   * A string is sent as is; a `Uint8Array` as binary; any other value as JSON. With `isBase64`,
   * a string body is base64 that is decoded and sent as binary.
   */
  body?: unknown;
  /** Set when `body` is a base64 string holding binary data. */
  isBase64?: boolean;
}

/** One message of a queue batch. */
export interface QueueMessage {
  /** The platform's message id: the value to list in `{ failed }`. */
  id: string;
  /** Payload as UTF-8 text. */
  body: string;
  /** Payload as raw bytes. */
  bytes(): Uint8Array;
  /** Payload parsed as JSON; throws a SyntaxError when it is not JSON. */
  json<T = unknown>(): T;
  /** Delivery attempt, 1 for the first delivery. */
  attempt: number;
  /** String attributes sent with the message (SQS message attributes, Pub/Sub attributes). */
  attributes: Record<string, string>;
  /** ISO time the message was first enqueued. */
  enqueuedAt: string;
}

/** Partial batch failure: only the listed message ids are retried (then dead-lettered). */
export interface QueueResult {
  /** Ids of the messages that failed. */
  failed: string[];
}

/** A scheduled (cron or rate) invocation. */
export interface ScheduleEvent {
  /** Id of this firing, when the platform gives one. */
  id: string;
  /** ISO time of the firing (scheduled time where the platform reports it). */
  time: string;
  /** The schedule expression from faas.yaml, when the function has exactly one. */
  expression?: string;
  /** The `input` set on the schedule in faas.yaml, if any. */
  input?: unknown;
}

/** One object created in or deleted from a bucket. */
export interface StorageEvent {
  /** Bucket (container) name as the cloud names it: use it with the cloud's SDK. */
  bucket: string;
  /** Object key, decoded (`images/a b.jpg`, never `images/a+b.jpg` or `%20`). */
  key: string;
  /** Size in bytes, when known (not on deletes). */
  size?: number;
  /** Entity tag, when known. */
  etag?: string;
  /** What happened to the object. */
  type: 'created' | 'deleted';
  /** ISO time of the event, when known. */
  time?: string;
}

/** A value or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/** Handles HTTP requests; return an {@link HttpResponse} or any JSON value. */
export type HttpHandler = (req: HttpRequest, ctx: Context) => MaybePromise<HttpResponse | unknown>;
/**
 * Handles a batch of queue messages. Throwing fails (retries) the whole batch; returning
 * `{ failed: [ids] }` fails only those messages.
 */
export type QueueHandler = (msgs: QueueMessage[], ctx: Context) => MaybePromise<void | QueueResult>;
/** Handles a scheduled invocation. Throwing marks the run failed (and may retry it, per cloud). */
export type ScheduleHandler = (ev: ScheduleEvent, ctx: Context) => MaybePromise<void>;
/** Handles storage events (one or more per invocation, depending on the cloud). */
export type StorageHandler = (evs: StorageEvent[], ctx: Context) => MaybePromise<void>;

/**
 * Throw from an HTTP handler to answer with that status and `{ "error": message }`. Other errors
 * become a `500` whose body never contains the message or stack (those go to the log).
 */
export class HttpError extends Error {
  /** The HTTP status to answer with. */
  readonly status: number;
  /** Extra headers to send. */
  readonly headers?: Record<string, string>;

  /**
   * @param status HTTP status, 400-599.
   * @param message Safe, user-facing message, sent in the response body.
   * @param headers Optional extra response headers.
   */
  constructor(status: number, message: string, headers?: Record<string, string>) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
  }
}

/** Types an HTTP handler: `export const handler = http(async (req, ctx) => ...)`. */
export function http<T extends HttpHandler>(fn: T): T {
  return fn;
}

/**
 * `queue('orders')`: a client for the queue `orders` declared in this function's `sends:`
 * (`.send(body, { delay, attributes, dedupeId })`, `.sendBatch([...])`).
 * `queue(async (msgs, ctx) => ...)`: types a queue handler.
 *
 * @example
 * ```ts
 * await queue('orders').send({ id: order.id });            // JSON
 * await queue('images').send(bytes, { delay: 30 });       // binary, byte for byte
 * ```
 */
export function queue(name: string): QueueClient;
export function queue<T extends QueueHandler>(fn: T): T;
export function queue<T extends QueueHandler>(arg: string | T): QueueClient | T {
  return typeof arg === 'string' ? queueClient(arg) : arg;
}

/**
 * A client for the bucket `name` declared in this function's `buckets:` (`put`, `get`, `head`,
 * `delete`, `list`, `signedUrl`).
 *
 * @example
 * ```ts
 * await bucket('receipts').put(`orders/${id}.json`, { id, total });
 * const obj = await bucket('receipts').get(`orders/${id}.json`); // obj?.json()
 * ```
 */
export function bucket(name: string): BucketClient {
  return bucketClient(name);
}

/**
 * A client for the key-value table `name` declared in faas.yaml (`tables:`) and in this
 * function's `tables:` (`get`, `put` with `ifAbsent`/`ifExists`, `delete`, `query` by key
 * prefix, `scan`), the same on every target.
 *
 * @example
 * ```ts
 * const todos = table<{ id: string; title: string; done: boolean }>('todos');
 * await todos.put({ id: 't1', title: 'write docs', done: false }, { ifAbsent: true });
 * const page = await todos.query({ prefix: 'user-1:', limit: 50 });
 * ```
 */
export function table<T extends TableItem = TableItem>(name: string): TableClient<T> {
  return tableClient<T>(name);
}

/** Types a schedule handler: `export const nightly = schedule(async (ev, ctx) => ...)`. */
export function schedule<T extends ScheduleHandler>(fn: T): T {
  return fn;
}

/** Types a storage handler: `export const thumbnail = storage(async (evs, ctx) => ...)`. */
export function storage<T extends StorageHandler>(fn: T): T {
  return fn;
}

/**
 * A JSON response.
 * @example `return json(201, { id }, { location: `/orders/${id}` })`
 */
export function json(status: number, body: unknown, headers?: Record<string, string>): HttpResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

/** A plain-text response. */
export function text(status: number, body: string, headers?: Record<string, string>): HttpResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body };
}

export type {
  BatchEntry,
  BucketClient,
  BucketObject,
  ListResult,
  MessageBody,
  ObjectInfo,
  QueueClient,
  SendBatchResult,
  SendOptions,
} from './resources.js';
export type { PutOptions, TableClient, TableItem, TablePage } from './tables.js';
