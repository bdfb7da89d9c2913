/**
 * The Azure shim with the real @azure/functions library: registrations captured through the
 * same `@azure/functions-core` hook the Node worker installs, invocations driven through the
 * library's own InvocationModel (RPC in, RPC out), and the per-trigger adapters called with the
 * library's real `HttpRequest` and `InvocationContext` classes.
 *
 * There is no published JSON sample of what Azure triggers receive (see
 * test/fixtures/events/SOURCE.md); the RPC inputs here follow the worker protocol, and the Event
 * Grid event follows the BlobCreated example of the Azure Event Grid documentation.
 */
import azureFunctions from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../src/runtime/shim-kit.js';
import { azureAdapterEnv, azureHttpAdapter, azureQueueAdapter, blobEvent, parseSetCookie, registerAzureFunction } from '../../templates/shims/azure.js';
import * as neutral from '../fixtures/handlers/neutral.js';
import { installFakeHost, type Registration } from './azure-host.js';
import { behaviourSuite, metas, type ShimDriver } from './behaviour.js';

const host = installFakeHost();
const { HttpRequest, InvocationContext } = azureFunctions;

/** Blob event in the Event Grid schema, after the BlobCreated example in the Azure docs. */
function blobGridEvent(type: 'created' | 'deleted', container: string, name: string, size?: number) {
  return {
    topic: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/Storage/providers/Microsoft.Storage/storageAccounts/myaccount',
    subject: `/blobServices/default/containers/${container}/blobs/${name}`,
    eventType: type === 'created' ? 'Microsoft.Storage.BlobCreated' : 'Microsoft.Storage.BlobDeleted',
    eventTime: '2017-06-26T18:41:00.9584103Z',
    id: '831e1650-001e-001b-66ab-eeb76e069631',
    data: {
      api: type === 'created' ? 'PutBlockList' : 'DeleteBlob',
      clientRequestId: '6d79dbfb-0e37-4fc4-981f-442c9ca65760',
      requestId: '831e1650-001e-001b-66ab-eeb76e000000',
      eTag: '"0x8D4BCC2E4835CD0"',
      contentType: 'text/plain',
      ...(size === undefined ? {} : { contentLength: size }),
      blobType: 'BlockBlob',
      url: `https://myaccount.blob.core.windows.net/${container}/${name.split('/').map(encodeURIComponent).join('/')}`,
      sequencer: '00000000000004420000000000028963',
    },
    dataVersion: '',
    metadataVersion: '1',
  };
}

const triggerOf = (reg: Registration) => Object.values(reg.bindings).find((b) => b.direction === 'in')!;

/** Picks the registration the host would route a request to (route template + method). */
function route(regs: Registration[], method: string, path: string) {
  for (const reg of regs) {
    const t = triggerOf(reg);
    if (t.type !== 'httpTrigger') continue;
    const template = '/' + String(t.route).replace(/\{\*([A-Za-z_]\w*)\}/g, '{$1+}');
    const params = matchRoute(template, path);
    if (params && (t.methods as string[]).includes(method)) return { reg, params };
  }
  throw new Error(`no registration for ${method} ${path}`);
}

