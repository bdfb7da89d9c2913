import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsEvents, callHttp, callQueue, callStorage, httpRequest, queueMessage, scheduleEvent, storageEvent, testContext } from '../../src/testing/index.js';
import { createAwsHandler } from '../../templates/shims/aws.js';
import { HttpError, type HttpRequest, type QueueMessage, type ScheduleEvent, type StorageEvent } from '../../src/runtime/index.js';
import type { ShimMeta } from '../../src/model/shim.js';

const fixture = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'events', 'aws', name), 'utf8'));

describe('sls-x/testing: neutral builders and calls', () => {
  it('httpRequest builds what the shims build: lower-case headers, parsed query, JSON bodies', () => {
    const req = httpRequest({ method: 'post', path: '/items', query: 'a=1&a=2&b=x', headers: { 'X-Trace': 't' }, body: { name: 'pen' } });
    expect(req.method).toBe('POST');
    expect(req.headers).toMatchObject({ 'x-trace': 't', 'content-type': 'application/json' });
    expect(req.query.b).toBe('x');
    expect(req.queryAll.a).toEqual(['1', '2']);
    expect(req.json()).toEqual({ name: 'pen' });
    expect(httpRequest({ body: 'plain' }).body).toBe('plain');
    expect(() => httpRequest({ method: 'POST' }).json()).toThrow(HttpError);
  });

  it('callHttp answers as the shims do: plain values are 200 JSON, HttpError its status, a throw 500', async () => {
    const ok = await callHttp(async (req) => ({ id: req.pathParams.id }), { pathParams: { id: '7' } });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toContain('application/json');
    expect(ok.json()).toEqual({ id: '7' });
    expect((await callHttp(async () => { throw new HttpError(404, 'nope'); })).status).toBe(404);
    const ctx = testContext();
    const boom = await callHttp(async () => { throw new Error('boom'); }, {}, ctx);
    expect(boom.status).toBe(500);
    expect(ctx.logs.some((l) => l.level === 'error' && l.msg === 'handler failed')).toBe(true);
    const cookie = await callHttp(async () => ({ status: 204, cookies: ['a=1; Path=/'] }));
    expect(cookie.cookies).toEqual(['a=1; Path=/']);
  });

  it('callQueue says which messages would be retried', async () => {
    const a = queueMessage({ n: 1 });
    const b = queueMessage('two', { attempt: 3 });
    expect(b.attempt).toBe(3);
    expect(await callQueue(async () => ({ failed: [b.id] }), [a, b])).toEqual({ failed: [b.id] });
    const thrown = await callQueue(async () => { throw new Error('down'); }, [a, { n: 2 }]);
    expect(thrown.failed).toHaveLength(2);
    expect(thrown.error).toContain('down');
  });

  it('testContext keeps log lines and counts down its deadline on the given clock', async () => {
    let t = 1_000;
    const ctx = testContext({ timeoutMs: 500, now: () => t });
    ctx.log.warn('careful', { n: 1 });
    t += 200;
    expect(ctx.remainingMs()).toBe(300);
    expect(ctx.logs).toEqual([{ level: 'warn', msg: 'careful', data: { n: 1 } }]);
    const seen: StorageEvent[] = [];
    await callStorage(async (evs) => void seen.push(...evs), [storageEvent({ bucket: 'b', key: 'k', size: 3 })]);
    expect(seen).toEqual([{ bucket: 'b', key: 'k', type: 'created', size: 3 }]);
    expect(scheduleEvent({ time: 0 }).time).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('sls-x/testing: AWS events have the published shapes and go through the real AWS shim', () => {
  const meta = (events: ShimMeta['events']): ShimMeta => ({ service: 's', stage: 'dev', functionName: 'fn', target: 'aws', timeoutMs: 3000, events });
  const lambdaCtx = { awsRequestId: 'r-1', getRemainingTimeInMillis: () => 3000 };

  it('apiGatewayV2 carries every field of the published payload 2.0 request that the shim reads', async () => {
    const ev = awsEvents.apiGatewayV2({ method: 'POST', path: '/orders/9', query: { a: '1' }, headers: { 'Content-Type': 'application/json' }, cookies: ['c=1'], pathParameters: { id: '9' }, body: '{"n":1}' });
    const published = fixture('apigw-v2-request-no-authorizer.json');
    for (const key of ['version', 'routeKey', 'rawPath', 'rawQueryString', 'headers', 'requestContext', 'isBase64Encoded']) expect(ev).toHaveProperty(key);
    expect(Object.keys((ev.requestContext as { http: object }).http).sort()).toEqual(Object.keys(published.requestContext.http).sort());
    let seen: HttpRequest | undefined;
    const lambda = createAwsHandler(async (req: HttpRequest) => { seen = req; return { ok: true }; }, meta([{ kind: 'http', method: 'POST', path: '/orders/{id}', cors: false }]), { write: () => {} });
    const res = (await lambda(ev, lambdaCtx)) as { statusCode: number; body: string };
    expect(res.statusCode).toBe(200);
    expect(seen!.pathParams).toEqual({ id: '9' });
    expect(seen!.query.a).toBe('1');
    expect(seen!.headers.cookie).toBe('c=1');
    expect(seen!.json()).toEqual({ n: 1 });
    const binary = awsEvents.apiGatewayV2({ method: 'POST', path: '/orders/9', pathParameters: { id: '9' }, body: new Uint8Array([0xff, 0x00]) });
    await lambda(binary, lambdaCtx);
    expect([...seen!.bytes()]).toEqual([0xff, 0x00]);
  });

  it('sqs and s3 records have the published record keys, and the shim reads them', async () => {
    const sqs = awsEvents.sqs(['{"a":1}', 'x'], { receiveCount: 2, attributes: { k: 'v' } });
    const publishedSqs = fixture('sqs-event.json').Records[0];
    const builtSqs = (sqs.Records as object[])[0]!;
    for (const key of Object.keys(publishedSqs).filter((k) => k !== 'md5OfMessageAttributes')) expect(builtSqs).toHaveProperty(key);
    let msgs: QueueMessage[] = [];
    const worker = createAwsHandler(async (m: QueueMessage[]) => { msgs = m; return { failed: [m[1]!.id] }; }, meta([{ kind: 'queue', queue: 'q', batchSize: 10, batchWindowMs: 0 }]), { write: () => {} });
    expect(await worker(sqs, lambdaCtx)).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-2' }] });
    expect(msgs.map((m) => [m.body, m.attempt, m.attributes.k])).toEqual([['{"a":1}', 2, 'v'], ['x', 2, 'v']]);

    const s3 = awsEvents.s3([{ bucket: 'up', key: 'a b/c+d.jpg', size: 5 }, { bucket: 'up', key: 'gone.txt', type: 'deleted' }]);
    const publishedS3 = fixture('s3-event.json').Records[0];
    expect(Object.keys((s3.Records as object[])[0]!).sort()).toEqual(Object.keys(publishedS3).sort());
    let evs: StorageEvent[] = [];
    const thumbs = createAwsHandler(async (e: StorageEvent[]) => { evs = e; }, meta([{ kind: 'storage', bucket: 'up', on: ['created', 'deleted'] }]), { write: () => {} });
    await thumbs(s3, lambdaCtx);
    expect(evs.map((e) => [e.key, e.type, e.size])).toEqual([['a b/c+d.jpg', 'created', 5], ['gone.txt', 'deleted', undefined]]);
  });

  it('schedule is what sls-x\'s Scheduler target delivers', async () => {
    let got: ScheduleEvent | undefined;
    const job = createAwsHandler(async (e: ScheduleEvent) => { got = e; }, meta([{ kind: 'schedule', expression: 'rate(5 minutes)', rateMs: 300_000, timezone: 'UTC', enabled: true }]), { write: () => {} });
    await job(awsEvents.schedule({ expression: 'rate(5 minutes)', input: { full: true }, id: 'e-1', time: 0 }), lambdaCtx);
    expect(got).toEqual({ id: 'e-1', time: '1970-01-01T00:00:00.000Z', expression: 'rate(5 minutes)', input: { full: true } });
  });
});
