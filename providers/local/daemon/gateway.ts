import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { RawHttpRequest, RawHttpResponse } from '../protocol.js';
import type { LocalCloud } from './cloud.js';
import { dict } from '../../../src/runtime/dict.js';
import { checkLocalUrl, SIGNED_PREFIX } from '../signed-url.js';
import { checkKey } from './buckets.js';
import type { RouteEntry } from './router.js';
import { corsHeaders, corsRuleOf, isPreflight, preflightAnswer, withCors } from '../../../src/runtime/cors.js';

/** API Gateway's payload limit: bigger requests get 413. */
const MAX_BODY = 6 * 1024 * 1024;
const TEXTUAL = /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript|graphql)|[^;]*\+(json|xml))/i;

function flattenHeaders(raw: IncomingMessage['headers']): Record<string, string> {
  const out = dict<string>();
  for (const key of Object.keys(raw)) {
    const v = raw[key];
    if (v !== undefined) out[key] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/**
 * The HTTP gateway's hot path: match the route, hand the request to the function's pool over a
 * MessagePort (structured clone, no extra JSON), write the answer, record the figures with the
 * gateway-side latency.
 */
export function handleGateway(cloud: LocalCloud, req: IncomingMessage, res: ServerResponse): void {
  const started = performance.now();
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const method = req.method ?? 'GET';
  if (path.startsWith(SIGNED_PREFIX)) return handleSignedObject(cloud, req, res, path, q < 0 ? '' : url.slice(q + 1));
  const reqHeaders = flattenHeaders(req.headers);
  // A browser's preflight to a CORS route is the gateway's to answer, before any route or token (as API Gateway).
  if (isPreflight(method, reqHeaders)) {
    const corsRoutes = cloud.router.methodsFor(path).map((m) => cloud.router.match(m, path)?.route).filter((r): r is RouteEntry => Boolean(r && corsRuleOf(r.cors)));
    if (corsRoutes.length > 0) {
      const wanted = cloud.router.match(String(reqHeaders['access-control-request-method']).toUpperCase(), path)?.route;
      const rule = corsRuleOf(wanted?.cors) ?? corsRuleOf(corsRoutes[0].cors)!;
      const answer = preflightAnswer(rule, reqHeaders, [...new Set(corsRoutes.map((r) => r.method))]);
      res.writeHead(answer.status, answer.headers);
      res.end();
      return;
    }
  }
  const match = cloud.router.match(method, path);
  if (!match) {
    sendJson(res, 404, { message: 'Not Found', hint: `no route matches ${method} ${path}` });
    return;
  }
  const pool = cloud.pools.get(match.route.function);
  if (!pool) {
    sendJson(res, 502, { message: `function ${match.route.function} is not deployed` });
    return;
  }
  const run = (body: Buffer | undefined): void => {
    const contentType = req.headers['content-type'] ?? '';
    const binary = body !== undefined && body.length > 0 && contentType !== '' && !TEXTUAL.test(contentType);
    const raw: RawHttpRequest = {
      method,
      path,
      pathParams: match.pathParams,
      // The raw query string: the shim parses it (repeated keys kept in queryAll, as on the clouds).
      query: q < 0 ? '' : url.slice(q + 1),
      headers: reqHeaders,
      ...(body !== undefined && body.length > 0 ? { body: binary ? body.toString('base64') : body.toString('utf8'), base64: binary } : {}),
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    };
    void pool.invoke('http', raw, 'http').then((inv) => {
      const rule = corsRuleOf(match.route.cors);
      const cors: Record<string, string> = rule ? corsHeaders(rule, reqHeaders) : {};
      // Once CORS is set, the route's CORS headers are the gateway's (the handler's own are replaced, as on API Gateway).
      const answerHeaders = (own: Record<string, string>): Record<string, string> => (rule ? withCors(own, cors) : own);
      const rid = { 'x-request-id': inv.record.requestId };
      if (inv.ok) {
        const out = inv.result as RawHttpResponse;
        const payload = out.base64 ? Buffer.from(out.body, 'base64') : out.body;
        try {
          res.writeHead(out.status, { ...answerHeaders({ ...rid, ...out.headers }), 'content-length': Buffer.byteLength(payload) });
        } catch (err) {
          // A header value Node refuses (e.g. with a newline): the function's fault, not the gateway's.
          inv.record.outcome = 'error';
          inv.record.error = `the handler returned an invalid response header: ${(err as Error).message}`;
          sendJson(res, 502, { message: 'Bad Gateway', error: inv.record.error, requestId: inv.record.requestId });
          inv.record.latencyMs = Math.round((performance.now() - started) * 100) / 100;
          cloud.state.record(inv.record);
          return;
        }
        res.end(method === 'HEAD' ? undefined : payload);
      } else {
        const outcome = inv.record.outcome;
        const status = outcome === 'throttled' ? 429 : outcome === 'timeout' ? 504 : 500;
        const message = outcome === 'throttled' ? 'Too Many Requests' : outcome === 'timeout' ? 'Endpoint request timed out' : 'Internal Server Error';
        sendJson(res, status, { message, outcome, error: inv.error, requestId: inv.record.requestId }, answerHeaders({ ...rid, ...(outcome === 'throttled' ? { 'retry-after': '1' } : {}) }));
      }
      inv.record.latencyMs = Math.round((performance.now() - started) * 100) / 100;
      cloud.state.record(inv.record);
    });
  };
  const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) {
    run(undefined);
    return;
  }
  readBody(req, res, MAX_BODY, 'the local gateway accepts bodies up to 6 MB, like AWS Lambda', run);
}

/** Collect a request body up to `max` bytes, then `done(body)`; a bigger one is answered 413 and dropped. */
function readBody(req: IncomingMessage, res: ServerResponse, max: number, hint: string, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > max) {
      sendJson(res, 413, { message: 'Request Entity Too Large', hint });
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (size <= max) done(Buffer.concat(chunks));
  });
}

/** Objects put through a signed URL: bigger uploads get 413. */
const MAX_OBJECT = 64 * 1024 * 1024;

/** A signed object URL (signed-url.ts): GET/HEAD serve the object, PUT stores it (a storage event, as any write). */
function handleSignedObject(cloud: LocalCloud, req: IncomingMessage, res: ServerResponse, path: string, query: string): void {
  const checked = checkLocalUrl({ secret: cloud.urlKey, path, query, method: req.method ?? 'GET', now: Date.now() });
  if (!checked.ok) return sendJson(res, checked.status, { message: checked.message });
  const folder = cloud.bucketFolder(checked.bucket);
  const problem = checkKey(checked.key);
  if (!folder || problem) return sendJson(res, 404, { message: folder ? problem : `no bucket ${checked.bucket}` });
  if (checked.method === 'GET') {
    let data: Buffer;
    try {
      data = readFileSync(join(folder.dir, checked.key));
    } catch {
      return sendJson(res, 404, { message: 'NoSuchKey' });
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length });
    res.end(req.method === 'HEAD' ? undefined : data);
    return;
  }
  readBody(req, res, MAX_OBJECT, 'signed uploads to the local cloud are limited to 64 MB', (body) => {
    try {
      folder.put(checked.key, body);
      sendJson(res, 200, { key: checked.key, size: body.length });
    } catch (err) {
      sendJson(res, 400, { message: (err as Error).message });
    }
  });
}
