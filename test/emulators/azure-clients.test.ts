/**
 * The queue and bucket clients on Azure, against Azurite (Microsoft's Storage emulator) in its
 * OAuth mode: HTTPS, bearer tokens checked, user-delegation SAS checked. The functions run
 * through the real @azure/functions library (test/shims/azure-host.ts) as the Functions host
 * drives it; the token comes from a loopback App Service managed identity endpoint. What lands
 * in Storage is read back here with plain REST calls, not with the code under test.
 *
 * Not covered here (Azurite does not do it): role assignments (RBAC is not enforced, any valid
 * token may do anything), the Functions host's own queue polling (the test hands the worker the
 * message bytes the way the host does for a dataType binary trigger).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFakeHost, type Registration } from '../shims/azure-host.js';
import { registerAzureFunction } from '../../templates/shims/azure.js';
import { azureResources, ENVELOPE_PREFIX } from '../../templates/shims/common/azure-resources.js';
import { bucket, queue, type HttpRequest, type QueueMessage } from '../../src/runtime/index.js';
import { installResourceDriver, installResourceScope } from '../../src/runtime/resources.js';
import type { ShimMeta } from '../../src/model/shim.js';
import { ACCOUNT, startAzurite, startIdentityEndpoint, storageToken, type Azurite, type IdentityEndpoint } from './support/azurite.js';

const host = installFakeHost();
const CLIENT_ID = '0b9e1c55-3d2a-4c7e-9f10-6a5b4c3d2e1f';
const ORDERS = 'shop-dev-orders';
const RECEIPTS = 'shop-dev-receipts';
const VERSION = '2022-11-02';

let az: Azurite;
let identity: IdentityEndpoint;
const saved = { ...process.env };

/** A plain REST call to Azurite as an administrator (not through the code under test). */
async function admin(method: string, url: string, body?: string, headers: Record<string, string> = {}): Promise<Response> {
  return az.fetch(url, { method, headers: { authorization: `Bearer ${storageToken()}`, 'x-ms-version': VERSION, ...headers }, ...(body === undefined ? {} : { body }) });
}

/** Every message on the queue (dequeued, then deleted), as the bytes the host would hand over. */
async function drain(queueName: string): Promise<Array<{ id: string; bytes: Buffer; dequeueCount: number }>> {
  const out: Array<{ id: string; bytes: Buffer; dequeueCount: number }> = [];
  for (let round = 0; round < 20; round++) {
    const res = await admin('GET', `${az.queueUrl}/${queueName}/messages?numofmessages=32&visibilitytimeout=30`);
    expect(res.status).toBe(200);
    const xml = await res.text();
    const msgs = [...xml.matchAll(/<QueueMessage>([\s\S]*?)<\/QueueMessage>/g)].map((m) => m[1]!);
    if (!msgs.length) break;
    for (const m of msgs) {
      const get = (tag: string) => new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(m)![1]!;
      out.push({ id: get('MessageId'), bytes: Buffer.from(get('MessageText'), 'base64'), dequeueCount: Number(get('DequeueCount')) });
      const del = await admin('DELETE', `${az.queueUrl}/${queueName}/messages/${get('MessageId')}?popreceipt=${encodeURIComponent(get('PopReceipt'))}`);
      expect(del.status).toBe(204);
    }
  }
  return out;
}

const triggerOf = (reg: Registration) => Object.values(reg.bindings).find((b) => b.direction === 'in')!;

const received: Array<{ body: string; bytes: Uint8Array; attributes: Record<string, string> }> = [];

const meta = (m: Omit<ShimMeta, 'target' | 'service' | 'stage' | 'timeoutMs'>): ShimMeta => ({ target: 'azure', service: 'shop', stage: 'dev', timeoutMs: 10_000, ...m });

const handlers = {
  /** POST /orders enqueues the order with an attribute; GET /sign/{key} signs a receipt's URL; POST /misuse tries what it did not declare. */
  async api(req: HttpRequest) {
    if (req.path === '/orders') {
      const order = req.json<{ id: string }>();
      const { id } = await queue('orders').send(order, { attributes: { source: 'api' } });
      return { status: 202, body: { messageId: id } };
    }
    if (req.path.startsWith('/sign/')) return { status: 200, body: { url: await bucket('receipts').signedUrl(req.pathParams.key!, { method: 'GET', expiresIn: 300 }) } };
    try {
      await bucket('receipts').put('x', 'not allowed: api reads receipts only');
      return { status: 200, body: 'wrote' };
    } catch (err) {
      return { status: 403, body: (err as Error).message };
    }
  },
  /** The worker writes a receipt per order; it may not send. */
  async worker(msgs: QueueMessage[]) {
    for (const msg of msgs) {
      received.push({ body: msg.body, bytes: msg.bytes(), attributes: msg.attributes });
      if (msg.attributes.source !== 'api') continue;
      const order = msg.json<{ id: string }>();
      await bucket('receipts').put(`receipts/${order.id}.json`, { order, attributes: msg.attributes, attempt: msg.attempt });
      await expect(queue('orders').send('worker may not send')).rejects.toThrow(/queue 'orders' is not declared for this function: add 'orders' to `sends:` of function 'worker'/);
    }
  },
};

