/**
 * The Azure queue and bucket driver's requests, recorded: the identity endpoint protocol, the
 * Storage REST calls (URLs, versions, headers, bodies) and the envelope. The same driver runs
 * against Azurite in test/emulators/azure-clients.test.ts; this file pins the exact shapes and
 * the refusals without a server.
 */
import { describe, expect, it } from 'vitest';
import { azureResources, chunkText, ENVELOPE_PREFIX, messageBytes, openEnvelope, prefixEnd, STORAGE_VERSION, TABLE_CHUNK_CHARS, tableSettingName } from '../../templates/shims/common/azure-resources.js';
import { declarationsEnv } from '../../templates/shims/azure.js';
import { outgoing } from '../../src/runtime/resources.js';
import type { TableRef } from '../../src/runtime/tables.js';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

function recorder(answer: (c: Call) => Response) {
  const calls: Call[] = [];
  const doFetch = (async (input: string | URL, init: RequestInit = {}) => {
    const c: Call = {
      url: String(input),
      method: init.method ?? 'GET',
      headers: Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v])),
      ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : Buffer.from(init.body as Uint8Array).toString('latin1') } : {}),
    };
    calls.push(c);
    return answer(c);
  }) as typeof fetch;
  return { calls, doFetch };
}

const ENV = {
  AzureWebJobsStorage__accountName: 'shopdevabc123',
  AzureWebJobsStorage__clientId: 'client-1',
  IDENTITY_ENDPOINT: 'http://127.0.0.1:41000/msi/token',
  IDENTITY_HEADER: 'secret-header',
};

const token = () => new Response(JSON.stringify({ access_token: 'tok-1', expires_on: String(Math.floor(Date.now() / 1000) + 3600) }), { status: 200 });

