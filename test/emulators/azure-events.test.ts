/**
 * Blob Storage events on Azure: Event Grid's `Microsoft.Storage.BlobCreated` / `BlobDeleted` as
 * the shim turns them into neutral storage events, for blobs that really exist on Azurite.
 *
 * Azurite has no Event Grid, so each event is built here exactly as the Azure documentation shows
 * it (https://learn.microsoft.com/azure/event-grid/event-schema-blob-storage, both the Event Grid
 * and the CloudEvents schema), filled with what Azurite reports for that blob (Content-Length,
 * ETag, Content-Type, x-ms-request-id). The event goes through the real @azure/functions library
 * (test/shims/azure-host.ts) to the function `registerAzureFunction` registered for it; then the
 * neutral key the handler got is used to read the blob back from Azurite.
 *
 * The documentation's examples use plain names only. For names with spaces, unicode, `%`, `+`,
 * `?`, `#`, this assumes what public reports show: `subject` carries the blob name as stored
 * (e.g. Azure-Samples/azure-event-grid-viewer#9: an emoji arrives as such in the subject), and
 * `data.url` the URL the client wrote to, percent-encoded. The shim reads the subject; the url is
 * its fallback, tested separately.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapter } from '../../providers/azure/index.js';
import { azureNames } from '../../providers/azure/naming.js';
import type { StorageEvent } from '../../src/runtime/index.js';
import { installResourceDriver, installResourceScope } from '../../src/runtime/resources.js';
import { blobEvent, registerAzureFunction } from '../../templates/shims/azure.js';
import { SUB } from '../azure/support/fake-arm.js';
import { artifacts } from '../azure/support/service.js';
import { shop } from '../azure/support/shop.js';
import { installFakeHost, type Registration } from '../shims/azure-host.js';
import { STORAGE_VERSION } from './support/azure-arm-bridge.js';
import { startAzurite, storageToken, type Azurite } from './support/azurite.js';

const host = installFakeHost();
const names = azureNames('shop', 'dev', 'shop-rg');
const CONTAINER = names.container('uploads');
const TOPIC = `/subscriptions/${SUB}/resourceGroups/shop-rg/providers/Microsoft.Storage/storageAccounts/${names.storageAccount}`;

let az: Azurite;
let thumbnail: Registration;
const saved = { ...process.env };
const received: StorageEvent[][] = [];

/** Blob names (keys) that are legal in Azure Storage and awkward in URLs. */
const KEYS = [
  'images/cat.png',
  'images/a b.png',
  'images/ünï cødé 日本.png',
  'images/100%.png',
  'images/a%20b.png', // a literal %20: must not become a space
  'images/plus+sign.png', // a literal +: must not become a space either
  'images/emoji 💎.png',
  'images/q?x=1#frag.png',
];

const encodeKey = (key: string) => key.split('/').map(encodeURIComponent).join('/');
const blobUrl = (key: string) => `${az.blobUrl}/${CONTAINER}/${encodeKey(key)}`;

async function storage(method: string, url: string, headers: Record<string, string> = {}, body?: Uint8Array): Promise<Response> {
  return az.fetch(url, { method, headers: { authorization: `Bearer ${storageToken()}`, 'x-ms-version': STORAGE_VERSION, ...headers }, ...(body ? { body } : {}) });
}

interface Written {
  key: string;
  bytes: Buffer;
  requestId: string;
  length: number;
  etag: string;
  contentType: string;
}

/** Put Blob on Azurite, then what Azurite reports for it (Get Blob Properties). */
async function write(key: string, bytes: Buffer, contentType: string): Promise<Written> {
  const put = await storage('PUT', blobUrl(key), { 'x-ms-blob-type': 'BlockBlob', 'content-type': contentType }, new Uint8Array(bytes));
  expect(put.status).toBe(201);
  const head = await storage('HEAD', blobUrl(key));
  expect(head.status).toBe(200);
  return { key, bytes, requestId: put.headers.get('x-ms-request-id')!, length: Number(head.headers.get('content-length')), etag: head.headers.get('etag')!, contentType: head.headers.get('content-type')! };
}