function azureDriver(now: () => number): ShimDriver {
  host.registrations.length = 0;
  const m = metas('azure');
  const opts = { now, write: () => {} };
  registerAzureFunction(neutral.api, m.api, opts);
  registerAzureFunction(neutral.worker, m.worker, opts);
  registerAzureFunction(neutral.nightly, m.nightly, opts);
  registerAzureFunction(neutral.thumbnail, m.thumbnail, opts);
  const regs = [...host.registrations];
  const byType = (type: string) => regs.find((r) => triggerOf(r).type === type)!;
  return {
    queueAttributes: false,
    async http(call) {
      const { reg, params } = route(regs, call.method, call.path);
      const body = call.body === undefined ? undefined : typeof call.body === 'string' ? { string: call.body } : { bytes: call.body };
      const out = await host.invoke(reg, {
        http: {
          method: call.method,
          url: `https://shop.azurewebsites.net/api${call.path}${call.query ? `?${call.query}` : ''}`,
          headers: { ...call.headers, 'x-forwarded-for': '203.0.113.7:50123' },
          query: Object.fromEntries(new URLSearchParams(call.query ?? '')),
          params,
          body,
        },
      });
      const rpc = out.returnValue.http;
      const raw = rpc.body?.bytes ?? rpc.body?.string ?? '';
      return { status: Number(rpc.statusCode), headers: rpc.headers, body: Buffer.from(raw) };
    },
    async queue(msgs) {
      const failed: string[] = [];
      for (const msg of msgs) {
        try {
          // As the host does: bytes for a dataType binary binding; otherwise JSON-looking text as json.
          const binding = Object.values(byType('queueTrigger').bindings).find((b) => b.type === 'queueTrigger')!;
          const looksJson = (() => { try { JSON.parse(msg.body); return true; } catch { return false; } })();
          const data = binding.dataType === 'binary' ? { bytes: Buffer.from(msg.body) } : looksJson ? { json: msg.body } : { string: msg.body };
          await host.invoke(byType('queueTrigger'), data, {
            Id: { string: msg.id },
            DequeueCount: { json: String(msg.attempt) },
            InsertionTime: { string: '2025-01-02T03:04:05+00:00' },
          });
        } catch {
          failed.push(msg.id); // the host makes it visible again (poison queue after maxDequeueCount)
        }
      }
      return failed;
    },
    async schedule() {
      await host.invoke(byType('timerTrigger'), {
        json: JSON.stringify({ Schedule: { AdjustForDST: true }, ScheduleStatus: { Last: '2025-01-01T03:00:00+00:00', Next: '2025-01-02T03:00:00+00:00', LastUpdated: '2025-01-01T03:00:00+00:00' }, IsPastDue: false }),
      });
    },
    async storage(call) {
      await host.invoke(byType('eventGridTrigger'), { json: JSON.stringify(blobGridEvent(call.type, call.bucket, call.key, call.size)) });
    },
    async close() {},
  };
}

behaviourSuite('azure', async (now) => azureDriver(now));

