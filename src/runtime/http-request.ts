import { HttpError, type HttpAuth, type HttpRequest } from './index.js';
import { dict, dictFrom } from './dict.js';

/** Header values as the platforms hand them over. */
export type RawHeaders =
  | Record<string, string | string[] | number | undefined | null>
  | Iterable<[string, string]>;

/** Options of {@link createHttpRequest}: the parts every platform can provide. */
export interface HttpRequestInit {
  method: string;
  /** Path without the query string. */
  path: string;
  pathParams?: Record<string, string>;
  /** Raw query string (with or without `?`), or parsed values. */
  query?: string | URLSearchParams | Record<string, string | string[] | undefined>;
  headers?: RawHeaders;
  /** Extra cookies (AWS payload 2.0 moves them out of the headers), merged into `cookie`. */
  cookies?: string[];
  /** Text body, or raw bytes. */
  body?: string | Uint8Array;
  /** When `body` is a string holding base64 (AWS `isBase64Encoded`). */
  bodyIsBase64?: boolean;
  requestId: string;
  sourceIp?: string;
  /** The verified token (routes with `auth`). */
  auth?: HttpAuth;
}

const utf8 = new TextDecoder('utf-8');
const utf8enc = new TextEncoder();

/** Builds the neutral {@link HttpRequest}: lower-case headers, parsed query, decoded body. */
export function createHttpRequest(init: HttpRequestInit): HttpRequest {
  const headers = normalizeHeaders(init.headers);
  if (init.cookies?.length) {
    headers.cookie = [headers.cookie, ...init.cookies].filter(Boolean).join('; ');
  }
  const { query, queryAll } = parseQuery(init.query);
  let bytes: Uint8Array | undefined;
  let body: string | undefined;
  if (init.body instanceof Uint8Array) {
    bytes = init.body;
  } else if (typeof init.body === 'string') {
    if (init.bodyIsBase64) bytes = Buffer.from(init.body, 'base64');
    else body = init.body;
  }
  if (bytes) body = bytes.length ? utf8.decode(bytes) : undefined;
  if (body === '') body = undefined;
  let parsed: { value: unknown } | undefined;
  return {
    method: init.method.toUpperCase(),
    path: init.path || '/',
    pathParams: dictFrom(init.pathParams),
    query,
    queryAll,
    headers,
    body,
    bytes: () => bytes ?? (body === undefined ? new Uint8Array() : utf8enc.encode(body)),
    json<T>(): T {
      if (!parsed) {
        if (body === undefined) throw new HttpError(400, 'request body is missing: expected JSON');
        try {
          parsed = { value: JSON.parse(body) };
        } catch {
          throw new HttpError(400, 'request body is not valid JSON');
        }
      }
      return parsed.value as T;
    },
    requestId: init.requestId,
    sourceIp: init.sourceIp ?? '',
    ...(init.auth ? { auth: init.auth } : {}),
  };
}

/** Lower-cases names and folds repeated values (`, `; `; ` for `cookie`). */
export function normalizeHeaders(raw: RawHeaders | undefined): Record<string, string> {
  const out = dict<string>();
  if (!raw) return out;
  const entries: Iterable<[string, unknown]> =
    Symbol.iterator in raw ? (raw as Iterable<[string, string]>) : Object.entries(raw);
  for (const [name, value] of entries) {
    if (value === undefined || value === null) continue;
    const key = name.toLowerCase();
    const sep = key === 'cookie' ? '; ' : ', ';
    const text = Array.isArray(value) ? value.join(sep) : String(value);
    out[key] = Object.hasOwn(out, key) ? `${out[key]}${sep}${text}` : text;
  }
  return out;
}

/**
 * Parses a query into `query` (repeats joined with `,`, as API Gateway does) and `queryAll`.
 * `+` is a space in a query string, per the form encoding browsers use.
 */
export function parseQuery(
  raw: HttpRequestInit['query'],
): { query: Record<string, string>; queryAll: Record<string, string[]> } {
  const queryAll = dict<string[]>();
  const add = (k: string, v: string): void => {
    (queryAll[k] ??= []).push(v);
  };
  if (typeof raw === 'string') {
    for (const [k, v] of new URLSearchParams(raw.startsWith('?') ? raw.slice(1) : raw)) add(k, v);
  } else if (raw instanceof URLSearchParams) {
    for (const [k, v] of raw) add(k, v);
  } else if (raw) {
    for (const [k, v] of Object.entries(raw)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) add(k, one);
    }
  }
  const query = dict<string>();
  for (const [k, vs] of Object.entries(queryAll)) query[k] = vs.join(',');
  return { query, queryAll };
}
