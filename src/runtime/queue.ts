import { ENCODING_ATTRIBUTE } from './resources.js';
import type { Context, QueueHandler, QueueMessage } from './index.js';

/** Options of {@link createQueueMessage}. */
export interface QueueMessageInit {
  id: string;
  /** Text payload, or raw bytes (decoded as UTF-8 for `body`). */
  body: string | Uint8Array;
  /** 1-based delivery attempt; defaults to 1. */
  attempt?: number;
  attributes?: Record<string, string>;
  /** When the message was enqueued (ISO string, epoch ms or Date); defaults to unknown (epoch 0). */
  enqueuedAt?: string | number | Date;
}

const utf8 = new TextDecoder('utf-8');

function fromBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Builds a neutral {@link QueueMessage}. */
export function createQueueMessage(init: QueueMessageInit): QueueMessage {
  // A binary body sent by the queue client travels as base64 text marked by an attribute: decode it.
  const attrs = { ...init.attributes };
  if (attrs[ENCODING_ATTRIBUTE] === 'base64') {
    // The shim may hand over the text as received or as its bytes (Pub/Sub data is bytes).
    delete attrs[ENCODING_ATTRIBUTE];
    init = { ...init, body: fromBase64(typeof init.body === 'string' ? init.body : utf8.decode(init.body)), attributes: attrs };
  }
  const bytes = typeof init.body === 'string' ? undefined : init.body;
  const body = typeof init.body === 'string' ? init.body : utf8.decode(init.body);
  const attempt = Number.isFinite(init.attempt) && (init.attempt as number) >= 1 ? Math.floor(init.attempt as number) : 1;
  return {
    id: init.id,
    body,
    bytes: () => bytes ?? new TextEncoder().encode(body),
    json: <T>() => JSON.parse(body) as T,
    attempt,
    attributes: { ...init.attributes },
    enqueuedAt: toIso(init.enqueuedAt),
  };
}

function toIso(v: QueueMessageInit['enqueuedAt']): string {
  if (v === undefined) return new Date(0).toISOString();
  const d = v instanceof Date ? v : new Date(typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v);
  return Number.isNaN(d.getTime()) ? new Date(0).toISOString() : d.toISOString();
}

/** Outcome of a queue batch: which ids failed, and the error when the whole batch failed. */
export interface QueueOutcome {
  failed: string[];
  /** Set when the handler threw or returned something that is not `void | { failed: string[] }`. */
  error?: unknown;
}

/**
 * Runs a queue handler over a batch and says which message ids failed. A throw fails every
 * message (and sets `error`, so a shim can rethrow); `{ failed }` fails only the listed ids that
 * are in the batch (unknown ids are logged and ignored). Never throws itself.
 */
export async function runQueue(handler: QueueHandler, msgs: QueueMessage[], ctx: Context): Promise<QueueOutcome> {
  const all = msgs.map((m) => m.id);
  let result: unknown;
  try {
    result = await handler(msgs, ctx);
  } catch (err) {
    ctx.log.error('queue handler failed; the whole batch will be retried', { err, messages: all.length });
    return { failed: all, error: err };
  }
  if (result === undefined || result === null) return { failed: [] };
  const failedRaw = (result as { failed?: unknown }).failed;
  if (typeof result !== 'object' || !Array.isArray(failedRaw) || !failedRaw.every((x) => typeof x === 'string')) {
    const error = new TypeError('a queue handler must return nothing or { failed: string[] } (message ids)');
    ctx.log.error(error.message, { returned: describe(result) });
    return { failed: all, error };
  }
  const known = new Set(all);
  const unknown = failedRaw.filter((id) => !known.has(id));
  if (unknown.length) ctx.log.warn('ignoring failed ids that are not in this batch', { unknown });
  const failed = [...new Set(failedRaw.filter((id) => known.has(id)))];
  if (failed.length) ctx.log.warn('queue messages failed; they will be retried', { failed });
  return { failed };
}

function describe(v: unknown): string {
  try {
    return JSON.stringify(v)?.slice(0, 200) ?? String(v);
  } catch {
    return typeof v;
  }
}
