import { HttpError, type Context, type HttpHandler, type HttpRequest } from './index.js';
import { dict } from './dict.js';

/**
 * A handler's result, ready for any platform: a string body is text, a `Uint8Array` is binary,
 * headers are lower-case and always carry a `content-type` when there is a body.
 */
export interface NormalizedResponse {
  status: number;
  headers: Record<string, string>;
  /** `Set-Cookie` values. */
  cookies: string[];
  body?: string | Uint8Array;
}

const RESPONSE_KEYS = new Set(['status', 'headers', 'cookies', 'body', 'isBase64']);
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * True when a value is an `HttpResponse` rather than data: a numeric `status` and no keys
 * other than status/headers/cookies/body/isBase64. `{ status: 'ok' }` or `{ status: 200, n: 1 }`
 * are data, sent as JSON.
 */
export function isHttpResponse(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) return false;
  const v = value as Record<string, unknown>;
  return typeof v.status === 'number' && Object.keys(v).every((k) => RESPONSE_KEYS.has(k));
}

/** True for a Node stream, a web ReadableStream or any async iterable that is not bytes or text. */
function isStream(v: unknown): boolean {
  if (!v || typeof v !== 'object' || v instanceof Uint8Array) return false;
  const o = v as Record<string | symbol, unknown>;
  return typeof o.pipe === 'function' || typeof o.getReader === 'function' || typeof o[Symbol.asyncIterator] === 'function';
}

const STREAM_ERROR = 'an HTTP handler returned a stream; sls-x does not stream responses yet: return a string, a Uint8Array (e.g. Buffer.concat of the chunks) or JSON';

/** Header values go out as visible ASCII (plus space and tab): anything else would crash a platform's HTTP stack. */
const SAFE_HEADER = /^[\t\x20-\x7e]*$/;

/**
 * A header value every platform can send: as is when it is visible ASCII; non-ASCII characters
 * percent-encoded as UTF-8 (as `encodeURIComponent` does); undefined (dropped) when it holds
 * control characters such as CR/LF (header injection).
 */
export function safeHeaderValue(value: string): string | undefined {
  if (SAFE_HEADER.test(value)) return value;
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) return undefined;
  try {
    return value.replace(/[^\t\x20-\x7e]+/gu, (s) => encodeURIComponent(s));
  } catch {
    return undefined; // a lone surrogate: not text at all
  }
}

/** Turns whatever an HTTP handler returned into a {@link NormalizedResponse}. */
export function normalizeHttpResponse(result: unknown, warn?: (message: string, data: Record<string, unknown>) => void): NormalizedResponse {
  const res = normalizeBody(result);
  for (const [k, v] of Object.entries(res.headers)) {
    const safe = safeHeaderValue(v);
    if (safe === v) continue;
    if (safe === undefined) delete res.headers[k];
    else res.headers[k] = safe;
    warn?.(safe === undefined ? 'response header dropped: its value holds control characters' : 'response header value percent-encoded: HTTP header values are ASCII', { header: k });
  }
  const cookies = res.cookies.flatMap((c) => {
    const safe = safeHeaderValue(c);
    if (safe !== c) warn?.(safe === undefined ? 'Set-Cookie dropped: it holds control characters' : 'Set-Cookie value percent-encoded: HTTP header values are ASCII', {});
    return safe === undefined ? [] : [safe];
  });
  return { ...res, cookies };
}