/** Event Grid schema, as the documentation's BlobCreated / BlobDeleted examples. */
function gridEvent(kind: 'created' | 'deleted', w: Written, requestId: string, time: string) {
  return {
    topic: TOPIC,
    subject: `/blobServices/default/containers/${CONTAINER}/blobs/${w.key}`,
    eventType: kind === 'created' ? 'Microsoft.Storage.BlobCreated' : 'Microsoft.Storage.BlobDeleted',
    eventTime: time,
    id: `${requestId}-evt`,
    data: {
      api: kind === 'created' ? 'PutBlob' : 'DeleteBlob',
      ...(kind === 'created' ? { clientRequestId: '6d79dbfb-0e37-4fc4-981f-442c9ca65760' } : {}),
      requestId,
      ...(kind === 'created' ? { eTag: w.etag } : {}),
      contentType: w.contentType,
      ...(kind === 'created' ? { contentLength: w.length } : {}),
      blobType: 'BlockBlob',
      url: `https://${names.storageAccount}.blob.core.windows.net/${CONTAINER}/${encodeKey(w.key)}`,
      sequencer: '00000000000004420000000000028963',
      storageDiagnostics: { batchId: 'b68529f3-68cd-4744-baa4-3c0498ec19f0' },
    },
    dataVersion: '',
    metadataVersion: '1',
  };
}

/** The same event in the CloudEvents 1.0 schema (the documentation's other tab). */
function cloudEvent(kind: 'created' | 'deleted', w: Written, requestId: string, time: string) {
  const g = gridEvent(kind, w, requestId, time);
  return { source: g.topic, subject: g.subject, type: g.eventType, time, id: g.id, data: g.data, specversion: '1.0' };
}

async function deliver(event: object): Promise<StorageEvent[] | undefined> {
  const before = received.length;
  await host.invoke(thumbnail, { json: JSON.stringify(event) });
  return received.length > before ? received.at(-1) : undefined;
}

beforeAll(async () => {
  az = await startAzurite({ oauth: true });
  expect((await storage('PUT', `${az.blobUrl}/${CONTAINER}?restype=container`)).status).toBe(201);
  // The function's configuration as the deploy sets it (SLSX_FUNCTIONS app setting).
  const app = adapter.desired(shop(), artifacts(shop())).find((r) => r.id === 'function-app')!;
  process.env.SLSX_FUNCTIONS = (app.props.appSettings as Record<string, string>).SLSX_FUNCTIONS;
  host.registrations.length = 0;
  registerAzureFunction(async (events: StorageEvent[]) => void received.push(events), { functionName: 'thumbnail', target: 'azure' }, { write: () => {} });
  thumbnail = host.registrations.find((r) => r.name === 'thumbnail')!;
  expect(Object.values(thumbnail.bindings).find((b) => b.direction === 'in')?.type).toBe('eventGridTrigger');
}, 60_000);

afterAll(async () => {
  installResourceDriver(undefined);
  installResourceScope(undefined);
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  await az?.stop();
  host.restore();
});