let regs: Registration[];

/** One HTTP invocation of the registration whose route is `route` (e.g. `sign/{*key}`). */
async function invokeHttp(method: string, route: string, path: string, body?: unknown, params: Record<string, string> = {}) {
  const reg = regs.find((r) => triggerOf(r).type === 'httpTrigger' && triggerOf(r).route === route)!;
  const out = await host.invoke(reg, {
    http: {
      method,
      url: `https://shop.azurewebsites.net/api${path}`,
      headers: { 'content-type': 'application/json' },
      query: {},
      params,
      ...(body === undefined ? {} : { body: { string: JSON.stringify(body) } }),
    },
  });
  const rpc = out.returnValue.http;
  return { status: Number(rpc.statusCode), body: Buffer.from(rpc.body?.bytes ?? rpc.body?.string ?? '').toString() };
}

/** The worker invoked as the host does for a dataType binary queue trigger: the message's bytes. */
async function deliver(m: { id: string; bytes: Buffer; dequeueCount: number }) {
  const reg = regs.find((r) => triggerOf(r).type === 'queueTrigger')!;
  expect(triggerOf(reg).dataType).toBe('binary');
  await host.invoke(reg, { bytes: m.bytes }, { Id: { string: m.id }, DequeueCount: { json: String(m.dequeueCount) }, InsertionTime: { string: new Date().toISOString() } });
}

beforeAll(async () => {
  az = await startAzurite({ oauth: true });
  identity = await startIdentityEndpoint({ clientId: CLIENT_ID });
  for (const [url, ok] of [
    [`${az.queueUrl}/${ORDERS}`, 201],
    [`${az.blobUrl}/${RECEIPTS}?restype=container`, 201],
  ] as const) {
    expect((await admin('PUT', url)).status).toBe(ok);
  }
  Object.assign(process.env, {
    AzureWebJobsStorage__accountName: ACCOUNT,
    AzureWebJobsStorage__clientId: CLIENT_ID,
    AzureWebJobsStorage__credential: 'managedidentity',
    AzureWebJobsStorage__blobServiceUri: az.blobUrl,
    AzureWebJobsStorage__queueServiceUri: az.queueUrl,
    IDENTITY_ENDPOINT: identity.url,
    IDENTITY_HEADER: identity.secret,
    SLSX_QUEUE_ORDERS: ORDERS,
    SLSX_BUCKET_RECEIPTS: RECEIPTS,
  });
  host.registrations.length = 0;
  const opts = { fetch: az.fetch, write: (l: string) => void (process.env.DEBUG_AZ ? console.log(l) : undefined) };
  registerAzureFunction(handlers.api, meta({ functionName: 'api', events: [{ kind: 'http', method: 'POST', path: '/orders' }, { kind: 'http', method: 'GET', path: '/sign/{key+}' }, { kind: 'http', method: 'POST', path: '/misuse' }], sends: ['orders'], buckets: { receipts: 'read' } }), opts);
  registerAzureFunction(handlers.worker, meta({ functionName: 'worker', events: [{ kind: 'queue', queue: 'orders' }], buckets: { receipts: 'readwrite' } }), opts);
  regs = [...host.registrations];
}, 60_000);

afterAll(async () => {
  installResourceDriver(undefined);
  installResourceScope(undefined);
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  await identity?.stop();
  await az?.stop();
  host.restore();
});

