/**
 * The behavioural suite every shim must pass with the SAME neutral handler file
 * (test/fixtures/handlers/neutral.ts). Each cloud's test file supplies a driver that speaks that
 * cloud's native payloads (built from the real published samples) to its shim.
 */
import { describe, expect, it } from 'vitest';
import type { ShimMeta } from '../../src/model/shim.js';
import type { TargetName } from '../../src/model/service.js';
import { calls } from '../fixtures/handlers/neutral.js';

export interface HttpCall {
  method: string;
  path: string;
  /** Raw query string without `?`. */
  query?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}
export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}
export interface QueueCall {
  id: string;
  body: string;
  attempt: number;
  attributes: Record<string, string>;
}
export interface StorageCall {
  bucket: string;
  /** The decoded key; each driver encodes it the way its cloud does. */
  key: string;
  type: 'created' | 'deleted';
  size?: number;
}

/** One cloud's way of invoking the four neutral functions. */
export interface ShimDriver {
  http(call: HttpCall): Promise<HttpResult>;
  /** Delivers the messages; resolves to the ids the platform would redeliver. */
  queue(msgs: QueueCall[]): Promise<string[]>;
  schedule(): Promise<void>;
  storage(ev: StorageCall): Promise<void>;
  close(): Promise<void>;
  /**
   * The platform itself rejects a malformed body sent as `application/json` with its own 400
   * page before any function code runs (the GCP functions framework's body parser does).
   */
  platformRejectsMalformedJson?: boolean;
  /** False where the queue service has no message attributes (Azure Storage queues). */
  queueAttributes?: boolean;
}

export const TIMEOUT_MS = 6000;
export const START = Date.UTC(2025, 0, 2, 3, 4, 5);

/** A clock that moves 1 ms per reading, so remainingMs() strictly decreases without real waiting. */
export function tickingClock(start = START): () => number {
  let t = start;
  return () => t++;
}

/** The ShimMeta of each neutral function for a target. */
export function metas(target: TargetName): Record<'api' | 'worker' | 'nightly' | 'thumbnail', ShimMeta> {
  const base = { service: 'shop', stage: 'dev', target, region: 'test-region-1', timeoutMs: TIMEOUT_MS, memory: 256 };
  const route = (method: string, path: string) => ({ kind: 'http' as const, method: method as 'GET', path, cors: false });
  return {
    api: {
      ...base,
      functionName: 'api',
      events: [
        route('GET', '/echo/{id}'),
        route('POST', '/echo/{id}'),
        route('ANY', '/files/{path+}'),
        route('POST', '/json'),
        route('GET', '/boom'),
        route('GET', '/teapot'),
        route('GET', '/text'),
        route('GET', '/binary'),
        route('GET', '/empty'),
        route('GET', '/unicode-header'),
        route('GET', '/stream'),
        route('GET', '/stream-body'),
      ],
    },
    worker: { ...base, functionName: 'worker', events: [{ kind: 'queue', queue: 'orders', batchSize: 10, batchWindowMs: 0 }] },
    nightly: {
      ...base,
      functionName: 'nightly',
      events: [{ kind: 'schedule', expression: 'cron(0 3 * * *)', cron: '0 3 * * *', timezone: 'UTC', enabled: true, input: { job: 'nightly' } }],
    },
    thumbnail: { ...base, functionName: 'thumbnail', events: [{ kind: 'storage', bucket: 'uploads', on: ['created', 'deleted'] }] },
  };
}

const parse = (r: HttpResult): Record<string, any> => JSON.parse(r.body.toString('utf8')); // eslint-disable-line @typescript-eslint/no-explicit-any

