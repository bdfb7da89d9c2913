import { describe, expect, it } from 'vitest';
import { awsSchedulerInput, classifyAwsEvent, createAwsHandler } from '../../templates/shims/aws.js';
import type { ShimMeta } from '../../src/model/shim.js';
import * as neutral from '../fixtures/handlers/neutral.js';
import { behaviourSuite, metas, TIMEOUT_MS, type HttpResult, type ShimDriver } from './behaviour.js';
import { loadEvent } from './fixtures.js';

/** A Lambda context whose remaining time follows the given clock. */
function lambdaContext(now: () => number, budgetMs = TIMEOUT_MS) {
  const deadline = now() + budgetMs;
  return { awsRequestId: `req-${Math.random().toString(36).slice(2)}`, getRemainingTimeInMillis: () => deadline - now() };
}

/** S3 notifications form-encode keys: space as `+`, `+` as `%2B`, `/` kept. */
const s3Encode = (key: string): string => encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');

function awsDriver(now: () => number): ShimDriver {
  let firings = 0;
  const m = metas('aws');
  const opts = { now, write: () => {} };
  const api = createAwsHandler(neutral.api, m.api, opts);
  const worker = createAwsHandler(neutral.worker, m.worker, opts);
  const nightly = createAwsHandler(neutral.nightly, m.nightly, opts);
  const thumbnail = createAwsHandler(neutral.thumbnail, m.thumbnail, opts);
  return {
    async http(call) {
      // A real Function URL payload (payload format 2.0) with this call's parts.
      const ev = loadEvent('aws/function-url-request-with-headers-and-cookies-and-text-body.json');
      ev.rawPath = call.path;
      ev.requestContext.http.path = call.path;
      ev.requestContext.http.method = call.method;
      ev.rawQueryString = call.query ?? '';
      // API Gateway sends JSON: any key, `__proto__` and `constructor` included, is an own key.
      const qsp: Record<string, string[]> = Object.create(null);
      for (const [k, v] of new URLSearchParams(call.query ?? '')) (qsp[k] ??= []).push(v);
      ev.queryStringParameters = call.query ? Object.fromEntries(Object.entries(qsp).map(([k, v]) => [k, v.join(',')])) : undefined;
      const headers: Record<string, string> = Object.assign(Object.create(null), ev.headers);
      delete headers['content-type'];
      delete headers['content-length'];
      for (const [k, v] of Object.entries(call.headers ?? {})) headers[k.toLowerCase()] = v; // Lambda lower-cases names
      ev.headers = headers;
      if (call.body === undefined) {
        delete ev.body;
        ev.isBase64Encoded = false;
      } else if (typeof call.body === 'string') {
        ev.body = call.body;
        ev.isBase64Encoded = false;
      } else {
        ev.body = Buffer.from(call.body).toString('base64');
        ev.isBase64Encoded = true;
      }
      const out = (await api(ev, lambdaContext(now))) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const body: Buffer = out.body === undefined ? Buffer.alloc(0) : Buffer.from(out.body, out.isBase64Encoded ? 'base64' : 'utf8');
      return { status: out.statusCode, headers: out.headers, body } satisfies HttpResult;
    },
    async queue(msgs) {
      const template = loadEvent('aws/sqs-event.json').Records[0];
      const Records = msgs.map((msg) => ({
        ...template,
        messageId: msg.id,
        body: msg.body,
        attributes: { ...template.attributes, ApproximateReceiveCount: String(msg.attempt) },
        messageAttributes: Object.fromEntries(Object.entries(msg.attributes).map(([k, v]) => [k, { stringValue: v, stringListValues: [], binaryListValues: [], dataType: 'String' }])),
      }));
      try {
        const out = (await worker({ Records }, lambdaContext(now))) as { batchItemFailures: Array<{ itemIdentifier: string }> };
        return out.batchItemFailures.map((f) => f.itemIdentifier);
      } catch {
        return msgs.map((x) => x.id); // Lambda retries the whole batch on a function error
      }
    },
    async schedule() {
      // EventBridge gives every firing its own event id.
      const ev = loadEvent('aws/cloudwatch_event.json');
      ev.id = `${ev.id}-${++firings}`;
      await nightly(ev, lambdaContext(now));
    },
    async storage(call) {
      const ev = loadEvent(call.type === 'created' ? 'aws/s3-event.json' : 'aws/s3EventDeleteObject.json');
      ev.Records[0].s3.bucket.name = call.bucket;
      ev.Records[0].s3.object.key = s3Encode(call.key);
      if (call.size !== undefined) ev.Records[0].s3.object.size = call.size;
      await thumbnail(ev, lambdaContext(now));
    },
    async close() {},
  };
}

