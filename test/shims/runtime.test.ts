import { describe, expect, it } from 'vitest';
import { HttpError, json, text } from '../../src/runtime/index.js';
import {
  createContext,
  createHttpRequest,
  createLogger,
  createQueueMessage,
  errorResponse,
  normalizeHttpResponse,
  parseLogLine,
  parseQuery,
  resolveRoute,
  runQueue,
} from '../../src/runtime/shim-kit.js';
import { azureAppSettingName, cronToNcrontab, planAzureTriggers, rateToNcrontab, toAzureRoute } from '../../templates/shims/common/azure-triggers.js';

const quietCtx = (lines: string[] = []) =>
  createContext({ functionName: 'f', requestId: 'r', target: 'local', coldStart: false, deadline: 10, now: () => 0, write: (l) => lines.push(l) });

describe('runtime: responses', () => {
  it.each([
    [{ a: 1 }, 200, 'application/json; charset=utf-8', '{"a":1}'],
    [[1, 2], 200, 'application/json; charset=utf-8', '[1,2]'],
    [{ status: 'ok' }, 200, 'application/json; charset=utf-8', '{"status":"ok"}'],
    [{ status: 201, count: 2 }, 200, 'application/json; charset=utf-8', '{"status":201,"count":2}'],
    [42, 200, 'application/json; charset=utf-8', '42'],
    ['hi', 200, 'text/plain; charset=utf-8', 'hi'],
    [{ status: 202, body: { ok: true } }, 202, 'application/json; charset=utf-8', '{"ok":true}'],
    [{ status: 200, body: 'AAEC', isBase64: true, headers: { 'Content-Type': 'image/gif' } }, 200, 'image/gif', new Uint8Array([0, 1, 2])],
    [json(409, { e: 1 }, { 'x-a': 'b' }), 409, 'application/json; charset=utf-8', '{"e":1}'],
    [text(503, 'later'), 503, 'text/plain; charset=utf-8', 'later'],
  ])('%j -> %i %s', (value, status, type, body) => {
    const r = normalizeHttpResponse(value);
    expect([r.status, r.headers['content-type'], r.body]).toEqual([status, type, body]);
  });

  it('recognizes an HttpError from another copy of the runtime, and hides other errors', () => {
    class HttpError extends Error {
      constructor(readonly status: number, message: string) {
        super(message);
        this.name = 'HttpError';
      }
    }
    expect(errorResponse(new HttpError(409, 'taken'), 'r')).toMatchObject({ status: 409, body: '{"error":"taken"}' });
    expect(errorResponse(Object.assign(new Error('secret'), { status: 400 }), 'r')).toMatchObject({ status: 500, body: '{"error":"Internal Server Error","requestId":"r"}' });
  });

  it('answers 204 for nothing and 500 for an impossible status', () => {
    expect(normalizeHttpResponse(undefined)).toEqual({ status: 204, headers: {}, cookies: [] });
    expect(normalizeHttpResponse(null).status).toBe(204);
    expect(normalizeHttpResponse({ status: 42 }).status).toBe(500);
  });
});

describe('runtime: requests and routes', () => {
  it('parses queries with + as space and keeps every value', () => {
    expect(parseQuery('?q=a+b&q=c%2Bd&e')).toEqual({ query: { q: 'a b,c+d', e: '' }, queryAll: { q: ['a b', 'c+d'], e: [''] } });
    expect(parseQuery({ a: ['1', '2'], b: undefined })).toEqual({ query: { a: '1,2' }, queryAll: { a: ['1', '2'] } });
  });

  it('folds headers and answers json() errors with HttpError 400', () => {
    const req = createHttpRequest({ method: 'post', path: '/', headers: [['Cookie', 'a=1'], ['cookie', 'b=2'], ['X-A', '1'], ['x-a', '2']], requestId: 'r' });
    expect(req.method).toBe('POST');
    expect(req.headers).toEqual({ cookie: 'a=1; b=2', 'x-a': '1, 2' });
    expect(() => req.json()).toThrow(HttpError);
    expect(req.bytes()).toEqual(new Uint8Array());
  });

  it('routes literal before templated paths, greedy params, HEAD to GET, 405 with the allowed methods', () => {
    const routes = [
      { method: 'GET', path: '/orders/{id}' },
      { method: 'GET', path: '/orders/latest' },
      { method: 'ANY', path: '/files/{key+}' },
    ];
    expect(resolveRoute(routes, 'GET', '/orders/latest')).toMatchObject({ outcome: 'matched', route: { path: '/orders/latest' }, params: {} });
    expect(resolveRoute(routes, 'HEAD', '/orders/7')).toMatchObject({ outcome: 'matched', params: { id: '7' } });
    expect(resolveRoute(routes, 'PUT', '/files/a/b%20c')).toMatchObject({ outcome: 'matched', params: { key: 'a/b c' } });
    expect(resolveRoute(routes, 'POST', '/orders/7')).toEqual({ outcome: 'method-not-allowed', allowed: ['GET'] });
    expect(resolveRoute(routes, 'GET', '/nope')).toEqual({ outcome: 'not-found' });
  });
});

describe('runtime: context and logs', () => {
  it('never reports negative remaining time', () => {
    expect(quietCtx().remainingMs()).toBe(10);
    const late = createContext({ functionName: 'f', requestId: 'r', target: 'aws', coldStart: true, deadline: 10, now: () => 99, write: () => {} });
    expect(late.remainingMs()).toBe(0);
  });

  it('writes one parseable JSON line per call, even with cyclic data', () => {
    const lines: string[] = [];
    const log = createLogger({ fn: 'api', requestId: 'r1', now: () => 0, write: (l) => lines.push(l) });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    log.warn('careful', { cyclic });
    log.debug('plain');
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
    expect(parseLogLine(lines[0])).toMatchObject({ time: 0, level: 'warn', fn: 'api', requestId: 'r1', msg: 'careful', data: { unserializable: expect.any(String) } });
    expect(parseLogLine(lines[1])).toEqual({ time: 0, level: 'debug', fn: 'api', requestId: 'r1', msg: 'plain', data: undefined });
    expect(parseLogLine('START RequestId: 1')).toBeUndefined();
    expect(parseLogLine('{"level":"loud","msg":"x","fn":"f","time":"2020-01-01T00:00:00Z"}')).toBeUndefined();
  });
});