describe('azure driver: requests', () => {
  it('asks the identity endpoint once (protocol 2019-08-01, the app identity, Storage), then sends Put Message with the base64 of the bytes', async () => {
    const r = recorder((c) => (c.url.startsWith(ENV.IDENTITY_ENDPOINT) ? token() : new Response('<QueueMessagesList><QueueMessage><MessageId>m-1</MessageId></QueueMessage></QueueMessagesList>', { status: 201 })));
    const d = azureResources(ENV, r.doFetch);
    const q = { name: 'orders', physical: 'orders' };
    const out = await d.sendBatch(q, [outgoing('héllo'), outgoing({ a: 1 }, { delay: 30 })]);
    expect(out).toEqual([{ id: 'm-1' }, { id: 'm-1' }]);
    const [id, ...puts] = r.calls;
    expect(id!.url).toBe('http://127.0.0.1:41000/msi/token?resource=https%3A%2F%2Fstorage.azure.com%2F&api-version=2019-08-01&client_id=client-1');
    expect(id!.headers['x-identity-header']).toBe('secret-header');
    expect(puts.map((c) => `${c.method} ${c.url}`).sort()).toEqual([
      'POST https://shopdevabc123.queue.core.windows.net/orders/messages',
      'POST https://shopdevabc123.queue.core.windows.net/orders/messages?visibilitytimeout=30',
    ]);
    for (const c of puts) {
      expect(c.headers).toMatchObject({ authorization: 'Bearer tok-1', 'x-ms-version': STORAGE_VERSION, 'content-type': 'application/xml' });
      expect(c.headers['x-ms-date']).toMatch(/GMT$/);
    }
    const texts = puts.map((c) => Buffer.from(/<MessageText>(.*)<\/MessageText>/.exec(c.body!)![1]!, 'base64').toString('utf8')).sort();
    expect(texts).toEqual(['héllo', '{"a":1}'].sort());
  });

  it('refuses what Storage queues cannot take, per message, and sends the rest', async () => {
    const r = recorder((c) => (c.url.startsWith(ENV.IDENTITY_ENDPOINT) ? token() : new Response('<QueueMessagesList><QueueMessage><MessageId>ok</MessageId></QueueMessage></QueueMessagesList>', { status: 201 })));
    const d = azureResources(ENV, r.doFetch);
    const out = await d.sendBatch({ name: 'orders', physical: 'orders' }, [outgoing('x'.repeat(49 * 1024)), outgoing('late', { delay: 7 * 24 * 3600 }), outgoing('fine')]);
    expect(out[0]!.error).toMatch(/at most 49152/);
    expect(out[1]!.error).toMatch(/less than 7 days/);
    expect(out[2]).toEqual({ id: 'ok' });
    expect(r.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('Put Blob, Get Blob (404 BlobNotFound is none), List Blobs (XML, escaped and Encoded names, NextMarker)', async () => {
    const list = `<?xml version="1.0" encoding="utf-8"?><EnumerationResults><Blobs><Blob><Name>a &amp; b.txt</Name><Properties><Last-Modified>Thu, 03 Dec 2026 08:00:00 GMT</Last-Modified><Etag>0x8D1</Etag><Content-Length>3</Content-Length><Content-Type>text/plain</Content-Type></Properties></Blob><Blob><Name Encoded="true">odd%EF%BF%BEname</Name><Properties><Content-Length>0</Content-Length></Properties></Blob></Blobs><NextMarker>2!next</NextMarker></EnumerationResults>`;
    const r = recorder((c) => {
      if (c.url.startsWith(ENV.IDENTITY_ENDPOINT)) return token();
      if (c.method === 'PUT') return new Response(null, { status: 201, headers: { etag: '"0x8DA"' } });
      if (c.url.includes('comp=list')) return new Response(list, { status: 200 });
      return new Response('<Error><Code>BlobNotFound</Code></Error>', { status: 404, headers: { 'x-ms-error-code': 'BlobNotFound' } });
    });
    const d = azureResources(ENV, r.doFetch);
    const b = { name: 'files', physical: 'shop-dev-files' };
    expect(await d.put(b, 'dir/a b#?.txt', new Uint8Array([1, 2]), 'text/plain')).toEqual({ key: 'dir/a b#?.txt', size: 2, etag: '0x8DA', contentType: 'text/plain' });
    const put = r.calls.find((c) => c.method === 'PUT')!;
    expect(put.url).toBe('https://shopdevabc123.blob.core.windows.net/shop-dev-files/dir/a%20b%23%3F.txt');
    expect(put.headers).toMatchObject({ 'x-ms-blob-type': 'BlockBlob', 'x-ms-blob-content-type': 'text/plain' });
    expect(await d.get(b, 'missing')).toBeUndefined();
    const page = await d.list(b, { prefix: 'a &', cursor: '1!c', limit: 2 });
    expect(r.calls.at(-1)!.url).toBe('https://shopdevabc123.blob.core.windows.net/shop-dev-files?restype=container&comp=list&maxresults=2&prefix=a%20%26&marker=1%21c');
    expect(page).toEqual({
      objects: [
        { key: 'a & b.txt', size: 3, etag: '0x8D1', contentType: 'text/plain', lastModified: '2026-12-03T08:00:00.000Z' },
        { key: 'odd\uFFFEname', size: 0 },
      ],
      cursor: '2!next',
    });
  });

  it('a missing container is an error, not a missing object', async () => {
    const r = recorder((c) => (c.url.startsWith(ENV.IDENTITY_ENDPOINT) ? token() : new Response('<Error><Code>ContainerNotFound</Code><Message>The specified container does not exist.\nRequestId:1</Message></Error>', { status: 404, headers: { 'x-ms-error-code': 'ContainerNotFound' } })));
    const d = azureResources(ENV, r.doFetch);
    await expect(d.get({ name: 'files', physical: 'gone' }, 'k')).rejects.toThrow("sls-x: reading 'k' from bucket 'files': HTTP 404 ContainerNotFound: The specified container does not exist.");
  });

  it('says so outside a Function App (no identity endpoint), without calling anything', async () => {
    const r = recorder(() => token());
    const d = azureResources({ AzureWebJobsStorage__accountName: 'a' }, r.doFetch);
    await expect(d.head({ name: 'files', physical: 'c' }, 'k')).rejects.toThrow(/no managed identity endpoint here \(IDENTITY_ENDPOINT/);
    expect(r.calls).toEqual([]);
  });
});

describe('azure driver: the envelope', () => {
  it('a message without attributes is its bytes; with attributes an envelope that opens to the same bytes', () => {
    const bin = new Uint8Array([0, 1, 2, 255]);
    expect(Array.from(messageBytes(outgoing(bin)))).toEqual([0, 1, 2, 255]);
    expect(new TextDecoder().decode(messageBytes(outgoing('plain')))).toBe('plain');
    const wrapped = messageBytes(outgoing(bin, { attributes: { k: 'v' } }));
    expect(new TextDecoder().decode(wrapped.subarray(0, ENVELOPE_PREFIX.length))).toBe(ENVELOPE_PREFIX);
    const opened = openEnvelope(wrapped);
    expect(opened).toMatchObject({ opened: true, attributes: { k: 'v' } });
    expect(Array.from(opened.body)).toEqual([0, 1, 2, 255]);
  });

  it('a body that itself starts like an envelope is wrapped, so it arrives as sent', () => {
    const tricky = ENVELOPE_PREFIX + '{"attributes":{"forged":"yes"}}\nbody';
    const opened = openEnvelope(messageBytes(outgoing(tricky)));
    expect(opened.attributes).toEqual({});
    expect(new TextDecoder().decode(opened.body)).toBe(tricky);
  });

  it('bytes from another producer that merely look alike are left alone when the header is not JSON', () => {
    const other = new TextEncoder().encode(ENVELOPE_PREFIX + 'not json\nrest');
    expect(openEnvelope(other)).toMatchObject({ opened: false });
  });
});

/** Half of a surrogate pair without the other half. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A Table service answer: JSON (no metadata), with the error code as the service sends it (header and body). */
function tableAnswer(status: number, body?: unknown, headers: Record<string, string> = {}): Response {
  const code = (body as { 'odata.error'?: { code?: string } } | undefined)?.['odata.error']?.code;
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json;odata=nometadata', ...(code ? { 'x-ms-error-code': code } : {}), ...headers } });
}
const tableError = (status: number, code: string, message = 'The specified resource does not exist.') => tableAnswer(status, { 'odata.error': { code, message: { lang: 'en-US', value: `${message}\nRequestId:1` } } });

describe('azure driver: tables (Table Storage REST)', () => {
  const T: TableRef = { name: 'todos', physical: 'todos', key: 'id' };
  const BASE = 'https://shopdevabc123.table.core.windows.net';
  const entity = (key: string, item: unknown) => ({ PartitionKey: '', RowKey: key, item0: JSON.stringify(item), Timestamp: '2026-12-03T10:00:00Z' });
  const query = (c: Call) => Object.fromEntries(new URL(c.url).searchParams);

  it('get: Query Entity by PartitionKey and RowKey (quotes doubled, then percent-encoded; `%` stays itself), as the identity, JSON without metadata', async () => {
    const r = recorder((c) => (c.url.startsWith(ENV.IDENTITY_ENDPOINT) ? token() : tableAnswer(200, entity("it's 50% é", { id: "it's 50% é", n: 1 }))));
    const d = azureResources(ENV, r.doFetch).table!;
    expect(await d.get(T, "it's 50% é")).toEqual({ id: "it's 50% é", n: 1 });
    const c = r.calls.at(-1)!;
    expect(`${c.method} ${c.url}`).toBe(`GET ${BASE}/todos(PartitionKey=%27%27,RowKey=%27it%27%27s%2050%25%20%C3%A9%27)`);
    expect(c.headers).toMatchObject({ authorization: 'Bearer tok-1', 'x-ms-version': STORAGE_VERSION, accept: 'application/json;odata=nometadata', dataserviceversion: '3.0' });
    expect(c.headers['x-ms-date']).toMatch(/GMT$/);
    expect(c.body).toBeUndefined();
  });

  it('get: 404 ResourceNotFound is no item; 404 TableNotFound (the table is gone) and 403 are errors that say what to do', async () => {
    const answers = [
      tableError(404, 'ResourceNotFound'),
      tableError(404, 'TableNotFound', 'The table specified does not exist.'),
      tableError(403, 'AuthorizationPermissionMismatch', 'This request is not authorized to perform this operation using this permission.'),
    ];
    const r = recorder((c) => (c.url.startsWith(ENV.IDENTITY_ENDPOINT) ? token() : answers.shift()!));
    const d = azureResources(ENV, r.doFetch).table!;
    expect(await d.get(T, 'k')).toBeUndefined();
    await expect(d.get(T, 'k')).rejects.toThrow("sls-x: reading 'k' in table 'todos' (todos): HTTP 404 TableNotFound: The table specified does not exist. (the table is not there: deploy the service again)");
    await expect(d.get(T, 'k')).rejects.toThrow(/HTTP 403 AuthorizationPermissionMismatch: .*the app's identity lacks the role/);
  });

  it('put: the item JSON in item0, item1, ... of at most 32K characters each, never splitting a surrogate pair; the whole entity replaced', async () => {
    // A 300 KB item whose first chunk boundary falls inside an emoji (a surrogate pair).
    const head = '{"id":"big","text":"';
    const text = 'a'.repeat(TABLE_CHUNK_CHARS - head.length - 1) + '😀' + 'é'.repeat(150_000);
    const item = { id: 'big', text };
    const r = recorder((c) => (c.url.startsWith(ENV.IDENTITY_ENDPOINT) ? token() : tableAnswer(204)));
    const d = azureResources(ENV, r.doFetch).table!;
    expect(await d.put(T, 'big', item, undefined)).toBe(true);
    const c = r.calls.at(-1)!;
    expect(`${c.method} ${c.url}`).toBe(`PUT ${BASE}/todos(PartitionKey=%27%27,RowKey=%27big%27)`);
    expect(c.headers['if-match']).toBeUndefined(); // Insert Or Replace
    expect(c.headers['content-type']).toBe('application/json');
    const sent = JSON.parse(c.body!) as Record<string, string>;
    const chunks = Object.keys(sent).filter((k) => k.startsWith('item'));
    expect(chunks).toEqual(Array.from({ length: chunks.length }, (_, i) => `item${i}`));
    expect(chunks.length).toBeGreaterThan(4);
    for (const k of chunks) {
      expect(sent[k]!.length).toBeLessThanOrEqual(TABLE_CHUNK_CHARS);
      expect(LONE_SURROGATE.test(sent[k]!), `${k} holds half a surrogate pair`).toBe(false);
    }
    expect(sent.item0!.length).toBe(TABLE_CHUNK_CHARS - 1); // the emoji went whole into item1
    expect(chunks.map((k) => sent[k]).join('')).toBe(JSON.stringify(item));
    expect({ PartitionKey: sent.PartitionKey, RowKey: sent.RowKey }).toEqual({ PartitionKey: '', RowKey: 'big' });
  });

  it('put ifAbsent: Insert Entity (POST, no content back); 409 EntityAlreadyExists is false, another 409 an error', async () => {
    const answers = [tableAnswer(204), tableError(409, 'EntityAlreadyExists', 'The specified entity already exists.'), tableError(409, 'TableBeingDeleted', 'The specified table is being deleted.')];
    const r = recorder((c) => (c.url.startsWith(ENV.IDENTITY_ENDPOINT) ? token() : answers.shift()!));
    const d = azureResources(ENV, r.doFetch).table!;
    expect(await d.put(T, 'a', { id: 'a' }, 'absent')).toBe(true);
    const c = r.calls.at(-1)!;
    expect(`${c.method} ${c.url}`).toBe(`POST ${BASE}/todos`);
    expect(c.headers).toMatchObject({ prefer: 'return-no-content', 'content-type': 'application/json' });
    expect(JSON.parse(c.body!)).toEqual({ PartitionKey: '', RowKey: 'a', item0: '{"id":"a"}' });
    expect(await d.put(T, 'a', { id: 'a' }, 'absent')).toBe(false);
    await expect(d.put(T, 'a', { id: 'a' }, 'absent')).rejects.toThrow(/creating 'a' in table 'todos' \(todos\): HTTP 409 TableBeingDeleted/);
  });

  it('put ifExists: Update Entity with If-Match: * (404 ResourceNotFound is false); delete with If-Match: * (404: nothing was there)', async () => {
    const answers = [tableAnswer(204), tableError(404, 'ResourceNotFound'), tableAnswer(204), tableError(404, 'ResourceNotFound'), tableError(404, 'ResourceNotFound'), tableError(404, 'TableNotFound')];
    const r = recorder((c) => (c.url.startsWith(ENV.IDENTITY_ENDPOINT) ? token() : answers.shift()!));
    const d = azureResources(ENV, r.doFetch).table!;
    expect(await d.put(T, 'a', { id: 'a', v: 2 }, 'exists')).toBe(true);
    expect(r.calls.at(-1)).toMatchObject({ method: 'PUT', url: `${BASE}/todos(PartitionKey=%27%27,RowKey=%27a%27)`, headers: { 'if-match': '*' } });
    expect(await d.put(T, 'gone', { id: 'gone' }, 'exists')).toBe(false);
    expect(await d.delete(T, 'a', 'exists')).toBe(true);
    expect(r.calls.at(-1)).toMatchObject({ method: 'DELETE', url: `${BASE}/todos(PartitionKey=%27%27,RowKey=%27a%27)`, headers: { 'if-match': '*' } });
    expect(await d.delete(T, 'a', 'exists')).toBe(false);
    expect(await d.delete(T, 'a', undefined)).toBe(true);
    await expect(d.delete(T, 'a', undefined)).rejects.toThrow(/deleting 'a' in table 'todos' \(todos\): HTTP 404 TableNotFound/);
  });

  it('query: one partition, the prefix range on RowKey, after the cursor, limit + 1, following continuations; the cursor is the last key returned', async () => {
    const pages = [
      tableAnswer(200, { value: [entity("o'1", { id: "o'1" }), entity("o'2", { id: "o'2" })] }, { 'x-ms-continuation-NextPartitionKey': '1!0!', 'x-ms-continuation-NextRowKey': '1!8!bzM-' }),
      tableAnswer(200, { value: [entity("o'3", { id: "o'3" })] }, { 'x-ms-continuation-NextPartitionKey': '1!0!', 'x-ms-continuation-NextRowKey': '1!8!bzQ-' }),
    ];
    const r = recorder((c) => (c.url.startsWith(ENV.IDENTITY_ENDPOINT) ? token() : pages.shift()!));
    const d = azureResources(ENV, r.doFetch).table!;
    const page = await d.list(T, { prefix: "o'", cursor: "o'0", limit: 2 });
    expect(page).toEqual({ items: [{ id: "o'1" }, { id: "o'2" }], cursor: "o'2" });
    const [first, second, more] = r.calls.filter((c) => c.url.startsWith(BASE));
    expect(more).toBeUndefined();
    expect(first!.url.startsWith(`${BASE}/todos()?`)).toBe(true);
    expect(query(first!)).toEqual({ $filter: "PartitionKey eq '' and RowKey ge 'o''' and RowKey lt 'o(' and RowKey gt 'o''0'", $top: '3' });
    // The next part from where the service stopped: only what is still wanted.
    expect(query(second!)).toEqual({ $filter: query(first!).$filter, $top: '1', NextPartitionKey: '1!0!', NextRowKey: '1!8!bzM-' });
    expect(first!.headers.accept).toBe('application/json;odata=nometadata');
  });

  it('scan: no prefix bounds; the last page has no cursor; a cursor this table could not have returned is refused before any call', async () => {
    const r = recorder((c) => (c.url.startsWith(ENV.IDENTITY_ENDPOINT) ? token() : tableAnswer(200, { value: [entity('a', { id: 'a' })] })));
    const d = azureResources(ENV, r.doFetch).table!;
    expect(await d.list(T, { prefix: '', limit: 100 })).toEqual({ items: [{ id: 'a' }] });
    expect(query(r.calls.at(-1)!)).toEqual({ $filter: "PartitionKey eq ''", $top: '101' });
    const n = r.calls.length;
    await expect(d.list(T, { prefix: '', cursor: 'a/b', limit: 10 })).rejects.toThrow(/"a\/b" is not a cursor this table returned/);
    expect(r.calls).toHaveLength(n);
  });

  it('a prefix with no upper bound to give (ends in U+FFFF) stops at the first key past it', async () => {
    const r = recorder((c) =>
      c.url.startsWith(ENV.IDENTITY_ENDPOINT)
        ? token()
        : tableAnswer(200, { value: [entity('a\uffff1', { id: 'a\uffff1' }), entity('b', { id: 'b' })] }, { 'x-ms-continuation-NextPartitionKey': '1!0!', 'x-ms-continuation-NextRowKey': 'x' }),
    );
    const d = azureResources(ENV, r.doFetch).table!;
    expect(await d.list(T, { prefix: 'a\uffff', limit: 5 })).toEqual({ items: [{ id: 'a\uffff1' }] });
    expect(r.calls.filter((c) => c.url.startsWith(BASE))).toHaveLength(1);
    expect(query(r.calls.at(-1)!).$filter).toBe("PartitionKey eq '' and RowKey ge 'a\uffff'");
  });

  it('the Functions host endpoint override (AzureWebJobsStorage__tableServiceUri)', async () => {
    const r = recorder((c) => (c.url.startsWith(ENV.IDENTITY_ENDPOINT) ? token() : tableError(404, 'ResourceNotFound')));
    const d = azureResources({ ...ENV, AzureWebJobsStorage__tableServiceUri: 'https://127.0.0.1:10002/devstoreaccount1/' }, r.doFetch).table!;
    expect(await d.get({ name: 'order-items', physical: 'orderitems89455f5c', key: 'sku' }, 'k')).toBeUndefined();
    expect(r.calls.at(-1)!.url).toBe('https://127.0.0.1:10002/devstoreaccount1/orderitems89455f5c(PartitionKey=%27%27,RowKey=%27k%27)');
  });
});

describe('azure tables: helpers', () => {
  it('chunkText keeps every piece within the size and never splits a surrogate pair', () => {
    expect(chunkText('')).toEqual(['']);
    expect(chunkText('abcdef', 4)).toEqual(['abcd', 'ef']);
    expect(chunkText('abc😀d', 4)).toEqual(['abc', '😀d']);
    expect(chunkText('😀😀', 2)).toEqual(['😀', '😀']);
  });

  it('prefixEnd is above every string with the prefix, in UTF-16 and in UTF-8 order', () => {
    expect(prefixEnd('')).toBeUndefined();
    expect(prefixEnd('ab')).toBe('ac');
    expect(prefixEnd('a\ud7ff')).toBe('a\ue000');
    expect(prefixEnd('a😀')).toBe('a😁');
    expect(prefixEnd('a\uffff')).toBeUndefined();
    const utf8 = (s: string) => Buffer.from(s, 'utf8');
    for (const p of ['ab', 'a\ud7ff', 'a😀', 'é', 'z\ufffe']) {
      const end = prefixEnd(p)!;
      for (const tail of ['', '\u0000', 'zzz', '\uffff', '😀', '\u{10ffff}']) {
        expect(p + tail < end, `${JSON.stringify(p + tail)} < ${JSON.stringify(end)} (UTF-16)`).toBe(true);
        expect(Buffer.compare(utf8(p + tail), utf8(end)), `${JSON.stringify(p + tail)} (UTF-8)`).toBe(-1);
      }
    }
  });

  it('the shim gives each function its own tables (physical name from SLSX_TABLE_<NAME>, key, access); undeployed ones are left out', () => {
    expect(tableSettingName('order-items')).toBe('SLSX_TABLE_ORDER_ITEMS');
    const env = declarationsEnv(
      { functionName: 'report', tables: { todos: { access: 'read', key: 'id' }, 'order-items': { access: 'readwrite', key: 'sku' }, missing: { access: 'read', key: 'id' } } },
      { SLSX_TABLE_TODOS: 'todos', SLSX_TABLE_ORDER_ITEMS: 'orderitems89455f5c' },
    );
    expect(JSON.parse(env.SLSX_TABLES!)).toEqual({ todos: { name: 'todos', key: 'id', access: 'read' }, 'order-items': { name: 'orderitems89455f5c', key: 'sku', access: 'readwrite' } });
    expect(JSON.parse(declarationsEnv({ functionName: 'api' }, {}).SLSX_TABLES!)).toEqual({});
  });
});