behaviourSuite('aws', async (now) => awsDriver(now));

/** An echo of everything the neutral request holds, for the payload-by-payload checks. */
const echo = async (req: import('../../src/runtime/index.js').HttpRequest) => ({
  method: req.method,
  path: req.path,
  pathParams: req.pathParams,
  query: req.query,
  queryAll: req.queryAll,
  headers: req.headers,
  body: req.body ?? null,
  bytes: [...req.bytes()],
  requestId: req.requestId,
  sourceIp: req.sourceIp,
});
const bare: ShimMeta = { ...metas('aws').api, functionName: 'echo', events: [] };
const ctx = () => ({ awsRequestId: 'lambda-req-1', getRemainingTimeInMillis: () => 3000 });
const call = async (handler: Function, ev: unknown) => (await createAwsHandler(handler, bare, { write: () => {} })(ev, ctx())) as any; // eslint-disable-line

describe('aws shim: real API Gateway v2 / Function URL payloads', () => {
  it('maps the HTTP API request with IAM auth: repeated query, cookies, path params, text body', async () => {
    const out = await call(echo, loadEvent('aws/apigw-v2-request-iam.json'));
    expect(out.statusCode).toBe(200);
    expect(out.isBase64Encoded).toBe(false);
    const b = JSON.parse(out.body);
    expect(b).toMatchObject({
      method: 'GET',
      path: '/my/path',
      pathParams: { proxy: 'hello/world' },
      query: { parameter1: 'value1,value2', parameter2: 'value' },
      queryAll: { parameter1: ['value1', 'value2'], parameter2: ['value'] },
      headers: { header1: 'value1', header2: 'value2', cookie: 'cookie1; cookie2' },
      body: '{\r\n\t"a": 1\r\n}',
      requestId: 'id',
      sourceIp: 'IP',
    });
  });

  it('decodes a base64 Function URL body', async () => {
    const b = JSON.parse((await call(echo, loadEvent('aws/function-url-domain-only-request-with-base64-encoded-body.json'))).body);
    expect(b.body).toBe('<idk/>');
    expect(b.bytes).toEqual([...Buffer.from('<idk/>')]);
    expect(b.headers['content-type']).toBe('idk');
    expect(b.sourceIp).toBe('127.0.0.1');
  });

  it('does not double the cookies when both the cookie header and the cookies array are present', async () => {
    const b = JSON.parse((await call(echo, loadEvent('aws/function-url-request-with-headers-and-cookies-and-text-body.json'))).body);
    expect(b.headers.cookie).toBe('foo=bar; hello=hello');
    expect(b.headers.header2).toBe('h1,h2');
    expect(b.query).toEqual({ hello: 'world', foo: 'bar' });
  });

  it('handles a request with no body key at all', async () => {
    const b = JSON.parse((await call(echo, loadEvent('aws/function-url-domain-only-get-request.json'))).body);
    expect([b.method, b.path, b.body, b.bytes]).toEqual(['GET', '/', null, []]);
  });

  it.each([
    'apigw-v2-request-iam.json',
    'apigw-v2-request-jwt-authorizer.json',
    'apigw-v2-request-lambda-authorizer.json',
    'apigw-v2-request-no-authorizer.json',
    'function-url-domain-only-get-request.json',
    'function-url-domain-only-request-with-base64-encoded-body.json',
    'function-url-request-with-headers-and-cookies-and-text-body.json',
    'lambda-urls-request.json',
  ])('recognizes %s as HTTP and answers it', async (file) => {
    const ev = loadEvent(`aws/${file}`);
    expect(classifyAwsEvent(ev)).toBe('http');
    const out = await call(echo, ev);
    expect(out.statusCode).toBe(200);
    expect(JSON.parse(out.body).method).toBe(ev.requestContext.http.method);
  });

  it('answers in the payload 2.0 response shape of the published samples', async () => {
    const sample = loadEvent('aws/lambda-urls-response.json');
    const out = await call(
      async () => ({ status: 201, headers: { 'Content-Type': 'application/json', 'My-Custom-Header': 'Custom Value' }, cookies: sample.cookies, body: sample.body }),
      loadEvent('aws/lambda-urls-request.json'),
    );
    expect(out).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'application/json', 'my-custom-header': 'Custom Value' },
      cookies: sample.cookies,
      body: sample.body,
      isBase64Encoded: false,
    });
    expect(Object.keys(out).sort()).toEqual(Object.keys(sample).sort());
    const v2 = loadEvent('aws/apigw_v2_http_response.json');
    const keys = new Set(Object.keys(v2));
    expect(Object.keys(out).every((k) => keys.has(k))).toBe(true);
  });

  it('routes a Function URL request by the routes in meta: params, 404, 405', async () => {
    const meta: ShimMeta = { ...bare, events: [{ kind: 'http', method: 'GET', path: '/orders/{id}', cors: false }] };
    const h = createAwsHandler(echo, meta, { write: () => {} });
    const ev = loadEvent('aws/function-url-domain-only-get-request.json');
    ev.rawPath = '/orders/a%2Fb';
    const ok = (await h(ev, ctx())) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(JSON.parse(ok.body).pathParams).toEqual({ id: 'a/b' });
    ev.rawPath = '/nothing';
    expect(((await h(ev, ctx())) as any).statusCode).toBe(404); // eslint-disable-line @typescript-eslint/no-explicit-any
    ev.rawPath = '/orders/1';
    ev.requestContext.http.method = 'DELETE';
    const denied = (await h(ev, ctx())) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect([denied.statusCode, denied.headers.allow]).toEqual([405, 'GET']);
  });

  it('strips a named stage from rawPath', async () => {
    const ev = loadEvent('aws/apigw-v2-request-no-authorizer.json');
    ev.requestContext.stage = 'prod';
    ev.rawPath = '/prod/items';
    expect(JSON.parse((await call(echo, ev)).body).path).toBe('/items');
  });
});

