/**
 * Portable clients for the queues and buckets a service declares in faas.yaml: the same calls on
 * every target. A handler names the resource by its faas.yaml name; the physical name (SQS queue,
 * S3 bucket, local folder, ...) comes from the function's environment, set at deploy
 * (`SLSX_QUEUES` / `SLSX_BUCKETS`), and only for what the function declared (`sends:` and
 * `buckets:`): anything else is refused here with the declaration to add.
 *
 * The cloud calls themselves are made by a driver that the target's shim installs; its SDK is
 * imported on the first call, so a function that never sends pays nothing for it.
 */
import { dict } from './dict.js';
import type { TableDriver } from './tables.js';

/** What `send` accepts: text, raw bytes (round-trip byte for byte), or a value sent as JSON. */
export type MessageBody = string | Uint8Array | Record<string, unknown> | unknown[] | number | boolean | null;

export interface SendOptions {
  /** Seconds before the message is delivered (AWS at most 900; see docs/handler-api.md per target). */
  delay?: number;
  /** String attributes delivered with the message (`msg.attributes`). */
  attributes?: Record<string, string>;
  /** De-duplication id, where the target supports it (AWS FIFO queues); ignored elsewhere. */
  dedupeId?: string;
}

export interface BatchEntry extends SendOptions {
  body: MessageBody;
}

export interface SendBatchResult {
  /** Index in the input and the message id, for each message accepted. */
  sent: Array<{ index: number; id: string }>;
  /** Index in the input and why, for each message refused: never thrown away, never thrown. */
  failed: Array<{ index: number; error: string }>;
}

export interface QueueClient {
  /** The faas.yaml name. */
  readonly name: string;
  /** Send one message; resolves to its id. Throws when the target refuses it. */
  send(body: MessageBody, options?: SendOptions): Promise<{ id: string }>;
  /** Send many, in chunks of the target's batch limit; per-message failures are returned. */
  sendBatch(entries: Array<BatchEntry | MessageBody>): Promise<SendBatchResult>;
}

export interface ObjectInfo {
  key: string;
  size: number;
  etag?: string;
  contentType?: string;
  /** ISO time of the last write, when the target says. */
  lastModified?: string;
}

export interface BucketObject extends ObjectInfo {
  bytes(): Uint8Array;
  /** The content as UTF-8 text. */
  text(): string;
  json<T = unknown>(): T;
  /** The content as a web ReadableStream (of the bytes already read). */
  stream(): ReadableStream<Uint8Array>;
}