/** Registers the suite for one shim. `makeDriver` must build fresh shim instances each time. */
export function behaviourSuite(name: string, makeDriver: (now: () => number) => Promise<ShimDriver>): void {
  describe(`${name} shim: neutral handler behaviour`, () => {
    const withDriver = async (fn: (d: ShimDriver) => Promise<void>): Promise<void> => {
      const d = await makeDriver(tickingClock());
      calls.length = 0;
      try {
        await fn(d);
      } finally {
        await d.close();
      }
    };

    it('queue bodies arrive byte for byte: JSON strings, big integers, spacing, non-ASCII (issue 8.12)', () =>
      withDriver(async (d) => {
        const bodies = ['"just a JSON string"', '{"id": 12345678901234567890}', '{ "a" :  1 }\n', 'plain text', '{"emoji":"\u00e9😀"}'];
        const failed = await d.queue(bodies.map((body, i) => ({ id: `raw-${i}`, body, attempt: 1, attributes: {} })));
        expect(failed).toEqual([]);
        const got = calls.filter((c) => c.kind === 'queue').flatMap((c) => (c.value as Array<{ body: string }>).map((m) => m.body));
        expect(got).toEqual(bodies);
      }));

    it('takes every Object.prototype name as a query key, a header and a path parameter (issue 8.1)', () =>
      withDriver(async (d) => {
        const names = Object.getOwnPropertyNames(Object.prototype);
        expect(names).toEqual(expect.arrayContaining(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']));
        for (const name of names) {
          const r = await d.http({ method: 'GET', path: `/echo/${name}`, query: `${name}=q1&${name}=q2&plain=1`, headers: { [name]: `h-${name}`, 'x-echo-headers': name.toLowerCase() } });
          expect([name, r.status]).toEqual([name, 200]);
          const body = parse(r);
          expect(body.pathParams).toEqual({ id: name });
          expect(Object.hasOwn(body.query, name) && body.query[name]).toBe('q1,q2');
          expect(Object.hasOwn(body.queryAll, name) && body.queryAll[name]).toEqual(['q1', 'q2']);
          expect(body.query.plain).toBe('1');
          // A `__proto__` header never reaches a function over HTTP here: undici does not send it and
          // Node's parser cannot store it. JSON payloads can carry it (runtime.test.ts covers that).
          if (name !== '__proto__') expect(body.echoed[name.toLowerCase()]).toBe(`h-${name}`);
        }
      }));

    it('echoes method, path, path params, query (repeated too), lower-case headers and text body', () =>
      withDriver(async (d) => {
        const r = await d.http({ method: 'POST', path: '/echo/42', query: 'a=1&a=2&b=x%20y', headers: { 'X-Test': 'Hi', 'content-type': 'text/plain' }, body: 'hello there' });
        expect(r.status).toBe(200);
        expect(r.headers['content-type']).toMatch(/^application\/json/);
        const b = parse(r);
        expect(b).toMatchObject({
          method: 'POST',
          path: '/echo/42',
          pathParams: { id: '42' },
          query: { a: '1,2', b: 'x y' },
          queryAll: { a: ['1', '2'], b: ['x y'] },
          headers: { 'x-test': 'Hi', 'content-type': 'text/plain' },
          body: 'hello there',
          bytes: 11,
          functionName: 'api',
          target: name,
          hasRequestId: true,
        });
      }));

    it('decodes path params, including a greedy one', () =>
      withDriver(async (d) => {
        expect(parse(await d.http({ method: 'GET', path: '/echo/a%20b' })).pathParams).toEqual({ id: 'a b' });
        const g = parse(await d.http({ method: 'DELETE', path: '/files/x/y/z.jpg' }));
        expect(g.pathParams).toEqual({ path: 'x/y/z.jpg' });
        expect(g.method).toBe('DELETE');
        expect(g.body).toBeNull();
      }));

    it('hands binary request bodies over byte for byte', () =>
      withDriver(async (d) => {
        const r = parse(await d.http({ method: 'POST', path: '/echo/1', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([0xff, 0x00, 0x10, 0x80]) }));
        expect(r.bytes).toBe(4);
      }));

    it('parses JSON bodies and honours custom status and headers', () =>
      withDriver(async (d) => {
        const r = await d.http({ method: 'POST', path: '/json', headers: { 'content-type': 'application/json' }, body: '{"name":"ada"}' });
        expect(r.status).toBe(201);
        expect(r.headers['x-custom']).toBe('yes');
        expect(parse(r)).toEqual({ hello: 'ada' });
      }));

    it('answers 400 for a body that is not JSON', () =>
      withDriver(async (d) => {
        const r = await d.http({ method: 'POST', path: '/json', headers: { 'content-type': 'application/json' }, body: '{nope' });
        expect(r.status).toBe(400);
        if (!d.platformRejectsMalformedJson) expect(parse(r)).toEqual({ error: 'request body is not valid JSON' });
        // Sent as text, the same body reaches the handler on every platform: req.json() answers 400.
        const t = await d.http({ method: 'POST', path: '/json', headers: { 'content-type': 'text/plain' }, body: '{nope' });
        expect([t.status, parse(t)]).toEqual([400, { error: 'request body is not valid JSON' }]);
      }));

    it('turns a thrown error into a 500 that leaks neither message nor stack', () =>
      withDriver(async (d) => {
        const r = await d.http({ method: 'GET', path: '/boom' });
        expect(r.status).toBe(500);
        const text = r.body.toString('utf8');
        expect(text).not.toContain('secret-detail');
        expect(text).not.toMatch(/\bat .*\.ts/);
        expect(JSON.parse(text).error).toBe('Internal Server Error');
      }));

    it('sends an HttpError with its status and message', () =>
      withDriver(async (d) => {
        const r = await d.http({ method: 'GET', path: '/teapot' });
        expect(r.status).toBe(418);
        expect(parse(r)).toEqual({ error: 'short and stout' });
      }));

    it('sends text, binary and empty responses as such', () =>
      withDriver(async (d) => {
        const t = await d.http({ method: 'GET', path: '/text' });
        expect([t.status, t.body.toString('utf8')]).toEqual([200, 'plain words']);
        expect(t.headers['content-type']).toMatch(/^text\/plain/);
        const b = await d.http({ method: 'GET', path: '/binary' });
        expect(b.headers['content-type']).toBe('image/png');
        expect([...b.body]).toEqual([0, 1, 2, 255]);
        const e = await d.http({ method: 'GET', path: '/empty' });
        expect([e.status, e.body.length]).toEqual([204, 0]);
      }));

    it('reports coldStart true on the first invocation only, and remainingMs decreasing', () =>
      withDriver(async (d) => {
        const first = parse(await d.http({ method: 'GET', path: '/echo/1' }));
        const second = parse(await d.http({ method: 'GET', path: '/echo/2' }));
        expect([first.coldStart, second.coldStart]).toEqual([true, false]);
        const [r1, r2] = first.remaining as number[];
        expect(r1).toBeLessThanOrEqual(TIMEOUT_MS);
        expect(r1).toBeGreaterThan(0);
        expect(r2).toBeLessThan(r1);
      }));

    it('delivers queue messages with id, body, attempt and attributes', () =>
      withDriver(async (d) => {
        const failed = await d.queue([{ id: 'm-1', body: '{"order":1}', attempt: 3, attributes: { tenant: 'acme' } }]);
        expect(failed).toEqual([]);
        const seen = calls.filter((c) => c.kind === 'queue').flatMap((c) => c.value as Array<Record<string, unknown>>);
        expect(seen).toHaveLength(1);
        expect(seen[0]).toMatchObject({ id: 'm-1', body: '{"order":1}', attempt: 3 });
        expect(seen[0].attributes).toEqual(d.queueAttributes === false ? {} : { tenant: 'acme' });
        expect(Number.isNaN(Date.parse(seen[0].enqueuedAt as string))).toBe(false);
        expect(calls[0].coldStart).toBe(true);
      }));

    it('fails only the messages the handler lists in { failed }', () =>
      withDriver(async (d) => {
        const failed = await d.queue([
          { id: 'a', body: 'ok', attempt: 1, attributes: {} },
          { id: 'b', body: 'fail', attempt: 1, attributes: {} },
          { id: 'c', body: 'ok', attempt: 1, attributes: {} },
        ]);
        expect(failed).toEqual(['b']);
      }));

    it('fails every message when the queue handler throws', () =>
      withDriver(async (d) => {
        const failed = await d.queue([
          { id: 'x', body: 'throw', attempt: 1, attributes: {} },
        ]);
        expect(failed).toEqual(['x']);
      }));

    it('decodes storage keys and maps created/deleted', () =>
      withDriver(async (d) => {
        await d.storage({ bucket: 'uploads-bkt', key: 'images/Happy Face+1 é.jpg', type: 'created', size: 1024 });
        await d.storage({ bucket: 'uploads-bkt', key: 'images/old one.jpg', type: 'deleted' });
        const evs = calls.filter((c) => c.kind === 'storage').flatMap((c) => c.value as Array<Record<string, unknown>>);
        expect(evs).toEqual([
          expect.objectContaining({ bucket: 'uploads-bkt', key: 'images/Happy Face+1 é.jpg', type: 'created', size: 1024 }),
          expect.objectContaining({ bucket: 'uploads-bkt', key: 'images/old one.jpg', type: 'deleted' }),
        ]);
        expect(evs[1].size).toBeUndefined();
        expect(calls.map((c) => c.coldStart)).toEqual([true, false]);
      }));

    it('sends non-ASCII header values percent-encoded, drops CR/LF ones, and answers 200 (issue 8.12)', () =>
      withDriver(async (d) => {
        const r = await d.http({ method: 'GET', path: '/unicode-header' });
        expect(r.status).toBe(200);
        expect(r.headers['x-name']).toBe('Zo%C3%AB %E2%98%83');
        expect(r.headers['x-bad']).toBeUndefined();
        expect(r.headers.injected).toBeUndefined();
        expect(r.body.toString()).toBe('ok');
      }));

    it('refuses a returned stream with a clear 500 instead of a junk 200 (issue 8.12)', () =>
      withDriver(async (d) => {
        for (const path of ['/stream', '/stream-body']) {
          const r = await d.http({ method: 'GET', path });
          expect([path, r.status]).toEqual([path, 500]);
          expect(r.body.toString()).not.toContain('[object');
        }
      }));

    it('gives every schedule firing its own id (issue 8.12)', () =>
      withDriver(async (d) => {
        await d.schedule();
        await d.schedule();
        const ids = calls.filter((c) => c.kind === 'schedule').map((c) => (c.value as { id: string }).id);
        expect(ids).toHaveLength(2);
        expect(ids[0]).not.toBe(ids[1]);
      }));

    it('fires the schedule handler with an id, a time and the schedule from faas.yaml', () =>
      withDriver(async (d) => {
        await d.schedule();
        const runs = calls.filter((c) => c.kind === 'schedule');
        expect(runs).toHaveLength(1);
        const ev = runs[0].value as Record<string, unknown>;
        expect(typeof ev.id).toBe('string');
        expect((ev.id as string).length).toBeGreaterThan(0);
        expect(Number.isNaN(Date.parse(ev.time as string))).toBe(false);
        expect(ev.expression).toBe('cron(0 3 * * *)');
        expect(ev.input).toEqual({ job: 'nightly' });
        expect(runs[0].remaining[1]).toBeLessThan(runs[0].remaining[0]);
      }));
  });
}
