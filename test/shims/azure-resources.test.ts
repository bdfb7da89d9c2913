/**
 * The Azure queue and bucket driver's requests, recorded: the identity endpoint protocol, the
 * Storage REST calls (URLs, versions, headers, bodies) and the envelope. The same driver runs
 * against Azurite in test/emulators/azure-clients.test.ts; this file pins the exact shapes and
 * the refusals without a server.
 */
import { describe, expect, it } from 'vitest';
import { azureResources, ENVELOPE_PREFIX, messageBytes, openEnvelope, STORAGE_VERSION } from '../../templates/shims/common/azure-resources.js';
import { outgoing } from '../../src/runtime/resources.js';

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