export interface ListResult {
  objects: ObjectInfo[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  cursor?: string;
}

export interface BucketClient {
  /** The faas.yaml name. */
  readonly name: string;
  /** Write an object (text, bytes, or a value stored as JSON). */
  put(key: string, data: MessageBody, options?: { contentType?: string }): Promise<ObjectInfo>;
  /** Read an object; `undefined` when there is none under `key`. */
  get(key: string): Promise<BucketObject | undefined>;
  /** An object's size, etag and type without its content; `undefined` when there is none. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Delete an object (no error when there is none). */
  delete(key: string): Promise<void>;
  /** Objects in key order, a page at a time. */
  list(options?: { prefix?: string; cursor?: string; limit?: number }): Promise<ListResult>;
  /** A URL anyone holding it can GET (download) or PUT (upload) until it expires. */
  signedUrl(key: string, options: { method: 'GET' | 'PUT'; expiresIn: number }): Promise<string>;
}

/** A message as drivers send it: text, with binary bodies base64-encoded and marked. */
export interface OutgoingMessage {
  body: string;
  attributes: Record<string, string>;
  delay?: number;
  dedupeId?: string;
}

/** What a target's shim installs: the cloud calls behind the clients. */
export interface ResourceDriver {
  /** Messages per batch call on this target (SQS 10). */
  readonly maxBatch: number;
  sendBatch(queue: ResourceRef, messages: OutgoingMessage[]): Promise<Array<{ id?: string; error?: string }>>;
  put(bucket: ResourceRef, key: string, data: Uint8Array, contentType: string | undefined): Promise<ObjectInfo>;
  get(bucket: ResourceRef, key: string): Promise<(ObjectInfo & { data: Uint8Array }) | undefined>;
  head(bucket: ResourceRef, key: string): Promise<ObjectInfo | undefined>;
  delete(bucket: ResourceRef, key: string): Promise<void>;
  list(bucket: ResourceRef, options: { prefix?: string; cursor?: string; limit: number }): Promise<ListResult>;
  signedUrl(bucket: ResourceRef, key: string, options: { method: 'GET' | 'PUT'; expiresIn: number }): Promise<string>;
  /** The table client's calls (`table(name)`), where the target has them. */
  table?: TableDriver;
}

/** A declared resource: its faas.yaml name, its physical name, and (buckets) the declared access. */
export interface ResourceRef {
  name: string;
  physical: string;
  access?: 'read' | 'write' | 'readwrite';
}

/** Message attribute that marks a base64-encoded binary body (decoded again by every queue shim). */
export const ENCODING_ATTRIBUTE = 'slsx-encoding';

const DRIVER = Symbol.for('sls-x.resources');
const SCOPE = Symbol.for('sls-x.resources.scope');

type Env = Record<string, string | undefined>;
/** The environment the clients read their declarations from. */
export type ResourceEnv = Env;

/**
 * Where one process serves several functions (an Azure Function App), the shim says whose
 * declarations hold right now: `current()` returns the running function's environment
 * (`SLSX_QUEUES`, `SLSX_BUCKETS`, `SLSX_BUCKET_ACCESS`, `SLSX_FUNCTION_NAME`). Clients made
 * without an explicit environment then check the declarations at every call, not once.
 */
export function installResourceScope(current: (() => Env) | undefined): void {
  (globalThis as Record<symbol, unknown>)[SCOPE] = current;
}

function scope(): (() => Env) | undefined {
  return (globalThis as Record<symbol, unknown>)[SCOPE] as (() => Env) | undefined;
}

/** The running function's declarations where a scope is installed (an Azure app), else undefined. */
export function currentResourceEnv(): Env | undefined {
  return scope()?.();
}

/**
 * The declared resource. With an explicit environment, checked at once. Otherwise at the first
 * call, not when the client is made: a client made at module scope (`const receipts =
 * bucket('receipts')`) is made before an Azure app has said which function runs. Under a scope
 * it is checked at every call; else once, from the function's own environment.
 */
function resolver(envName: string, kind: 'queue' | 'bucket', name: string, env: Env | undefined): () => ResourceRef {
  if (env) {
    const ref = declared(envName, kind, name, env);
    return () => ref;
  }
  if (typeof name !== 'string' || !name) throw new TypeError(`sls-x: ${kind}(name) needs the ${kind}'s name from faas.yaml`);
  let own: ResourceRef | undefined;
  return () => {
    const current = scope();
    if (current) return declared(envName, kind, name, current());
    return (own ??= declared(envName, kind, name, process.env));
  };
}

/** Install the target's driver (shims do, once per instance; `sls-x/testing` installs a fake). */
export function installResourceDriver(driver: ResourceDriver | undefined): void {
  (globalThis as Record<symbol, unknown>)[DRIVER] = driver;
}

/** The installed driver (throws the set-up hint when there is none). */
export function resourceDriver(): ResourceDriver {
  return driver();
}

function driver(): ResourceDriver {
  const d = (globalThis as Record<symbol, unknown>)[DRIVER] as ResourceDriver | undefined;
  if (!d) {
    throw new Error('sls-x: queue and bucket clients work inside a deployed function (any target, `sls-x dev` included) or under sls-x/testing; no target is set up here');
  }
  return d;
}

function declared(envName: string, kind: 'queue' | 'bucket', name: string, env: Env): ResourceRef {
  if (typeof name !== 'string' || !name) throw new TypeError(`sls-x: ${kind}(name) needs the ${kind}'s name from faas.yaml`);
  let map: Record<string, string> = dict();
  try {
    const parsed = JSON.parse(env[envName] ?? '{}') as unknown;
    if (parsed && typeof parsed === 'object') map = Object.assign(dict<string>(), parsed);
  } catch {
    // An unreadable map declares nothing.
  }
  const physical = map[name];
  if (typeof physical !== 'string' || !physical) {
    const fn = env.SLSX_FUNCTION_NAME ? ` of function '${env.SLSX_FUNCTION_NAME}'` : '';
    const known = Object.keys(map);
    const how = kind === 'queue' ? `add '${name}' to \`sends:\`${fn} in faas.yaml` : `add \`{ name: ${name}, access: readwrite }\` to \`buckets:\`${fn} in faas.yaml`;
    throw new Error(`sls-x: ${kind} '${name}' is not declared for this function: ${how} and deploy again${known.length ? ` (declared: ${known.join(', ')})` : ''}`);
  }
  let access: ResourceRef['access'];
  if (kind === 'bucket') {
    try {
      access = (JSON.parse(env.SLSX_BUCKET_ACCESS ?? '{}') as Record<string, ResourceRef['access']>)[name];
    } catch {
      access = undefined;
    }
  }
  return { name, physical, ...(access ? { access } : {}) };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

function toBytes(data: MessageBody): { bytes: Uint8Array; json: boolean } {
  if (typeof data === 'string') return { bytes: encoder.encode(data), json: false };
  if (data instanceof Uint8Array) return { bytes: data, json: false };
  return { bytes: encoder.encode(JSON.stringify(data)), json: true };
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** A body as the drivers send it: text stays text; bytes are base64 and marked. */
export function outgoing(body: MessageBody, options: SendOptions = {}): OutgoingMessage {
  const attributes = dict<string>();
  for (const [k, v] of Object.entries(options.attributes ?? {})) {
    if (k === ENCODING_ATTRIBUTE) throw new Error(`sls-x: the message attribute '${ENCODING_ATTRIBUTE}' is reserved`);
    attributes[k] = String(v);
  }
  let text: string;
  if (body instanceof Uint8Array) {
    text = base64(body);
    attributes[ENCODING_ATTRIBUTE] = 'base64';
  } else {
    text = typeof body === 'string' ? body : JSON.stringify(body);
  }
  if (options.delay !== undefined && !(Number.isFinite(options.delay) && options.delay >= 0)) throw new RangeError('sls-x: send delay must be a number of seconds >= 0');
  return { body: text, attributes: { ...attributes }, ...(options.delay ? { delay: Math.floor(options.delay) } : {}), ...(options.dedupeId ? { dedupeId: options.dedupeId } : {}) };
}

/** A client for the queue `name` declared in this function's `sends:`. */
export function queueClient(name: string, env?: Env): QueueClient {
  const resolve = resolver('SLSX_QUEUES', 'queue', name, env);
  const sendBatch = async (entries: Array<BatchEntry | MessageBody>): Promise<SendBatchResult> => {
    const ref = resolve();
    const d = driver();
    const messages = entries.map((e) => (isEntry(e) ? outgoing(e.body, e) : outgoing(e)));
    const out: SendBatchResult = { sent: [], failed: [] };
    for (let start = 0; start < messages.length; start += d.maxBatch) {
      const chunk = messages.slice(start, start + d.maxBatch);
      let results: Array<{ id?: string; error?: string }>;
      try {
        results = await d.sendBatch(ref, chunk);
      } catch (err) {
        results = chunk.map(() => ({ error: err instanceof Error ? err.message : String(err) }));
      }
      results.forEach((r, i) => {
        if (r.id) out.sent.push({ index: start + i, id: r.id });
        else out.failed.push({ index: start + i, error: r.error ?? 'not sent' });
      });
    }
    return out;
  };
  return {
    name,
    async send(body, options) {
      const ref = resolve();
      const [r] = await driver().sendBatch(ref, [outgoing(body, options)]);
      if (!r?.id) throw new Error(`sls-x: sending to queue '${name}' failed: ${r?.error ?? 'no message id returned'}`);
      return { id: r.id };
    },
    sendBatch,
  };
}

function isEntry(e: BatchEntry | MessageBody): e is BatchEntry {
  return !!e && typeof e === 'object' && !(e instanceof Uint8Array) && !Array.isArray(e) && 'body' in e;
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || !key || key.length > 1024) throw new Error('sls-x: an object key must be 1 to 1024 characters');
}

/** A client for the bucket `name` declared in this function's `buckets:`. */
export function bucketClient(name: string, env?: Env): BucketClient {
  const resolve = resolver('SLSX_BUCKETS', 'bucket', name, env);
  /** The declared bucket, if it may be read (or written). */
  const can = (what: 'read' | 'write'): ResourceRef => {
    const ref = resolve();
    if (ref.access && ref.access !== 'readwrite' && ref.access !== what) {
      throw new Error(`sls-x: bucket '${name}' is declared with access: ${ref.access}, so it cannot ${what === 'write' ? 'be written' : 'be read'}: declare access: readwrite (or ${what}) under \`buckets:\` in faas.yaml`);
    }
    return ref;
  };
  return {
    name,
    async put(key, data, options = {}) {
      checkKey(key);
      const ref = can('write');
      const { bytes, json } = toBytes(data);
      return driver().put(ref, key, bytes, options.contentType ?? (json ? 'application/json' : typeof data === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream'));
    },
    async get(key) {
      checkKey(key);
      const ref = can('read');
      const got = await driver().get(ref, key);
      if (!got) return undefined;
      const { data, ...info } = got;
      return {
        ...info,
        bytes: () => data,
        text: () => decoder.decode(data),
        json: <T>() => JSON.parse(decoder.decode(data)) as T,
        stream: () =>
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(data);
              controller.close();
            },
          }),
      };
    },
    async head(key) {
      checkKey(key);
      const ref = can('read');
      return driver().head(ref, key);
    },
    async delete(key) {
      checkKey(key);
      const ref = can('write');
      await driver().delete(ref, key);
    },
    async list(options = {}) {
      const ref = can('read');
      const limit = Math.min(1000, Math.max(1, Math.floor(options.limit ?? 1000)));
      return driver().list(ref, { ...(options.prefix ? { prefix: options.prefix } : {}), ...(options.cursor ? { cursor: options.cursor } : {}), limit });
    },
    async signedUrl(key, options) {
      checkKey(key);
      const ref = can(options.method === 'PUT' ? 'write' : 'read');
      if (!(Number.isInteger(options.expiresIn) && options.expiresIn >= 1 && options.expiresIn <= 604_800)) {
        throw new RangeError('sls-x: signedUrl expiresIn must be whole seconds from 1 to 604800 (7 days)');
      }
      return driver().signedUrl(ref, key, options);
    },
  };
}