describe('azure shim: registrations the library builds', () => {
  it('registers one function per http path, queue, timer and an Event Grid trigger for storage', () => {
    azureDriver(Date.now);
    const summary = host.registrations.map((r) => {
      const { type, route, methods, authLevel, queueName, connection, schedule } = triggerOf(r);
      return { name: r.name, type, route, methods, authLevel, queueName, connection, schedule };
    });
    expect(summary.filter((s) => s.type === 'httpTrigger').map((s) => [s.name, s.route, s.methods, s.authLevel])).toEqual([
      ['api-http-1', 'echo/{id}', ['GET', 'POST'], 'anonymous'],
      ['api-http-2', 'files/{*path}', ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'], 'anonymous'],
      ['api-http-3', 'json', ['POST'], 'anonymous'],
      ['api-http-4', 'boom', ['GET'], 'anonymous'],
      ['api-http-5', 'teapot', ['GET'], 'anonymous'],
      ['api-http-6', 'text', ['GET'], 'anonymous'],
      ['api-http-7', 'binary', ['GET'], 'anonymous'],
      ['api-http-8', 'empty', ['GET'], 'anonymous'],
      ['api-http-9', 'unicode-header', ['GET'], 'anonymous'],
      ['api-http-10', 'stream', ['GET'], 'anonymous'],
      ['api-http-11', 'stream-body', ['GET'], 'anonymous'],
    ]);
    expect(summary.filter((s) => s.type !== 'httpTrigger')).toEqual([
      expect.objectContaining({ name: 'worker', type: 'queueTrigger', queueName: '%SLSX_QUEUE_ORDERS%', connection: 'AzureWebJobsStorage' }),
      expect.objectContaining({ name: 'nightly', type: 'timerTrigger', schedule: '0 0 3 * * *' }),
      expect.objectContaining({ name: 'thumbnail', type: 'eventGridTrigger' }),
    ]);
    const http = host.registrations.find((r) => r.name === 'api-http-1')!;
    expect(Object.values(http.bindings).find((b) => b.direction === 'out')).toMatchObject({ type: 'http' });
  });

  it('refuses a rate no NCRONTAB expresses exactly, naming the schedule', () => {
    const meta = { ...metas('azure').nightly, events: [{ kind: 'schedule' as const, expression: 'rate(7 minutes)', rateMs: 420_000, timezone: 'UTC', enabled: true }] };
    expect(() => registerAzureFunction(neutral.nightly, meta)).toThrow(/rate\(7 minutes\).*cannot run on Azure/);
  });
});

describe('azure shim: adapters with the real HttpRequest and InvocationContext', () => {
  const env = () => azureAdapterEnv({ ...metas('azure').api, events: [] }, { write: () => {} });

  it('strips the route prefix, keeps repeated query values and reads the client ip', async () => {
    let seen: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const adapter = azureHttpAdapter(async (req) => void (seen = req), env(), '/orders/{id}');
    const request = new HttpRequest({
      method: 'PUT',
      url: 'https://app.azurewebsites.net/api/orders/a%20b?tag=x&tag=y',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '198.51.100.2:443, 10.0.0.1' },
      query: { tag: 'y' },
      params: { id: 'a b' },
      body: { string: '{"n":1}' },
    });
    const res = await adapter(request, new InvocationContext({ invocationId: 'inv-a', functionName: 'api' }));
    expect(res.status).toBe(204);
    expect(seen).toMatchObject({ method: 'PUT', path: '/orders/a%20b', pathParams: { id: 'a b' }, query: { tag: 'x,y' }, sourceIp: '198.51.100.2', requestId: 'inv-a' });
    expect(seen.json()).toEqual({ n: 1 });
  });

  it('sends cookies as the library Cookie objects, so none is lost', async () => {
    const adapter = azureHttpAdapter(async () => ({ status: 200, cookies: ['a=1; Path=/; HttpOnly', 'b=2; Max-Age=60; SameSite=Lax; Secure'], body: 'ok' }), env(), '/c');
    const res = await adapter(new HttpRequest({ method: 'GET', url: 'http://localhost/api/c' }), new InvocationContext());
    expect(res.cookies).toEqual([
      { name: 'a', value: '1', path: '/', httpOnly: true },
      { name: 'b', value: '2', maxAge: 60, sameSite: 'Lax', secure: true },
    ]);
    expect(parseSetCookie('x=y=z; Expires=Wed, 21 Oct 2015 07:28:00 GMT').expires).toEqual(new Date('2015-10-21T07:28:00Z'));
  });

  it('gives queue messages the dequeue count and text body, and throws on failure', async () => {
    let seen: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
    const ok = azureQueueAdapter(async (msgs) => void (seen = msgs), env());
    const ictx = new InvocationContext({ invocationId: 'i1', triggerMetadata: { id: 'q-1', dequeueCount: 4, insertionTime: '2025-01-02T03:04:05+00:00' } });
    await ok({ order: 1 }, ictx);
    expect(seen[0]).toMatchObject({ id: 'q-1', attempt: 4, body: '{"order":1}', enqueuedAt: '2025-01-02T03:04:05.000Z' });
    const partial = azureQueueAdapter(async (msgs) => ({ failed: [msgs[0].id] }), env());
    await expect(partial('x', ictx)).rejects.toThrow(/q-1 failed/);
  });

  it('maps Event Grid blob events in both schemas and ignores other types', () => {
    expect(blobEvent(blobGridEvent('created', 'uploads', 'a/b c.txt', 5))).toEqual({ bucket: 'uploads', key: 'a/b c.txt', size: 5, etag: '0x8D4BCC2E4835CD0', type: 'created', time: '2017-06-26T18:41:00.9584103Z' });
    const { eventType: _t, eventTime: _e, ...rest } = blobGridEvent('deleted', 'uploads', 'x.txt');
    expect(blobEvent({ ...rest, type: 'Microsoft.Storage.BlobDeleted', source: rest.topic, time: '2020-01-01T00:00:00Z', specversion: '1.0' })).toMatchObject({ key: 'x.txt', type: 'deleted' });
    expect(blobEvent({ ...rest, eventType: 'Microsoft.Storage.BlobTierChanged' })).toBeUndefined();
  });
});
