/**
 * The local worker protocol: what the local cloud hands the function entry's default export
 * (built by the bundler as `createLocalHandler(userHandler, meta)`) and what it gets back.
 * Everything crossing the thread boundary is structured-clone safe (plain data, strings).
 */
import type { TableRequest } from './daemon/tables.js';

/** An HTTP request as the gateway hands it over (headers lower-case, body as text or base64). */
export interface RawHttpRequest {
  method: string;
  path: string;
  pathParams: Record<string, string>;
  /** The raw query string (the gateway), or parsed values (`sls-x invoke --data`): the shim parses either, repeats kept. */
  query: string | Record<string, string>;
  headers: Record<string, string>;
  body?: string;
  /** The body is base64 (binary content types). */
  base64?: boolean;
  sourceIp: string;
}

export interface RawQueueMessage {
  id: string;
  body: string;
  attempt: number;
  attributes: Record<string, string>;
  /** Epoch ms. */
  enqueuedAt: number;
}

export interface RawScheduleEvent {
  /** Schedule resource id. */
  id: string;
  /** ISO time the schedule fired for. */
  time: string;
  expression: string;
  input?: unknown;
}

export interface RawStorageEvent {
  bucket: string;
  key: string;
  size?: number;
  etag?: string;
  type: 'created' | 'deleted';
}

export type LocalInvocation =
  | { kind: 'http'; requestId: string; deadline: number; coldStart: boolean; event: RawHttpRequest }
  | { kind: 'queue'; requestId: string; deadline: number; coldStart: boolean; event: RawQueueMessage[] }
  | { kind: 'schedule'; requestId: string; deadline: number; coldStart: boolean; event: RawScheduleEvent }
  | { kind: 'storage'; requestId: string; deadline: number; coldStart: boolean; event: RawStorageEvent[] }
  | { kind: 'raw'; requestId: string; deadline: number; coldStart: boolean; event: unknown };

export type InvocationKind = LocalInvocation['kind'];

/** What an HTTP invocation returns: ready to write to the socket. */
export interface RawHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  base64: boolean;
}

/** What a queue invocation returns: the ids to retry (all others are acknowledged). */
export interface QueueResult {
  failed: string[];
}

/** The default export of a built local entry. */
export type LocalEntry = (inv: LocalInvocation) => Promise<unknown>;

/**
 * What the worker offers the shim on `globalThis[Symbol.for('sls-x.local.host')]`: structured
 * logs attributed to the running invocation, and sending to a queue of the same local cloud.
 */
export interface LocalHost {
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>): void;
  send(queue: string, body: string, attributes?: Record<string, string>, delaySeconds?: number): Promise<{ id: string }>;
  /** A table call (`table(name)` in the handler), run by the local cloud. */
  table?(req: TableRequest): Promise<unknown>;
}

export const HOST_SYMBOL = 'sls-x.local.host';
/** Neutral queue send hook every shim may install: `globalThis[Symbol.for('sls-x.send')](queue, body)`. */
export const SEND_SYMBOL = 'sls-x.send';

/** Messages from the local cloud to a worker. */
export type ToWorker =
  | { t: 'inv'; id: number; inv: LocalInvocation }
  | { t: 'sent'; id: number; ok: boolean; messageId?: string; error?: string }
  | { t: 'table-result'; id: number; ok: boolean; value?: unknown; error?: string };

/** Messages from a worker to the local cloud. */
export type FromWorker =
  | { t: 'ready' }
  | { t: 'init-error'; error: string }
  | { t: 'done'; id: number; ok: boolean; result?: unknown; error?: string; durationMs: number; peakMemoryMb: number }
  | { t: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string; data?: Record<string, unknown>; time: number }
  | { t: 'send'; id: number; queue: string; body: string; attributes?: Record<string, string>; delaySeconds?: number }
  | { t: 'table'; id: number; req: TableRequest }
  | { t: 'exit-called'; code: number }
  /** The instance used more memory (heap plus Buffers/ArrayBuffers) than the function has: it ends. */
  | { t: 'oom'; usedMb: number; limitMb: number };