describe('azure clients on Azurite (managed identity, user-delegation SAS)', () => {
  it('HTTP -> queue.send -> the worker through the queue trigger -> bucket.put: the receipt lands in the container', async () => {
    const res = await invokeHttp('POST', 'orders', '/orders', { id: 'o-1', total: 42, note: 'crème brûlée' });
    expect(res.status).toBe(202);
    const messageId = JSON.parse(res.body).messageId as string;
    const msgs = await drain(ORDERS);
    expect(msgs.map((m) => m.id)).toEqual([messageId]);
    received.length = 0;
    await deliver(msgs[0]!);
    expect(received).toHaveLength(1);
    expect(received[0]!.attributes).toEqual({ source: 'api' });
    const blob = await admin('GET', `${az.blobUrl}/${RECEIPTS}/receipts/o-1.json`);
    expect(blob.status).toBe(200);
    expect(blob.headers.get('content-type')).toBe('application/json');
    expect(await blob.json()).toEqual({ order: { id: 'o-1', total: 42, note: 'crème brûlée' }, attributes: { source: 'api' }, attempt: 1 });
  });

  it('holds each function of the one app to its own declarations', async () => {
    const res = await invokeHttp('POST', 'misuse', '/misuse', {});
    expect(res.status).toBe(403);
    expect(res.body).toMatch(/bucket 'receipts' is declared with access: read, so it cannot be written/);
    expect((await admin('HEAD', `${az.blobUrl}/${RECEIPTS}/x`)).status).toBe(404);
  });

  it('message bodies round-trip byte for byte through Storage and the queue trigger (text, JSON, binary, attributes)', async () => {
    const all = new Uint8Array(256).map((_, i) => i);
    const cases: Array<{ send: () => Promise<unknown>; body: Uint8Array; attributes: Record<string, string> }> = [
      { send: () => queue('orders').send('plain text ✓ 𝄞'), body: new TextEncoder().encode('plain text ✓ 𝄞'), attributes: {} },
      { send: () => queue('orders').send('"a JSON string"'), body: new TextEncoder().encode('"a JSON string"'), attributes: {} },
      { send: () => queue('orders').send({ big: '12345678901234567890', n: 1.5 }), body: new TextEncoder().encode('{"big":"12345678901234567890","n":1.5}'), attributes: {} },
      { send: () => queue('orders').send(all), body: all, attributes: {} },
      { send: () => queue('orders').send(all, { attributes: { kind: 'bytes', empty: '' } }), body: all, attributes: { kind: 'bytes', empty: '' } },
      { send: () => queue('orders').send(ENVELOPE_PREFIX + 'looks like an envelope'), body: new TextEncoder().encode(ENVELOPE_PREFIX + 'looks like an envelope'), attributes: {} },
    ];
    for (const c of cases) {
      await c.send();
      const [m] = await drain(ORDERS);
      received.length = 0;
      await deliver(m!);
      expect(Buffer.from(received[0]!.bytes).equals(Buffer.from(c.body))).toBe(true);
      expect(received[0]!.attributes).toEqual(c.attributes);
    }
  });

  it('sendBatch sends in chunks and returns the failures it cannot send, without losing the rest', async () => {
    const entries = Array.from({ length: 40 }, (_, i) => ({ body: `m${i}` }));
    entries[17] = { body: 'x'.repeat(60 * 1024) };
    const out = await queue('orders').sendBatch(entries);
    expect(out.sent.map((s) => s.index)).toEqual(Array.from({ length: 40 }, (_, i) => i).filter((i) => i !== 17));
    expect(out.failed).toEqual([{ index: 17, error: expect.stringMatching(/Azure Storage queues take at most 49152/) }]);
    const msgs = await drain(ORDERS);
    expect(msgs.map((m) => m.bytes.toString()).sort()).toEqual(entries.filter((_, i) => i !== 17).map((e) => e.body).sort());
  });

  it('a delay keeps the message invisible until it is due', async () => {
    await queue('orders').send('later', { delay: 2 });
    const peek = async () => (await (await admin('GET', `${az.queueUrl}/${ORDERS}/messages?peekonly=true&numofmessages=32`)).text()).includes('<MessageText>');
    expect(await peek()).toBe(false);
    let seen = false;
    for (let i = 0; i < 30 && !seen; i++) {
      await new Promise((r) => setTimeout(r, 200));
      seen = await peek();
    }
    expect(seen).toBe(true);
    expect((await drain(ORDERS)).map((m) => m.bytes.toString())).toEqual(['later']);
  });

  it('put, get, head, list with prefix and cursor, delete: keys with spaces, unicode, % and #', async () => {
    const files = bucket('receipts');
    const keys = ['docs/a b.txt', 'docs/ünï.txt', 'docs/100%.txt', 'docs/#1?.txt', 'other/z.txt'];
    for (const k of keys) await files.put(k, `content of ${k}`);
    const bin = new Uint8Array(1000).map((_, i) => (i * 7) % 256);
    const put = await files.put('docs/bin', bin, { contentType: 'application/x-thing' });
    expect(put).toMatchObject({ key: 'docs/bin', size: 1000, contentType: 'application/x-thing' });
    const got = await files.get('docs/bin');
    expect(Buffer.from(got!.bytes()).equals(Buffer.from(bin))).toBe(true);
    expect(got).toMatchObject({ size: 1000, contentType: 'application/x-thing', etag: put.etag });
    expect((await files.get('docs/100%.txt'))!.text()).toBe('content of docs/100%.txt');
    expect(await files.head('docs/ünï.txt')).toMatchObject({ key: 'docs/ünï.txt', size: Buffer.byteLength('content of docs/ünï.txt'), contentType: 'text/plain; charset=utf-8' });
    // Independently: the blob is there under the exact name.
    expect((await admin('HEAD', `${az.blobUrl}/${RECEIPTS}/docs/%231%3F.txt`)).status).toBe(200);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await files.list({ prefix: 'docs/', limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.objects.map((o) => o.key));
      cursor = page.cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(['docs/#1?.txt', 'docs/100%.txt', 'docs/a b.txt', 'docs/bin', 'docs/ünï.txt'].sort());
    await files.delete('docs/a b.txt');
    await files.delete('docs/a b.txt'); // no error when there is none
    expect(await files.get('docs/a b.txt')).toBeUndefined();
    expect(await files.head('docs/a b.txt')).toBeUndefined();
    expect((await admin('HEAD', `${az.blobUrl}/${RECEIPTS}/docs/a%20b.txt`)).status).toBe(404);
  });

  it('signed URLs are user-delegation SAS that Azurite accepts: GET reads, PUT writes, a GET URL cannot write, a changed one is refused, an expired one too', async () => {
    const files = bucket('receipts');
    await files.put('signed/report 1.txt', 'signed content');
    const res = await invokeHttp('GET', 'sign/{*key}', '/sign/signed%2Freport%201.txt', undefined, { key: 'signed/report 1.txt' });
    expect(res.status).toBe(200);
    const url = JSON.parse(res.body).url as string;
    expect(url).toMatch(/[?&]skoid=[^&]+/);
    expect(url).toMatch(/[?&]sp=r&/);
    const anon = await az.fetch(url);
    expect(anon.status).toBe(200);
    expect(await anon.text()).toBe('signed content');
    // The signature covers the permissions: asking for write with a read URL fails.
    const forged = await az.fetch(url.replace('sp=r&', 'sp=rw&'));
    expect(forged.status).toBe(403);
    const noWrite = await az.fetch(url, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'overwritten' });
    expect(noWrite.status).toBe(403);
    const putUrl = await files.signedUrl('signed/upload.bin', { method: 'PUT', expiresIn: 60 });
    const up = await az.fetch(putUrl, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'application/octet-stream' }, body: new Uint8Array([1, 2, 3]) });
    expect(up.status).toBe(201);
    expect(Array.from((await files.get('signed/upload.bin'))!.bytes())).toEqual([1, 2, 3]);
    const short = await files.signedUrl('signed/report 1.txt', { method: 'GET', expiresIn: 1 });
    await new Promise((r) => setTimeout(r, 2100));
    expect((await az.fetch(short)).status).toBe(403);
  });

  it('takes one token from the identity endpoint for the app\'s identity and reuses it', async () => {
    const before = identity.requests.length;
    const env = { ...process.env };
    const driver = azureResources(env, az.fetch);
    const ref = { name: 'receipts', physical: RECEIPTS };
    await driver.put(ref, 'token/a', new Uint8Array([1]), undefined);
    await driver.get(ref, 'token/a');
    await driver.list(ref, { limit: 10 });
    await driver.sendBatch({ name: 'orders', physical: ORDERS }, [{ body: 'x', attributes: {} }]);
    await drain(ORDERS);
    const asked = identity.requests.slice(before);
    expect(asked).toEqual([{ resource: 'https://storage.azure.com/', clientId: CLIENT_ID, apiVersion: '2019-08-01' }]);
  });

  it('says what is wrong when the identity endpoint refuses, and when a container is missing', async () => {
    const driver = azureResources({ ...process.env, IDENTITY_HEADER: 'wrong' }, az.fetch);
    await expect(driver.get({ name: 'receipts', physical: RECEIPTS }, 'k')).rejects.toThrow(/no token from the managed identity endpoint \(HTTP 401\)/);
    const ok = azureResources({ ...process.env }, az.fetch);
    await expect(ok.put({ name: 'gone', physical: 'no-such-container' }, 'k', new Uint8Array([1]), undefined)).rejects.toThrow(/writing 'k' to bucket 'gone': HTTP 404 ContainerNotFound/);
    const [r] = await ok.sendBatch({ name: 'gone', physical: 'no-such-queue' }, [{ body: 'x', attributes: {} }]);
    expect(r!.error).toMatch(/sending to queue 'gone': HTTP 404 QueueNotFound/);
  });
});