describe('aws shim: SQS, S3 and schedule payloads', () => {
  it('maps the published SQS record: attempt, attributes (binary kept base64), enqueue time', async () => {
    let seen: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
    const out = await call(async (msgs: any[]) => void (seen = msgs), loadEvent('aws/sqs-event.json')); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(out).toEqual({ batchItemFailures: [] });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      id: 'MessageID_1',
      body: 'Message Body',
      attempt: 2,
      attributes: { Attribute1: 'AttributeValue1', Attribute2: '123', Attribute3: 'MTEwMA==' },
      enqueuedAt: new Date(1520621625029).toISOString(),
    });
  });

  it('rethrows a queue handler error so Lambda retries the whole batch', async () => {
    await expect(call(async () => { throw new Error('db down'); }, loadEvent('aws/sqs-event.json'))).rejects.toThrow('db down');
  });

  it('fails the whole batch when the handler returns a malformed result', async () => {
    await expect(call(async () => ({ failed: 'MessageID_1' }), loadEvent('aws/sqs-event.json'))).rejects.toThrow(/failed: string\[\]/);
  });

  it('maps the published S3 created and deleted notifications', async () => {
    let created: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
    await call(async (evs: any[]) => void (created = evs), loadEvent('aws/s3-event.json')); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(created).toEqual([{ bucket: 'sourcebucket', key: 'Happy Face.jpg', size: 1024, etag: 'd41d8cd98f00b204e9800998ecf8427e', type: 'created', time: '1970-01-01T00:00:00.123Z' }]);
    let deleted: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
    await call(async (evs: any[]) => void (deleted = evs), loadEvent('aws/s3EventDeleteObject.json')); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(deleted).toEqual([{ bucket: 'lambda-artifacts-deafc19498e3f2df', key: 'b21b84d653bb07b05b1e6b33684dc11b', type: 'deleted', time: '2019-09-03T19:37:27.192Z' }]);
  });

  it('does not call the storage handler for other S3 event kinds', async () => {
    const ev = loadEvent('aws/s3-event.json');
    ev.Records[0].eventName = 'ObjectRestore:Completed';
    let called = false;
    await call(async () => void (called = true), ev);
    expect(called).toBe(false);
  });

  it('maps the classic Scheduled Event and an EventBridge Scheduler input', async () => {
    const meta = metas('aws').nightly;
    let ev: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const h = createAwsHandler(async (e: unknown) => void (ev = e), meta, { write: () => {} });
    await h(loadEvent('aws/cloudwatch_event.json'), ctx());
    expect(ev).toEqual({ id: 'fae0433b-7a0e-e383-7849-7e10153eaa47', time: '2020-09-30T15:58:34.000Z', expression: 'cron(0 3 * * *)', input: { job: 'nightly' } });
    // What Scheduler delivers once it fills the context attributes of the input we set.
    const input = awsSchedulerInput(meta.events[0] as never)
      .replace('<aws.scheduler.execution-id>', 'exec-7')
      .replace('<aws.scheduler.scheduled-time>', '2025-01-01T03:00:00Z');
    await h(JSON.parse(input), ctx());
    expect(ev).toEqual({ id: 'exec-7', time: '2025-01-01T03:00:00.000Z', expression: 'cron(0 3 * * *)', input: { job: 'nightly' } });
  });

  it('gives ctx a deadline from getRemainingTimeInMillis and writes one JSON log line per call', async () => {
    const lines: string[] = [];
    let seen: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const h = createAwsHandler(
      async (_e: unknown, c: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        seen = { deadline: c.deadline, remaining: c.remainingMs(), requestId: c.requestId, region: c.region };
        c.log.info('hello', { n: 1 });
        c.log.error('bad', { err: new Error('x') });
      },
      metas('aws').nightly,
      { now: () => 1_000_000, write: (l) => lines.push(l) },
    );
    await h(loadEvent('aws/cloudwatch_event.json'), { awsRequestId: 'r-9', getRemainingTimeInMillis: () => 2500 });
    expect(seen).toEqual({ deadline: 1_002_500, remaining: 2500, requestId: 'r-9', region: 'test-region-1' });
    expect(lines).toHaveLength(2);
    const [a, b] = lines.map((l) => JSON.parse(l));
    expect(a).toEqual({ time: new Date(1_000_000).toISOString(), level: 'info', fn: 'nightly', requestId: 'r-9', msg: 'hello', data: { n: 1 } });
    expect(b.data.err).toMatchObject({ name: 'Error', message: 'x' });
  });

  it('refuses an event it does not know for a function without schedules', async () => {
    await expect(call(echo, { hello: 'world' })).rejects.toThrow(/does not recognize.*hello/);
  });

  it('refuses a handler that is not a function', () => {
    expect(() => createAwsHandler({} as never, bare)).toThrow(/not a function/);
  });
});