describe('runtime: queue outcomes', () => {
  const msgs = ['a', 'b'].map((id) => createQueueMessage({ id, body: id }));

  it('ignores unknown and duplicate failed ids, logging them', async () => {
    const lines: string[] = [];
    const out = await runQueue(async () => ({ failed: ['b', 'b', 'zzz'] }), msgs, quietCtx(lines));
    expect(out).toEqual({ failed: ['b'] });
    expect(lines.some((l) => l.includes('zzz'))).toBe(true);
  });

  it('fails the whole batch, with the reason, on a malformed result or a throw', async () => {
    const bad = await runQueue(async () => ({ failed: [1] }) as never, msgs, quietCtx());
    expect(bad.failed).toEqual(['a', 'b']);
    expect(String(bad.error)).toMatch(/failed: string\[\]/);
    const thrown = await runQueue(async () => { throw new Error('x'); }, msgs, quietCtx());
    expect(thrown.failed).toEqual(['a', 'b']);
  });

  it('defaults attempt and enqueue time sensibly', () => {
    const m = createQueueMessage({ id: 'x', body: new Uint8Array([104, 105]), attempt: 0, enqueuedAt: '1520621625029' });
    expect([m.body, m.attempt, m.enqueuedAt]).toEqual(['hi', 1, '2018-03-09T18:53:45.029Z']);
  });
});

describe('azure triggers: names, routes, NCRONTAB', () => {
  it.each([
    [1000, '*/1 * * * * *'],
    [15_000, '*/15 * * * * *'],
    [60_000, '0 */1 * * * *'],
    [300_000, '0 */5 * * * *'],
    [3_600_000, '0 0 */1 * * *'],
    [21_600_000, '0 0 */6 * * *'],
    [86_400_000, '0 0 0 * * *'],
    [420_000, undefined],
    [5_400_000, undefined],
    [172_800_000, undefined],
    [1500, undefined],
  ])('rate %i ms -> %s', (ms, expected) => {
    expect(rateToNcrontab(ms)).toBe(expected);
  });

  it('converts cron and routes', () => {
    expect(cronToNcrontab('0 3 * * MON-FRI')).toBe('0 0 3 * * 1-5');
    expect(cronToNcrontab('0 9 ? * 7')).toBe('0 0 9 * * 0');
    expect(() => cronToNcrontab('0 9 1 * 1')).toThrow(/both day-of-month and day-of-week/);
    expect(() => cronToNcrontab('0 3 * *')).toThrow(/5-field/);
    expect(toAzureRoute('/files/{key+}')).toBe('files/{*key}');
    expect(toAzureRoute('/')).toBe('');
    expect(azureAppSettingName('bucket', 'user-uploads')).toBe('SLSX_BUCKET_USER_UPLOADS');
  });

  it('names a single registration after the function and several by kind; skips disabled schedules', () => {
    expect(planAzureTriggers('api', [{ kind: 'http', method: 'GET', path: '/a', cors: false }]).map((t) => t.name)).toEqual(['api']);
    const many = planAzureTriggers('mix', [
      { kind: 'http', method: 'GET', path: '/a', cors: false },
      { kind: 'queue', queue: 'q', batchSize: 1, batchWindowMs: 0 },
      { kind: 'schedule', expression: 'rate(1 hour)', rateMs: 3_600_000, timezone: 'UTC', enabled: false },
      { kind: 'storage', bucket: 'b', on: ['created'] },
    ]);
    expect(many.map((t) => t.name)).toEqual(['mix-http-1', 'mix-queue-1', 'mix-storage-1']);
  });
});

describe('runtime: keys from outside are plain keys (issue 8.1)', () => {
  it('a JSON payload with __proto__, constructor and toString keys lands as own values, in prototype-free maps', async () => {
    const { createHttpRequest, resolveRoute } = await import('../../src/runtime/shim-kit.js');
    const raw = JSON.parse('{"__proto__":"p","constructor":"c","toString":"t","x-ok":"1"}') as Record<string, string>;
    const req = createHttpRequest({ method: 'GET', path: '/a', headers: raw, query: raw, pathParams: raw, requestId: 'r' });
    for (const map of [req.headers, req.query, req.pathParams]) expect(Object.getPrototypeOf(map)).toBe(null);
    for (const map of [req.query, req.pathParams]) expect([map['__proto__'], map.constructor, map.toString]).toEqual(['p', 'c', 't']);
    expect([req.headers['__proto__'], req.headers.constructor, req.headers.tostring]).toEqual(['p', 'c', 't']);
    expect(req.queryAll.constructor).toEqual(['c']);
    const q = createHttpRequest({ method: 'GET', path: '/', query: 'hasOwnProperty=1&valueOf=2&__proto__=3&__proto__=4', requestId: 'r' });
    expect([q.query.hasOwnProperty, q.query.valueOf, q.query['__proto__']]).toEqual(['1', '2', '3,4']);
    const route = resolveRoute([{ method: 'GET', path: '/o/{id}' }], 'GET', '/o/__proto__');
    expect(route.outcome === 'matched' && Object.hasOwn(route.params, 'id') && route.params.id).toBe('__proto__');
  });
});