function normalizeBody(result: unknown): NormalizedResponse {
  if (isStream(result)) throw new TypeError(STREAM_ERROR);
  if (!isHttpResponse(result)) {
    if (result === undefined || result === null) return { status: 204, headers: {}, cookies: [] };
    if (typeof result === 'string') return withBody(200, {}, result, 'text/plain; charset=utf-8');
    if (result instanceof Uint8Array) return withBody(200, {}, result, 'application/octet-stream');
    return withBody(200, {}, JSON.stringify(result), JSON_TYPE);
  }
  const r = result as { status: number; headers?: Record<string, unknown>; cookies?: unknown; body?: unknown; isBase64?: boolean };
  const status = Number.isInteger(r.status) && r.status >= 100 && r.status <= 599 ? r.status : 500;
  const headers = dict<string>();
  for (const [k, v] of Object.entries(r.headers ?? {})) if (v !== undefined && v !== null) headers[k.toLowerCase()] = String(v);
  const cookies = Array.isArray(r.cookies) ? r.cookies.map(String) : [];
  const base = { status, headers, cookies };
  const body = r.body;
  if (body === undefined || body === null) return base;
  if (typeof body === 'string') {
    return r.isBase64
      ? withBody(status, base, new Uint8Array(Buffer.from(body, 'base64')), 'application/octet-stream')
      : withBody(status, base, body, 'text/plain; charset=utf-8');
  }
  if (body instanceof Uint8Array) return withBody(status, base, body, 'application/octet-stream');
  if (body instanceof ArrayBuffer) return withBody(status, base, new Uint8Array(body), 'application/octet-stream');
  if (isStream(body)) throw new TypeError(STREAM_ERROR);
  return withBody(status, base, JSON.stringify(body), JSON_TYPE);
}

function withBody(
  status: number,
  base: Partial<NormalizedResponse>,
  body: string | Uint8Array,
  defaultType: string,
): NormalizedResponse {
  const headers = { ...base.headers };
  headers['content-type'] ??= defaultType;
  return { status, headers, cookies: base.cookies ?? [], body };
}

/**
 * True for an {@link HttpError}, also one from another copy of this module (a bundle can hold
 * the user's and the shim's copies of the runtime), hence the duck typing.
 */
export function isHttpError(err: unknown): err is HttpError {
  return err instanceof HttpError || (err instanceof Error && err.name === 'HttpError' && typeof (err as HttpError).status === 'number');
}

/**
 * The response for a thrown error: an {@link HttpError} keeps its status and message; anything
 * else is a `500` that names only the request id (message and stack go to the log, never to
 * the client).
 */
export function errorResponse(err: unknown, requestId: string): NormalizedResponse {
  if (isHttpError(err) && err.status >= 400 && err.status <= 599) {
    const headers = { ...Object.fromEntries(Object.entries(err.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])) };
    return withBody(err.status, { headers, cookies: [] }, JSON.stringify({ error: err.message }), JSON_TYPE);
  }
  return withBody(500, {}, JSON.stringify({ error: 'Internal Server Error', requestId }), JSON_TYPE);
}

/**
 * Runs an HTTP handler and always returns a response: errors are logged through `ctx.log`
 * (with stack) and answered by {@link errorResponse}.
 */
export async function runHttp(handler: HttpHandler, req: HttpRequest, ctx: Context): Promise<NormalizedResponse> {
  try {
    return normalizeHttpResponse(await handler(req, ctx), (message, data) => ctx.log.warn(message, data));
  } catch (err) {
    if (isHttpError(err) && err.status < 500) {
      ctx.log.warn('request rejected', { status: err.status, error: err.message });
    } else {
      ctx.log.error('handler failed', { err });
    }
    return errorResponse(err, ctx.requestId);
  }
}

/** The body as bytes (empty when none). */
export function responseBytes(res: NormalizedResponse): Uint8Array {
  if (res.body === undefined) return new Uint8Array();
  return typeof res.body === 'string' ? new TextEncoder().encode(res.body) : res.body;
}

/** Answers for a request no route of the function matches (404) or a wrong method (405). */
export function routeErrorResponse(outcome: { outcome: 'not-found' } | { outcome: 'method-not-allowed'; allowed: string[] }): NormalizedResponse {
  if (outcome.outcome === 'not-found') return withBody(404, {}, JSON.stringify({ error: 'Not Found' }), JSON_TYPE);
  return withBody(405, { headers: { allow: outcome.allowed.join(', ') } }, JSON.stringify({ error: 'Method Not Allowed' }), JSON_TYPE);
}