describe('aws shim: secrets', () => {
  const event = () => loadEvent('aws/cloudwatch_event.json');
  const lambdaCtx = { awsRequestId: 'r-1', getRemainingTimeInMillis: () => 1000 };

  it('puts secret values into process.env before the first invocation, fetching once per instance', async () => {
    process.env.SLSX_SECRETS = JSON.stringify({ STRIPE_KEY: 'shop/dev/STRIPE_KEY' });
    delete process.env.STRIPE_KEY;
    const asked: Array<Record<string, string>> = [];
    const seen: Array<string | undefined> = [];
    try {
      const h = createAwsHandler(async () => void seen.push(process.env.STRIPE_KEY), metas('aws').nightly, {
        write: () => {},
        loadSecrets: async (ids) => {
          asked.push(ids);
          return { STRIPE_KEY: 'sk_test_123' };
        },
      });
      await h(event(), lambdaCtx);
      await h(event(), lambdaCtx);
      expect(asked).toEqual([{ STRIPE_KEY: 'shop/dev/STRIPE_KEY' }]);
      expect(seen).toEqual(['sk_test_123', 'sk_test_123']);
    } finally {
      delete process.env.SLSX_SECRETS;
      delete process.env.STRIPE_KEY;
    }
  });

  it('fails the invocation naming the secret id (never a value) and retries on the next one', async () => {
    process.env.SLSX_SECRETS = JSON.stringify({ DB_PASSWORD: 'shop/dev/DB_PASSWORD' });
    let calls = 0;
    let ran = 0;
    try {
      const h = createAwsHandler(async () => void ran++, metas('aws').nightly, {
        write: () => {},
        loadSecrets: async () => {
          calls++;
          if (calls === 1) throw Object.assign(new Error('User is not authorized to perform secretsmanager:GetSecretValue'), { name: 'AccessDeniedException' });
          return { DB_PASSWORD: 'hunter2' };
        },
      });
      await expect(h(event(), lambdaCtx)).rejects.toThrow(/could not read secret\(s\) DB_PASSWORD \(shop\/dev\/DB_PASSWORD\): AccessDeniedException/);
      expect(ran).toBe(0);
      await h(event(), lambdaCtx);
      expect(ran).toBe(1);
      expect(process.env.DB_PASSWORD).toBe('hunter2');
    } finally {
      delete process.env.SLSX_SECRETS;
      delete process.env.DB_PASSWORD;
    }
  });

  it('needs no secret store when the function references no secrets', async () => {
    delete process.env.SLSX_SECRETS;
    let loaded = false;
    const h = createAwsHandler(async () => 'ok', metas('aws').nightly, { write: () => {}, loadSecrets: async () => ((loaded = true), {}) });
    await h(event(), lambdaCtx);
    expect(loaded).toBe(false);
  });
});
