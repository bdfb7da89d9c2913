/**
 * The queue and bucket clients' GCP driver: its REST calls against a recording server on
 * 127.0.0.1 standing in for the metadata server, Pub/Sub, Cloud Storage and IAM Credentials
 * (request shapes from Google's REST references), and each published message delivered back
 * through the functions framework's real server to the GCP queue shim, byte for byte.
 */
import { createHash, generateKeyPairSync, createSign, createVerify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketClient, installResourceDriver, queueClient } from '../../src/runtime/resources.js';
import type { QueueMessage } from '../../src/runtime/index.js';
import { gcpResources, signGcsV4 } from '../../templates/shims/common/gcp-resources.js';
import { registerGcpFunction } from '../../templates/shims/gcp.js';

const TOPIC = 'projects/shop-prod/topics/shop-dev-orders';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

interface Seen {
  method: string;
  url: string;
  auth?: string;
  body: Buffer;
}

function read(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
  });
}

describe('gcp driver for queue and bucket clients', () => {
  const seen: Seen[] = [];
  const published: Array<{ data: string; attributes?: Record<string, string> }> = [];
  const objects = new Map<string, { data: Buffer; contentType: string }>();
  let tokens = 0;
  let server: Server;
  let base = '';
  let installDriver = (): void => {};

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const body = await read(req);
      const url = new URL(req.url!, 'http://x');
      seen.push({ method: req.method!, url: req.url!, ...(req.headers.authorization ? { auth: req.headers.authorization } : {}), body });
      const json = (status: number, v: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      if (url.pathname.endsWith('/service-accounts/default/token')) {
        if (req.headers['metadata-flavor'] !== 'Google') return json(403, {});
        tokens++;
        return json(200, { access_token: 'ya29.test', expires_in: 3599, token_type: 'Bearer' });
      }
      if (url.pathname.endsWith('/service-accounts/default/email')) return void res.end('fn@shop-prod.iam.gserviceaccount.com');
      if (req.headers.authorization !== 'Bearer ya29.test') return json(401, { error: { message: 'no token' } });
      if (req.method === 'POST' && url.pathname === `/v1/${TOPIC}:publish`) {
        const msgs = (JSON.parse(body.toString()) as { messages: typeof published }).messages;
        published.push(...msgs);
        return json(200, { messageIds: msgs.map((_, i) => String(published.length - msgs.length + i + 1)) });
      }
      if (req.method === 'POST' && url.pathname === '/upload/storage/v1/b/shop-dev-uploads/o' && url.searchParams.get('uploadType') === 'media') {
        const name = url.searchParams.get('name')!;
        objects.set(name, { data: body, contentType: String(req.headers['content-type']) });
        return json(200, { name, bucket: 'shop-dev-uploads', size: String(body.length), etag: 'CAE=', contentType: req.headers['content-type'], updated: '2026-12-01T00:00:00.000Z' });
      }
      const obj = /^\/storage\/v1\/b\/shop-dev-uploads\/o\/(.+)$/.exec(url.pathname);
      if (obj) {
        const name = decodeURIComponent(obj[1]!);
        const o = objects.get(name);
        if (req.method === 'DELETE') return o ? (objects.delete(name), res.writeHead(204).end()) : json(404, { error: { message: 'No such object' } });
        if (!o) return json(404, { error: { message: 'No such object' } });
        if (url.searchParams.get('alt') === 'media') {
          res.writeHead(200, { 'content-type': o.contentType, etag: 'CAE=' });
          return void res.end(o.data);
        }
        return json(200, { name, size: String(o.data.length), etag: 'CAE=', contentType: o.contentType, updated: '2026-12-01T00:00:00.000Z' });
      }
      if (req.method === 'GET' && url.pathname === '/storage/v1/b/shop-dev-uploads/o') {
        const prefix = url.searchParams.get('prefix') ?? '';
        const names = [...objects.keys()].filter((n) => n.startsWith(prefix)).sort();
        const from = Number(url.searchParams.get('pageToken') ?? 0);
        const max = Number(url.searchParams.get('maxResults'));
        const page = names.slice(from, from + max);
        return json(200, { items: page.map((n) => ({ name: n, size: String(objects.get(n)!.data.length) })), ...(from + max < names.length ? { nextPageToken: String(from + max) } : {}) });
      }
      const sign = /^\/v1\/projects\/-\/serviceAccounts\/([^/]+):signBlob$/.exec(url.pathname);
      if (sign && req.method === 'POST') {
        const payload = Buffer.from((JSON.parse(body.toString()) as { payload: string }).payload, 'base64');
        const s = createSign('RSA-SHA256');
        s.update(payload);
        return json(200, { keyId: 'k1', signedBlob: s.sign(privateKey).toString('base64') });
      }
      json(404, { error: { message: `unexpected ${req.method} ${req.url}` } });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    installDriver = () => installResourceDriver(gcpResources({ GCE_METADATA_HOST: `127.0.0.1:${port}`, SLSX_GCP_ENDPOINT_PUBSUB: base, SLSX_GCP_ENDPOINT_STORAGE: base, SLSX_GCP_ENDPOINT_IAMCREDENTIALS: base }));
    installDriver();
  });
  afterAll(async () => {
    installResourceDriver(undefined);
    await new Promise((r) => server.close(r));
  });

  const env = { SLSX_FUNCTION_NAME: 'api', SLSX_QUEUES: JSON.stringify({ orders: TOPIC }), SLSX_BUCKETS: JSON.stringify({ uploads: 'shop-dev-uploads' }) };

  it('publishes with the service account token (fetched once), base64 data, attributes; a delay is refused, not dropped', async () => {
    const q = queueClient('orders', env);
    await q.send({ id: 1 }, { attributes: { kind: 'json' } });
    await q.send(new Uint8Array([0, 255, 3]), { attributes: { kind: 'binary' } });
    const batch = await q.sendBatch([{ body: 'a' }, { body: 'b', delay: 10 }, { body: 'c' }]);
    expect(batch.sent.map((s) => s.index)).toEqual([0, 2]);
    expect(batch.failed).toEqual([{ index: 1, error: 'Pub/Sub cannot delay a message (gcp): send it without `delay`, or schedule the work' }]);
    await expect(q.send('x', { delay: 5 })).rejects.toThrow(/Pub\/Sub cannot delay/);
    expect(tokens).toBe(1);
    expect(seen.filter((s) => s.url.includes(':publish')).every((s) => s.auth === 'Bearer ya29.test')).toBe(true);
    expect(published.map((p) => [Buffer.from(p.data, 'base64').toString(), p.attributes])).toEqual([
      ['{"id":1}', { kind: 'json' }],
      ['AP8D', { kind: 'binary', 'slsx-encoding': 'base64' }],
      ['a', undefined],
      ['c', undefined],
    ]);
  });

  it('each published message reaches a handler through the functions framework and the GCP shim byte for byte', async () => {
    const got: QueueMessage[] = [];
    registerGcpFunction(async (msgs: QueueMessage[]) => void got.push(...msgs), { functionName: 'gcpres', target: 'gcp', service: 'shop', stage: 'dev', timeoutMs: 3000, events: [{ kind: 'queue', queue: 'orders' }] }, { write: () => {} });
    // The shim installed the real driver (metadata.google.internal): put the test's back.
    installDriver();
    const fw = getTestServer('gcpres') as Server;
    await new Promise<void>((r) => fw.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(fw.address() as AddressInfo).port}/`;
    try {
      for (const [i, p] of published.entries()) {
        const ce = { specversion: '1.0', id: `e${i}`, type: 'google.cloud.pubsub.topic.v1.messagePublished', source: `//pubsub.googleapis.com/${TOPIC}`, datacontenttype: 'application/json', data: { message: { data: p.data, attributes: p.attributes, messageId: String(i + 1), publishTime: '2026-12-01T00:00:00Z' }, subscription: 'projects/shop-prod/subscriptions/s' } };
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(ce) });
        expect(res.status).toBe(204);
      }
    } finally {
      await new Promise((r) => fw.close(r));
    }
    expect(got[0]!.json()).toEqual({ id: 1 });
    expect([...got[1]!.bytes()]).toEqual([0, 255, 3]);
    expect(got[1]!.attributes).toEqual({ kind: 'binary' });
    expect(got.slice(2).map((m) => m.body)).toEqual(['a', 'c']);
  });

  it('puts, gets, heads, lists by page and deletes through the JSON API, keys with slashes encoded', async () => {
    const b = bucketClient('uploads', env);
    expect(await b.put('docs/a.json', { a: 1 })).toMatchObject({ key: 'docs/a.json', size: 7, contentType: 'application/json' });
    await b.put('docs/b.bin', new Uint8Array([9, 8, 7]));
    await b.put('top.txt', 'hi');
    expect(seen.some((s) => s.url === '/upload/storage/v1/b/shop-dev-uploads/o?uploadType=media&name=docs%2Fa.json')).toBe(true);
    expect((await b.get('docs/a.json'))!.json()).toEqual({ a: 1 });
    expect([...(await b.get('docs/b.bin'))!.bytes()]).toEqual([9, 8, 7]);
    expect(await b.get('nope')).toBeUndefined();
    expect(await b.head('top.txt')).toMatchObject({ key: 'top.txt', size: 2, contentType: 'text/plain; charset=utf-8', lastModified: '2026-12-01T00:00:00.000Z' });
    const p1 = await b.list({ prefix: 'docs/', limit: 1 });
    const p2 = await b.list({ prefix: 'docs/', limit: 1, cursor: p1.cursor });
    expect([...p1.objects, ...p2.objects].map((o) => o.key)).toEqual(['docs/a.json', 'docs/b.bin']);
    expect(p2.cursor).toBeUndefined();
    await b.delete('top.txt');
    await b.delete('top.txt'); // no error when already gone
    expect(await b.head('top.txt')).toBeUndefined();
  });

  it('signs V4 URLs through signBlob: the string to sign is Google\'s canonical form, verifiable with the key', async () => {
    let signed = '';
    const url = await signGcsV4({
      bucket: 'shop-dev-uploads',
      key: 'docs/a b.json',
      method: 'GET',
      expiresIn: 600,
      now: new Date('2026-12-01T10:20:30Z'),
      email: 'fn@shop-prod.iam.gserviceaccount.com',
      sign: async (s) => {
        signed = s;
        return createSign('RSA-SHA256').update(s).sign(privateKey);
      },
    });
    // https://cloud.google.com/storage/docs/authentication/canonical-requests
    const canonical = [
      'GET',
      '/shop-dev-uploads/docs/a%20b.json',
      'X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=fn%40shop-prod.iam.gserviceaccount.com%2F20261201%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20261201T102030Z&X-Goog-Expires=600&X-Goog-SignedHeaders=host',
      'host:storage.googleapis.com',
      '',
      'host',
      'UNSIGNED-PAYLOAD',
    ].join('\n');
    expect(signed).toBe(`GOOG4-RSA-SHA256\n20261201T102030Z\n20261201/auto/storage/goog4_request\n${createHash('sha256').update(canonical).digest('hex')}`);
    const sig = new URL(url).searchParams.get('X-Goog-Signature')!;
    expect(createVerify('RSA-SHA256').update(signed).verify(publicKey, Buffer.from(sig, 'hex'))).toBe(true);
    expect(url.startsWith('https://storage.googleapis.com/shop-dev-uploads/docs/a%20b.json?X-Goog-Algorithm=GOOG4-RSA-SHA256&')).toBe(true);

    const viaDriver = await bucketClient('uploads', env).signedUrl('docs/a.json', { method: 'PUT', expiresIn: 60 });
    expect(viaDriver).toMatch(/X-Goog-Credential=fn%40shop-prod\.iam\.gserviceaccount\.com%2F\d{8}%2Fauto%2Fstorage%2Fgoog4_request/);
    expect(seen.some((s) => s.url === '/v1/projects/-/serviceAccounts/fn%40shop-prod.iam.gserviceaccount.com:signBlob' && s.auth === 'Bearer ya29.test')).toBe(true);
  });
});
