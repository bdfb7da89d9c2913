/**
 * The queue, bucket and table clients' GCP driver: its REST calls against a recording server on
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
import { fromFirestoreValue, gcpResources, prefixBounds, signGcsV4, toFirestoreValue } from '../../templates/shims/common/gcp-resources.js';
import { tableClient } from '../../src/runtime/tables.js';
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

/**
 * The table client's GCP driver against a loopback stand-in for Firestore's REST API (v1): the
 * requests it sends (paths, query parameters, bodies, typed values), and what it makes of the
 * answers: 409 ALREADY_EXISTS and 404 NOT_FOUND as `false`, pages by `__name__` in UTF-8 byte
 * order as Firestore orders strings. The server implements the few query forms the driver uses.
 */
describe('gcp driver for the table client (Firestore REST)', () => {
  const DOCS = 'projects/shop-prod/databases/shop-dev/documents';
  const seen: Array<{ method: string; url: string; auth?: string; body: string }> = [];
  const docs = new Map<string, { name: string; fields: Record<string, unknown> }>();
  let server: Server;
  let port = 0;
  let tokens = 0;
  const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const body = (await read(req)).toString('utf8');
      const url = new URL(req.url!, 'http://x');
      const path = decodeURIComponent(url.pathname);
      seen.push({ method: req.method!, url: req.url!, ...(req.headers.authorization ? { auth: req.headers.authorization } : {}), body });
      const json = (status: number, v: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      const error = (code: number, status: string, message: string) => json(code, { error: { code, status, message } });
      if (path.endsWith('/service-accounts/default/token')) {
        tokens++;
        return json(200, { access_token: 'ya29.fs', expires_in: 3599 });
      }
      if (!['Bearer ya29.fs', 'Bearer owner'].includes(String(req.headers.authorization))) return error(401, 'UNAUTHENTICATED', 'no token');
      if (!path.startsWith(`/v1/${DOCS}`)) return error(404, 'NOT_FOUND', `The database (gone) does not exist for project shop-prod Please visit https://console.cloud.google.com/datastore/setup?project=shop-prod to add a Cloud Datastore or Cloud Firestore database.`);
      if (req.method === 'POST' && path === `/v1/${DOCS}:runQuery`) {
        const q = (JSON.parse(body) as { structuredQuery: any }).structuredQuery;
        const coll = `${DOCS}/${q.from[0].collectionId}/`;
        const filters = q.where ? (q.where.compositeFilter?.filters ?? [q.where]) : [];
        let names = [...docs.keys()].filter((n) => n.startsWith(coll) && !n.slice(coll.length).includes('/'));
        for (const f of filters) {
          const v = f.fieldFilter.value.referenceValue as string;
          names = names.filter((n) => (f.fieldFilter.op === 'GREATER_THAN_OR_EQUAL' ? byteOrder(n, v) >= 0 : byteOrder(n, v) < 0));
        }
        names.sort(byteOrder);
        if (q.startAt) names = names.filter((n) => byteOrder(n, q.startAt.values[0].referenceValue) > 0);
        const out = names.slice(0, q.limit).map((n) => ({ document: docs.get(n), readTime: '2026-12-01T00:00:00Z' }));
        return json(200, out.length ? out : [{ readTime: '2026-12-01T00:00:00Z' }]);
      }
      const collection = /^\/v1\/(.+\/documents\/[^/]+)$/.exec(path);
      if (req.method === 'POST' && collection) {
        const name = `${collection[1]}/${url.searchParams.get('documentId')}`;
        if (url.searchParams.get('documentId') === 'contended') return error(409, 'ABORTED', 'Too much contention on these documents. Please try again.');
        if (docs.has(name)) return error(409, 'ALREADY_EXISTS', `Document already exists: ${name}`);
        docs.set(name, { name, fields: JSON.parse(body).fields ?? {} });
        return json(200, docs.get(name));
      }
      const name = path.slice('/v1/'.length);
      const mustExist = url.searchParams.get('currentDocument.exists') === 'true';
      if (req.method === 'GET') return docs.has(name) ? json(200, docs.get(name)) : error(404, 'NOT_FOUND', `Document "${name}" not found.`);
      if (req.method === 'PATCH') {
        if (mustExist && !docs.has(name)) return error(404, 'NOT_FOUND', `No document to update: ${name}`);
        docs.set(name, { name, fields: JSON.parse(body).fields ?? {} });
        return json(200, docs.get(name));
      }
      if (req.method === 'DELETE') {
        if (mustExist && !docs.has(name)) return error(400, 'FAILED_PRECONDITION', `no entity to update: ${name}`);
        docs.delete(name);
        return json(200, {});
      }
      error(404, 'NOT_FOUND', `unexpected ${req.method} ${req.url}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    installResourceDriver(undefined);
    await new Promise((r) => server.close(r));
  });

  const env = { SLSX_FUNCTION_NAME: 'api', SLSX_TABLES: JSON.stringify({ todos: { name: `${DOCS}/todos`, key: 'id', access: 'readwrite' }, gone: { name: 'projects/shop-prod/databases/gone/documents/t', key: 'id', access: 'readwrite' } }) };
  const viaMetadata = () => installResourceDriver(gcpResources({ GCE_METADATA_HOST: `127.0.0.1:${port}`, SLSX_GCP_ENDPOINT_FIRESTORE: `http://127.0.0.1:${port}` }));
  const last = () => seen[seen.length - 1]!;

  it('put replaces the whole document (PATCH, no updateMask) with exact typed values; get returns the item as written', async () => {
    viaMetadata();
    const t = tableClient('todos', env);
    const item = { id: 'a b', n: 42, neg: -7, maxSafe: 2 ** 53 - 1, unsafe: 2 ** 53, big: 1e21, f: 1.5, ok: true, nothing: null, s: 'é', tags: ['x', 1, { deep: [true] }], nested: { a: { b: 'c' } }, empty: {}, list: [] };
    expect(await t.put(item)).toBe(true);
    expect(last().method).toBe('PATCH');
    expect(last().url).toBe(`/v1/${DOCS}/todos/a%20b`);
    expect(last().auth).toBe('Bearer ya29.fs');
    expect(JSON.parse(last().body)).toEqual({
      fields: {
        id: { stringValue: 'a b' },
        n: { integerValue: '42' },
        neg: { integerValue: '-7' },
        maxSafe: { integerValue: '9007199254740991' },
        unsafe: { doubleValue: 9007199254740992 },
        big: { doubleValue: 1e21 },
        f: { doubleValue: 1.5 },
        ok: { booleanValue: true },
        nothing: { nullValue: null },
        s: { stringValue: 'é' },
        tags: { arrayValue: { values: [{ stringValue: 'x' }, { integerValue: '1' }, { mapValue: { fields: { deep: { arrayValue: { values: [{ booleanValue: true }] } } } } }] } },
        nested: { mapValue: { fields: { a: { mapValue: { fields: { b: { stringValue: 'c' } } } } } } },
        empty: { mapValue: {} },
        list: { arrayValue: {} },
      },
    });
    expect(await t.get('a b')).toEqual(item);
    expect(last().url).toBe(`/v1/${DOCS}/todos/a%20b`);
    // A plain put again replaces: fields not in the new item are gone (no merge).
    await t.put({ id: 'a b', n: 1 });
    expect(last().url).not.toContain('updateMask');
    expect(await t.get('a b')).toEqual({ id: 'a b', n: 1 });
    expect(await t.get('nope')).toBeUndefined();
    expect(tokens).toBe(1);
  });

  it('conditional puts and deletes: ALREADY_EXISTS, NOT_FOUND and FAILED_PRECONDITION are `false`, nothing written; contention is an error', async () => {
    viaMetadata();
    const t = tableClient('todos', env);
    expect(await t.put({ id: 'k1', v: 1 }, { ifAbsent: true })).toBe(true);
    expect([last().method, last().url]).toEqual(['POST', `/v1/${DOCS}/todos?documentId=k1`]);
    expect(JSON.parse(last().body)).toEqual({ fields: { id: { stringValue: 'k1' }, v: { integerValue: '1' } } });
    expect(await t.put({ id: 'k1', v: 2 }, { ifAbsent: true })).toBe(false);
    expect(await t.get('k1')).toEqual({ id: 'k1', v: 1 });
    await expect(t.put({ id: 'contended' }, { ifAbsent: true })).rejects.toThrow(/HTTP 409: Too much contention/);

    expect(await t.put({ id: 'k2', v: 1 }, { ifExists: true })).toBe(false);
    expect([last().method, last().url]).toEqual(['PATCH', `/v1/${DOCS}/todos/k2?currentDocument.exists=true`]);
    expect(await t.get('k2')).toBeUndefined();
    expect(await t.put({ id: 'k1', w: true }, { ifExists: true })).toBe(true);
    expect(await t.get('k1')).toEqual({ id: 'k1', w: true });

    expect(await t.delete('k2', { ifExists: true })).toBe(false);
    expect([last().method, last().url]).toEqual(['DELETE', `/v1/${DOCS}/todos/k2?currentDocument.exists=true`]);
    expect(await t.delete('k1', { ifExists: true })).toBe(true);
    expect(await t.get('k1')).toBeUndefined();
    expect(await t.delete('k1')).toBe(true);
    expect([last().method, last().url]).toEqual(['DELETE', `/v1/${DOCS}/todos/k1`]);
  });

  it('query by prefix pages in key order with exact bounds (keys above U+F8FF included), scan reads everything, the cursor is the last key', async () => {
    viaMetadata();
    const t = tableClient('todos', env);
    for (const id of ['b', 'ab😀', 'a', 'abc', 'ab', 'ab\uffff', 'ac', 'ab.x']) await t.put({ id });
    const p1 = await t.query({ prefix: 'ab', limit: 2 });
    expect(p1).toEqual({ items: [{ id: 'ab' }, { id: 'ab.x' }], cursor: 'ab.x' });
    expect([last().method, last().url]).toEqual(['POST', `/v1/${DOCS}:runQuery`]);
    expect(JSON.parse(last().body)).toEqual({
      structuredQuery: {
        from: [{ collectionId: 'todos' }],
        where: {
          compositeFilter: {
            op: 'AND',
            filters: [
              { fieldFilter: { field: { fieldPath: '__name__' }, op: 'GREATER_THAN_OR_EQUAL', value: { referenceValue: `${DOCS}/todos/ab` } } },
              { fieldFilter: { field: { fieldPath: '__name__' }, op: 'LESS_THAN', value: { referenceValue: `${DOCS}/todos/ac` } } },
            ],
          },
        },
        orderBy: [{ field: { fieldPath: '__name__' }, direction: 'ASCENDING' }],
        limit: 3,
      },
    });
    const p2 = await t.query({ prefix: 'ab', limit: 2, cursor: p1.cursor });
    expect(JSON.parse(last().body).structuredQuery.startAt).toEqual({ values: [{ referenceValue: `${DOCS}/todos/ab.x` }], before: false });
    expect(p2).toEqual({ items: [{ id: 'abc' }, { id: 'ab\uffff' }], cursor: 'ab\uffff' });
    const p3 = await t.query({ prefix: 'ab', limit: 2, cursor: p2.cursor });
    expect(p3).toEqual({ items: [{ id: 'ab😀' }] });
    const all = await t.scan({ limit: 100 });
    // 'a b' is the first test's item.
    expect(all.items.map((i) => i.id)).toEqual(['a', 'a b', 'ab', 'ab.x', 'abc', 'ab\uffff', 'ab😀', 'ac', 'b']);
    expect(all.cursor).toBeUndefined();
    expect(JSON.parse(last().body).structuredQuery).toEqual({ from: [{ collectionId: 'todos' }], orderBy: [{ field: { fieldPath: '__name__' }, direction: 'ASCENDING' }], limit: 101 });
    const before = seen.length;
    expect(await t.query({ prefix: 'a/b' })).toEqual({ items: [] });
    expect(seen.length).toBe(before);
    await expect(t.scan({ cursor: 'x/y' })).rejects.toThrow("table 'todos': \"x/y\" is not a cursor this table returned");
  });

  it('refuses what Firestore cannot store before any request, and a missing database is an error, not an absent item', async () => {
    viaMetadata();
    const t = tableClient('todos', env);
    const before = seen.length;
    // The table client refuses these on every target (items stay portable); the driver refuses them too.
    await expect(t.put({ id: 'm', grid: [[1, 2], [3]] })).rejects.toThrow("sls-x: table 'todos': item 'm': grid[0] is an array inside an array, which Firestore cannot store");
    await expect(t.put({ id: 'm', meta: { __kind__: 1 } })).rejects.toThrow('the field name "__kind__" (in meta) is not stored on every target');
    await expect(t.put({ id: 'm', '': 1 })).rejects.toThrow('the field name "" is not stored on every target');
    expect(seen.length).toBe(before);
    await expect(tableClient('gone', env).get('x')).rejects.toThrow(/reading 'x' in table 'gone' \(projects\/shop-prod\/databases\/gone\/documents\/t\): HTTP 404: The database \(gone\) does not exist/);
    await expect(tableClient('gone', env).put({ id: 'x' }, { ifExists: true })).rejects.toThrow(/HTTP 404/);
    // A missing document whose key reads like that message is still just missing.
    expect(await t.get('The database x does not exist')).toBeUndefined();
  });

  it('FIRESTORE_EMULATOR_HOST: no metadata token, the emulator\'s `Bearer owner`, plain HTTP', async () => {
    const calls = tokens;
    installResourceDriver(gcpResources({ FIRESTORE_EMULATOR_HOST: `127.0.0.1:${port}` }));
    expect(await tableClient('todos', env).put({ id: 'emu' })).toBe(true);
    expect(last()).toMatchObject({ method: 'PATCH', url: `/v1/${DOCS}/todos/emu`, auth: 'Bearer owner' });
    expect(tokens).toBe(calls);
  });

  it('value and bound rules', () => {
    expect(toFirestoreValue(-0)).toEqual({ integerValue: '0' });
    expect(toFirestoreValue(-(2 ** 53) + 1)).toEqual({ integerValue: '-9007199254740991' });
    expect(toFirestoreValue(-(2 ** 53))).toEqual({ doubleValue: -(2 ** 53) });
    expect(fromFirestoreValue({ integerValue: '-12' })).toBe(-12);
    expect(fromFirestoreValue({ doubleValue: 'Infinity' })).toBe(Infinity);
    expect(fromFirestoreValue({ timestampValue: '2026-12-01T00:00:00Z' })).toBe('2026-12-01T00:00:00Z');
    expect(fromFirestoreValue({ geoPointValue: { latitude: 1.5 } })).toEqual({ latitude: 1.5, longitude: 0 });
    expect(prefixBounds('')).toEqual({});
    expect(prefixBounds('ab')).toEqual({ from: 'ab', to: 'ac' });
    // `.` and `..` are no ids: the bounds move to the nearest ids, no key lies in between.
    expect(prefixBounds('.')).toEqual({ from: '.\u0000', to: '0' });
    expect(prefixBounds('a.')).toEqual({ from: 'a.', to: 'a0' });
    expect(prefixBounds('-')).toEqual({ from: '-', to: '.\u0000' });
    expect(prefixBounds('__a_^')).toEqual({ from: '__a_^', to: '__a__\u0000' });
    expect(prefixBounds('a\u{10FFFF}')).toEqual({ from: 'a\u{10FFFF}', to: 'b' });
    expect(prefixBounds('\u{10FFFF}')).toEqual({ from: '\u{10FFFF}' });
    expect(prefixBounds('x\ud7ff')).toEqual({ from: 'x\ud7ff', to: 'x\ue000' });
  });
});