describe('Event Grid blob events for blobs on Azurite', () => {
  const written: Written[] = [];

  it('BlobCreated (Event Grid and CloudEvents schema): the neutral key reads the same blob back; size and etag are Azurite\'s', async () => {
    for (const [i, key] of KEYS.entries()) written.push(await write(key, Buffer.from(`blob ${i}: ${key}`.repeat(i + 1)), i % 2 ? 'image/png' : 'application/octet-stream'));
    // Azurite stored each name as given.
    const list = await (await storage('GET', `${az.blobUrl}/${CONTAINER}?restype=container&comp=list`)).text();
    const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'");
    expect([...list.matchAll(/<Name>([^<]+)<\/Name>/g)].map((m) => decode(m[1]!)).sort()).toEqual([...KEYS].sort());

    for (const w of written) {
      for (const make of [gridEvent, cloudEvent]) {
        const time = new Date().toISOString();
        const got = await deliver(make('created', w, w.requestId, time));
        expect(got).toEqual([{ bucket: CONTAINER, key: w.key, type: 'created', size: w.length, etag: w.etag.replace(/"/g, ''), time }]);
        // What a handler does with it: read the object by bucket and key.
        const back = await storage('GET', blobUrl(got![0]!.key));
        expect(back.status).toBe(200);
        expect(Buffer.from(await back.arrayBuffer()).equals(w.bytes)).toBe(true);
        expect(back.headers.get('etag')).toBe(`"${got![0]!.etag}"`);
        expect(Number(back.headers.get('content-length'))).toBe(got![0]!.size);
      }
    }
  });

  it('the Event Grid subscription the adapter wants (prefix images/, suffix .png) matches these subjects, and not another container\'s or prefix\'s', () => {
    const sub = adapter.desired(shop(), artifacts(shop())).find((r) => r.id === 'event:thumbnail:1')!;
    expect(sub.props).toMatchObject({ eventTypes: ['Microsoft.Storage.BlobCreated'], subjectBeginsWith: `/blobServices/default/containers/${CONTAINER}/blobs/images/`, subjectEndsWith: '.png' });
    const matches = (subject: string) => subject.startsWith(String(sub.props.subjectBeginsWith)) && subject.endsWith(String(sub.props.subjectEndsWith));
    for (const w of written) expect(matches(gridEvent('created', w, 'r', 't').subject)).toBe(true);
    expect(matches(`/blobServices/default/containers/${CONTAINER}/blobs/docs/readme.png`)).toBe(false);
    expect(matches(`/blobServices/default/containers/${CONTAINER}/blobs/images/readme.txt`)).toBe(false);
    expect(matches(`/blobServices/default/containers/other/blobs/images/cat.png`)).toBe(false);
  });

  it('the url fallback (an event without a usable subject) gives the same keys, `%` and `+` included', () => {
    for (const w of written) {
      const noSubject: Record<string, unknown> = { ...gridEvent('created', w, w.requestId, '2026-01-01T00:00:00Z') };
      delete noSubject.subject;
      expect(blobEvent(noSubject)).toMatchObject({ bucket: CONTAINER, key: w.key, size: w.length });
    }
  });

  it('BlobDeleted after Azurite deleted the blob: the neutral delete names the same key, with no size or etag', async () => {
    for (const w of written) {
      const del = await storage('DELETE', blobUrl(w.key));
      expect(del.status).toBe(202);
      expect((await storage('HEAD', blobUrl(w.key))).status).toBe(404);
      for (const make of [gridEvent, cloudEvent]) {
        const time = new Date().toISOString();
        expect(await deliver(make('deleted', w, del.headers.get('x-ms-request-id')!, time))).toEqual([{ bucket: CONTAINER, key: w.key, type: 'deleted', time }]);
      }
    }
  });

  it('the documentation\'s own example payloads, verbatim; other Storage event types are acknowledged without calling the handler', async () => {
    // https://learn.microsoft.com/azure/event-grid/event-schema-blob-storage (MicrosoftDocs/azure-docs,
    // articles/event-grid/event-schema-blob-storage.md): the BlobCreated examples of both tabs.
    const data = {
      api: 'PutBlockList',
      clientRequestId: '6d79dbfb-0e37-4fc4-981f-442c9ca65760',
      requestId: '831e1650-001e-001b-66ab-eeb76e000000',
      eTag: '"0x8D4BCC2E4835CD0"',
      contentType: 'text/plain',
      contentLength: 524288,
      blobType: 'BlockBlob',
      url: 'https://my-storage-account.blob.core.windows.net/testcontainer/new-file.txt',
      sequencer: '00000000000004420000000000028963',
      storageDiagnostics: { batchId: 'b68529f3-68cd-4744-baa4-3c0498ec19f0' },
    };
    const grid = {
      topic: '/subscriptions/{subscription-id}/resourceGroups/Storage/providers/Microsoft.Storage/storageAccounts/my-storage-account',
      subject: '/blobServices/default/containers/test-container/blobs/new-file.txt',
      eventType: 'Microsoft.Storage.BlobCreated',
      eventTime: '2017-06-26T18:41:00.9584103Z',
      id: '831e1650-001e-001b-66ab-eeb76e069631',
      data,
      dataVersion: '',
      metadataVersion: '1',
    };
    const cloud = {
      source: grid.topic,
      subject: grid.subject,
      type: grid.eventType,
      time: grid.eventTime,
      id: grid.id,
      data,
      specversion: '1.0',
    };
    // The subject names the container (the example's url differs: `testcontainer`); the subject wins.
    const expected = [{ bucket: 'test-container', key: 'new-file.txt', type: 'created', size: 524288, etag: '0x8D4BCC2E4835CD0', time: '2017-06-26T18:41:00.9584103Z' }];
    expect(await deliver(grid)).toEqual(expected);
    expect(await deliver(cloud)).toEqual(expected);
    expect(await deliver({ ...grid, eventType: 'Microsoft.Storage.BlobTierChanged', data: { ...data, api: 'SetBlobTier' } })).toBeUndefined();
    expect(await deliver({ ...cloud, type: 'Microsoft.Storage.AsyncOperationInitiated' })).toBeUndefined();
  });
});
