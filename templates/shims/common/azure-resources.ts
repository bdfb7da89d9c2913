/**
 * The queue and bucket clients on Azure Functions: Storage queues and blobs over REST with
 * `fetch`, authenticated as the Function App's user-assigned managed identity (a token from the
 * App Service identity endpoint, `IDENTITY_ENDPOINT` / `IDENTITY_HEADER`, for the client id in
 * `AzureWebJobsStorage__clientId`); no Azure SDK is bundled or loaded. Signed URLs are
 * user-delegation SAS: a delegation key from the Blob service (the identity holds Storage Blob
 * Delegator on the account), then an HMAC signature made here.
 *
 * Endpoints are the app's storage account (`AzureWebJobsStorage__accountName`), or the Functions
 * host's own overrides `AzureWebJobsStorage__blobServiceUri` / `__queueServiceUri` /
 * `__tableServiceUri` (Azurite).
 *
 * Messages: the Functions host's queue trigger reads MessageText as base64 (its default
 * `messageEncoding`), and the shim asks for the bytes (dataType binary), so a message is the
 * base64 of its body's bytes. Storage queues carry no attributes: a message with attributes is
 * an envelope (`ENVELOPE_PREFIX`, one JSON line of attributes, then the body's bytes) that the
 * shim opens again. Binary bodies travel as their bytes, so a body of up to 48 KiB fits the
 * 64 KiB message limit.
 *
 * Tables (`table(name)`): Table Storage over its REST API (JSON, no metadata), the same token;
 * see `azureTables` for how items are stored.
 */
import { createHmac } from 'node:crypto';
import { encodeRfc3986 } from './uri.js';
import { ENCODING_ATTRIBUTE, type ListResult, type ObjectInfo, type OutgoingMessage, type ResourceDriver, type ResourceRef } from '../../../src/runtime/resources.js';
import { tableKeyProblem, type TableDriver, type TableItem, type TableRef } from '../../../src/runtime/tables.js';

type Env = Record<string, string | undefined>;

/** The Storage REST version of every call and of the signed URLs (SAS string-to-sign of 2020-12-06). */
export const STORAGE_VERSION = '2022-11-02';
/** What starts an envelope: a NUL no text message starts with, a name and a version, a newline. */
export const ENVELOPE_PREFIX = '\u0000slsx-envelope/1\n';
/** A queue message is at most 64 KiB of XML; its base64 MessageText holds 48 KiB of bytes. */
export const MAX_MESSAGE_BYTES = 48 * 1024;
/** Visibility timeout (a send's delay) must be under the message's 7-day time to live. */
export const MAX_DELAY_SECONDS = 7 * 24 * 3600 - 1;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

function base64Bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The bytes a neutral message travels as on a Storage queue (before the base64 of MessageText). */
export function messageBytes(m: Pick<OutgoingMessage, 'body' | 'attributes'>): Uint8Array {
  const attributes = { ...m.attributes };
  let body: Uint8Array;
  if (attributes[ENCODING_ATTRIBUTE] === 'base64') {
    // The client marked a binary body: send its bytes as they are.
    delete attributes[ENCODING_ATTRIBUTE];
    body = base64Bytes(m.body);
  } else {
    body = encoder.encode(m.body);
  }
  if (!Object.keys(attributes).length && !startsWithPrefix(body)) return body;
  // Attributes (or a body that would itself look like an envelope) go in an envelope.
  return concat([encoder.encode(ENVELOPE_PREFIX), encoder.encode(JSON.stringify({ attributes }) + '\n'), body]);
}

function startsWithPrefix(bytes: Uint8Array): boolean {
  const p = encoder.encode(ENVELOPE_PREFIX);
  if (bytes.length < p.length) return false;
  for (let i = 0; i < p.length; i++) if (bytes[i] !== p[i]) return false;
  return true;
}

/** A received message's bytes, opened: its body and attributes (none when it is no envelope). */
export function openEnvelope(bytes: Uint8Array): { body: Uint8Array; attributes: Record<string, string>; opened: boolean } {
  const none = { body: bytes, attributes: {}, opened: false };
  if (!startsWithPrefix(bytes)) return none;
  const start = encoder.encode(ENVELOPE_PREFIX).length;
  const nl = bytes.indexOf(0x0a, start);
  if (nl < 0) return none;
  try {
    const header = JSON.parse(decoder.decode(bytes.subarray(start, nl))) as { attributes?: Record<string, unknown> };
    const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(header.attributes ?? {})) if (typeof v === 'string') attributes[k] = v;
    return { body: bytes.subarray(nl + 1), attributes: { ...attributes }, opened: true };
  } catch {
    return none;
  }
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : XML_ENTITIES[e]!,
  );
}

/** The text of the first `<tag>` (attributes allowed) in `xml`, unescaped; undefined when absent or empty-tagged. */
export function xmlValue(xml: string, tag: string): { text: string; attrs: string } | undefined {
  const m = new RegExp(`<${tag}(\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m ? { text: unescapeXml(m[2]!), attrs: m[1] ?? '' } : undefined;
}

/** Storage's ETag header value without its quotes. */
const strip = (etag: string | null | undefined): string | undefined => etag?.replace(/^"|"$/g, '') || undefined;

/** A SAS time: ISO 8601 in UTC to the second. */
const sasTime = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

interface DelegationKey {
  oid: string;
  tid: string;
  start: string;
  expiry: string;
  service: string;
  version: string;
  value: string;
  /** Epoch ms the key stops being usable. */
  until: number;
}

/**
 * The user-delegation SAS of one blob (service version 2020-12-06 and later):
 * https://learn.microsoft.com/rest/api/storageservices/create-user-delegation-sas#version-2020-12-06-and-later
 */
export function userDelegationSas(o: { account: string; container: string; blob: string; permissions: string; start: Date; expiry: Date; key: Omit<DelegationKey, 'until'>; https: boolean }): string {
  const st = sasTime(o.start);
  const se = sasTime(o.expiry);
  const spr = o.https ? 'https' : '';
  const stringToSign = [
    o.permissions,
    st,
    se,
    `/blob/${o.account}/${o.container}/${o.blob}`,
    o.key.oid,
    o.key.tid,
    o.key.start,
    o.key.expiry,
    o.key.service,
    o.key.version,
    '', // signedAuthorizedUserObjectId
    '', // signedUnauthorizedUserObjectId
    '', // signedCorrelationId
    '', // signedIP
    spr,
    STORAGE_VERSION,
    'b', // signedResource: a blob
    '', // signedSnapshotTime
    '', // signedEncryptionScope
    '', // rscc
    '', // rscd
    '', // rsce
    '', // rscl
    '', // rsct
  ].join('\n');
  const sig = createHmac('sha256', Buffer.from(o.key.value, 'base64')).update(stringToSign, 'utf8').digest('base64');
  const q: Array<[string, string]> = [
    ['sv', STORAGE_VERSION],
    ['sr', 'b'],
    ['sp', o.permissions],
    ['st', st],
    ['se', se],
    ['skoid', o.key.oid],
    ['sktid', o.key.tid],
    ['skt', o.key.start],
    ['ske', o.key.expiry],
    ['sks', o.key.service],
    ['skv', o.key.version],
    ...(spr ? ([['spr', spr]] as Array<[string, string]>) : []),
    ['sig', sig],
  ];
  return q.map(([k, v]) => `${k}=${encodeRfc3986(v)}`).join('&');
}

export function azureResources(env: Env = process.env, doFetch: typeof fetch = fetch): ResourceDriver {
  const account = env.AzureWebJobsStorage__accountName;
  const clientId = env.AzureWebJobsStorage__clientId;
  const base = (kind: 'blob' | 'queue' | 'table'): string => {
    const override = env[`AzureWebJobsStorage__${kind}ServiceUri`];
    if (override) return override.replace(/\/+$/, '');
    if (!account) throw new Error('sls-x: the app has no storage account setting (AzureWebJobsStorage__accountName): deploy it with sls-x, which sets it');
    return `https://${account}.${kind}.core.windows.net`;
  };
  let token: { value: string; until: number } | undefined;
  let pendingToken: Promise<string> | undefined;
  let delegation: DelegationKey | undefined;

  async function fetchToken(): Promise<string> {
    const endpoint = env.IDENTITY_ENDPOINT;
    const secret = env.IDENTITY_HEADER;
    if (!endpoint || !secret) throw new Error('sls-x: no managed identity endpoint here (IDENTITY_ENDPOINT / IDENTITY_HEADER are not set): the clients run inside a Function App deployed by sls-x');
    const u = new URL(endpoint);
    u.searchParams.set('resource', 'https://storage.azure.com/');
    u.searchParams.set('api-version', '2019-08-01');
    if (clientId) u.searchParams.set('client_id', clientId);
    const res = await doFetch(u, { headers: { 'X-IDENTITY-HEADER': secret } });
    if (!res.ok) throw new Error(`sls-x: no token from the managed identity endpoint (HTTP ${res.status}): check the app's identity (${clientId ?? 'system-assigned'})`);
    const body = (await res.json()) as { access_token: string; expires_on: string | number };
    // Renewed 5 minutes before it expires.
    token = { value: body.access_token, until: Number(body.expires_on) * 1000 - 300_000 };
    return token.value;
  }

  function bearer(): Promise<string> {
    if (token && token.until > Date.now()) return Promise.resolve(token.value);
    pendingToken ??= fetchToken().finally(() => (pendingToken = undefined));
    return pendingToken;
  }

  async function call(url: string, init: { method: string; body?: Uint8Array | string; headers?: Record<string, string> }): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await bearer()}`,
      'x-ms-version': STORAGE_VERSION,
      'x-ms-date': new Date().toUTCString(),
      ...init.headers,
    };
    return doFetch(url, { method: init.method, headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  }

  async function failure(res: Response, doing: string): Promise<Error> {
    const text = await res.text().catch(() => '');
    const code = res.headers.get('x-ms-error-code') ?? xmlValue(text, 'Code')?.text;
    const message = xmlValue(text, 'Message')?.text.split('\n')[0];
    const hint = res.status === 403 ? ' (the app\'s identity lacks the role: is the resource declared for this app in faas.yaml, and deployed?)' : '';
    return new Error(`sls-x: ${doing}: HTTP ${res.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}${hint}`);
  }

  const blobUrl = (bucket: ResourceRef, key: string): string => `${base('blob')}/${encodeRfc3986(bucket.physical)}/${encodeRfc3986(key, true)}`;

  function info(key: string, h: Headers, size: number): ObjectInfo {
    const lastModified = h.get('last-modified');
    return {
      key,
      size,
      ...(strip(h.get('etag')) ? { etag: strip(h.get('etag')) } : {}),
      ...(h.get('content-type') ? { contentType: h.get('content-type')! } : {}),
      ...(lastModified ? { lastModified: new Date(lastModified).toISOString() } : {}),
    };
  }

  async function sendOne(queue: ResourceRef, m: OutgoingMessage): Promise<{ id?: string; error?: string }> {
    const bytes = messageBytes(m);
    if (bytes.length > MAX_MESSAGE_BYTES) return { error: `message is ${bytes.length} bytes: Azure Storage queues take at most ${MAX_MESSAGE_BYTES} (64 KiB as base64); put large payloads in a bucket and send the key` };
    const delay = m.delay ?? 0;
    if (delay > MAX_DELAY_SECONDS) return { error: `delay ${delay} s is too long: Azure Storage queues delay a message by less than 7 days (at most ${MAX_DELAY_SECONDS} s)` };
    const body = `<QueueMessage><MessageText>${Buffer.from(bytes).toString('base64')}</MessageText></QueueMessage>`;
    try {
      const res = await call(`${base('queue')}/${encodeRfc3986(queue.physical)}/messages${delay ? `?visibilitytimeout=${delay}` : ''}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/xml' },
      });
      if (res.status !== 201) return { error: (await failure(res, `sending to queue '${queue.name}'`)).message };
      const id = xmlValue(await res.text(), 'MessageId')?.text;
      return id ? { id } : { error: 'Azure Storage returned no MessageId' };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  }

  async function userDelegationKey(neededUntil: number): Promise<DelegationKey> {
    if (delegation && delegation.until >= neededUntil) return delegation;
    const now = Date.now();
    // One key for as long as Azure allows (7 days), so most instances fetch it once.
    const start = new Date(now - 5 * 60_000);
    const expiry = new Date(now + 7 * 24 * 3600_000 - 60_000);
    const res = await call(`${base('blob')}/?restype=service&comp=userdelegationkey`, {
      method: 'POST',
      body: `<?xml version="1.0" encoding="utf-8"?><KeyInfo><Start>${sasTime(start)}</Start><Expiry>${sasTime(expiry)}</Expiry></KeyInfo>`,
      headers: { 'content-type': 'application/xml' },
    });
    if (res.status !== 200) throw await failure(res, 'getting a user delegation key to sign a URL');
    const xml = await res.text();
    const get = (tag: string): string => {
      const v = xmlValue(xml, tag)?.text;
      if (v === undefined) throw new Error(`sls-x: the user delegation key has no ${tag}`);
      return v;
    };
    delegation = {
      oid: get('SignedOid'),
      tid: get('SignedTid'),
      start: get('SignedStart'),
      expiry: get('SignedExpiry'),
      service: get('SignedService'),
      version: get('SignedVersion'),
      value: get('Value'),
      until: Date.parse(get('SignedExpiry')) - 60_000,
    };
    return delegation;
  }

  return {
    table: azureTables((path, init) => call(`${base('table')}${path}`, init)),
    // Storage queues have no batch send: each chunk's messages go out in parallel.
    maxBatch: 32,
    async sendBatch(queue, messages) {
      return Promise.all(messages.map((m) => sendOne(queue, m)));
    },
    async put(bucket, key, data, contentType) {
      const res = await call(blobUrl(bucket, key), {
        method: 'PUT',
        body: data,
        headers: { 'x-ms-blob-type': 'BlockBlob', ...(contentType ? { 'x-ms-blob-content-type': contentType } : {}) },
      });
      if (res.status !== 201) throw await failure(res, `writing '${key}' to bucket '${bucket.name}'`);
      return { key, size: data.length, ...(strip(res.headers.get('etag')) ? { etag: strip(res.headers.get('etag')) } : {}), ...(contentType ? { contentType } : {}) };
    },
    async get(bucket, key) {
      const res = await call(blobUrl(bucket, key), { method: 'GET' });
      if (res.status === 404 && res.headers.get('x-ms-error-code') === 'BlobNotFound') return undefined;
      if (res.status !== 200) throw await failure(res, `reading '${key}' from bucket '${bucket.name}'`);
      const data = new Uint8Array(await res.arrayBuffer());
      return { ...info(key, res.headers, data.length), data };
    },
    async head(bucket, key) {
      const res = await call(blobUrl(bucket, key), { method: 'HEAD' });
      // HEAD answers carry no body, so no error code: a 404 of a missing container is a missing object too.
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw await failure(res, `reading '${key}' of bucket '${bucket.name}'`);
      return info(key, res.headers, Number(res.headers.get('content-length') ?? 0));
    },
    async delete(bucket, key) {
      const res = await call(blobUrl(bucket, key), { method: 'DELETE' });
      if (res.status === 404 && res.headers.get('x-ms-error-code') === 'BlobNotFound') return;
      if (res.status !== 202) throw await failure(res, `deleting '${key}' from bucket '${bucket.name}'`);
    },
    async list(bucket, { prefix, cursor, limit }): Promise<ListResult> {
      const q = [`restype=container`, `comp=list`, `maxresults=${limit}`, ...(prefix ? [`prefix=${encodeRfc3986(prefix)}`] : []), ...(cursor ? [`marker=${encodeRfc3986(cursor)}`] : [])];
      const res = await call(`${base('blob')}/${encodeRfc3986(bucket.physical)}?${q.join('&')}`, { method: 'GET' });
      if (res.status !== 200) throw await failure(res, `listing bucket '${bucket.name}'`);
      const xml = await res.text();
      const objects: ObjectInfo[] = [];
      for (const m of xml.matchAll(/<Blob>([\s\S]*?)<\/Blob>/g)) {
        const blob = m[1]!;
        const name = xmlValue(blob, 'Name');
        if (!name) continue;
        const key = /Encoded\s*=\s*"true"/i.test(name.attrs) ? decodeURIComponent(name.text) : name.text;
        const etag = strip(xmlValue(blob, 'Etag')?.text);
        const type = xmlValue(blob, 'Content-Type')?.text;
        const modified = xmlValue(blob, 'Last-Modified')?.text;
        objects.push({
          key,
          size: Number(xmlValue(blob, 'Content-Length')?.text ?? 0),
          ...(etag ? { etag } : {}),
          ...(type ? { contentType: type } : {}),
          ...(modified ? { lastModified: new Date(modified).toISOString() } : {}),
        });
      }
      const next = xmlValue(xml, 'NextMarker')?.text;
      return { objects, ...(next ? { cursor: next } : {}) };
    },
    async signedUrl(bucket, key, { method, expiresIn }) {
      const now = Date.now();
      const expiry = new Date(now + expiresIn * 1000);
      const k = await userDelegationKey(expiry.getTime());
      const url = blobUrl(bucket, key);
      const sas = userDelegationSas({
        account: account ?? new URL(base('blob')).pathname.split('/')[1] ?? '',
        container: bucket.physical,
        blob: key,
        // Read; or create and write (a PUT makes or replaces the blob).
        permissions: method === 'PUT' ? 'cw' : 'r',
        // Started a little in the past: clocks differ.
        start: new Date(now - 5 * 60_000),
        expiry,
        key: k,
        https: url.startsWith('https:'),
      });
      return `${url}?${sas}`;
    },
  };
}


/** App setting holding a table's Table Storage name: `SLSX_TABLE_TODOS` (as `azureAppSettingName` names queues and buckets). */
export function tableSettingName(name: string): string {
  return `SLSX_TABLE_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Every item is in this one partition: Table Storage sorts a partition by RowKey, so `query` and `scan` list in key order. */
export const TABLE_PARTITION = '';
/** Characters of the item's JSON per string property: a property holds 64 KiB of UTF-16. */
export const TABLE_CHUNK_CHARS = 32 * 1024;
/** The item's JSON is in `item0`, `item1`, ... (at most 11 for 350 KB items; an entity takes 252 properties, 1 MiB). */
export const TABLE_CHUNK_PROPERTY = 'item';
/** JSON, without OData metadata: an entity is its properties. */
const TABLE_ACCEPT = 'application/json;odata=nometadata';

/** `s` in pieces of at most `size` UTF-16 units, never between the two halves of a surrogate pair. */
export function chunkText(s: string, size = TABLE_CHUNK_CHARS): string[] {
  const out: string[] = [];
  for (let at = 0; at < s.length; ) {
    let end = Math.min(s.length, at + size);
    const last = s.charCodeAt(end - 1);
    if (end < s.length && last >= 0xd800 && last <= 0xdbff) end--;
    out.push(s.slice(at, end));
    at = end;
  }
  return out.length ? out : [''];
}

/** An OData string literal: quoted, `'` doubled. */
const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * The least string above every string that starts with `prefix`, in both UTF-16 and UTF-8 order
 * (the last code point plus one); undefined when there is none to give (`''`, or a last code
 * point of U+FFFF or U+10FFFF), and the listing then stops at the first key past the prefix.
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = [...prefix].map((c) => c.codePointAt(0)!);
  const last = points.pop();
  if (last === undefined || last === 0xffff || last === 0x10ffff) return undefined;
  return String.fromCodePoint(...points, last === 0xd7ff ? 0xe000 : last + 1);
}

type TableCaller = (path: string, init: { method: string; body?: string; headers?: Record<string, string> }) => Promise<Response>;

/**
 * The table client on Table Storage (REST, version `STORAGE_VERSION`, JSON without metadata), as
 * the app's identity (Storage Table Data Reader or Contributor on that one table). Each item is
 * one entity: PartitionKey `''` (every item in one partition, so listings come in RowKey order),
 * RowKey the item's key, and the item's JSON in string properties `item0`, `item1`, ... of at most
 * 32K characters each (a string property holds 64 KiB of UTF-16), so a 350 KB item fits the
 * 1 MiB entity.
 * - get: Query Entity, `GET /<table>(PartitionKey='',RowKey='<key>')` (404 ResourceNotFound: none);
 * - put: `ifAbsent` is Insert Entity (`POST /<table>`; 409 EntityAlreadyExists: false); `ifExists`
 *   is Update Entity (`PUT` with `If-Match: *`; 404 ResourceNotFound: false); else Insert Or
 *   Replace Entity (`PUT` without `If-Match`). Always a replace, never a merge: no stale chunk stays;
 * - delete: Delete Entity with `If-Match: *` (404 ResourceNotFound: nothing was there);
 * - query / scan: Query Entities with `PartitionKey eq ''`, the prefix's range on RowKey and
 *   `RowKey gt '<cursor>'` (the cursor is the last key returned), `$top`, following the
 *   service's continuation (`x-ms-continuation-NextPartitionKey` / `NextRowKey`) until `limit + 1`
 *   items (the one more says whether another page follows) or the end.
 * A missing table (404 TableNotFound) is an error, never an absent item.
 */
export function azureTables(call: TableCaller): TableDriver {
  const table = (t: TableRef): string => `/${encodeRfc3986(t.physical)}`;
  const entityPath = (t: TableRef, key: string): string => `${table(t)}(PartitionKey=${encodeRfc3986(literal(TABLE_PARTITION))},RowKey=${encodeRfc3986(literal(key))})`;
  const headers = (more: Record<string, string> = {}): Record<string, string> => ({ accept: TABLE_ACCEPT, dataserviceversion: '3.0', ...more });
  const entity = (key: string, item: TableItem): string => {
    const e: Record<string, string> = { PartitionKey: TABLE_PARTITION, RowKey: key };
    chunkText(JSON.stringify(item)).forEach((c, i) => (e[`${TABLE_CHUNK_PROPERTY}${i}`] = c));
    return JSON.stringify(e);
  };
  const itemOf = (t: TableRef, e: Record<string, unknown>): TableItem => {
    let json = '';
    for (let i = 0; typeof e[`${TABLE_CHUNK_PROPERTY}${i}`] === 'string'; i++) json += e[`${TABLE_CHUNK_PROPERTY}${i}`] as string;
    if (!json) throw new Error(`sls-x: table '${t.name}': the entity '${String(e.RowKey)}' holds no item (written by something other than sls-x?)`);
    return JSON.parse(json) as TableItem;
  };
  /** The error code (`ResourceNotFound`, `TableNotFound`, `EntityAlreadyExists`, ...) and message, from a copy of the answer. */
  const reason = async (res: Response): Promise<{ code?: string; message?: string }> => {
    let body: { 'odata.error'?: { code?: string; message?: { value?: string } } } = {};
    try {
      body = (await res.clone().json()) as typeof body;
    } catch {
      // No JSON body (HEAD-like answers, proxies): the header alone.
    }
    const code = res.headers.get('x-ms-error-code') ?? body['odata.error']?.code;
    const message = body['odata.error']?.message?.value?.split('\n')[0];
    return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
  };
  const is = async (res: Response, status: number, code: string): Promise<boolean> => res.status === status && (await reason(res)).code === code;
  const failed = async (res: Response, t: TableRef, doing: string): Promise<Error> => {
    const { code, message } = await reason(res);
    const hint =
      res.status === 403
        ? " (the app's identity lacks the role: is the table declared for this function in faas.yaml, and deployed?)"
        : code === 'TableNotFound'
          ? ' (the table is not there: deploy the service again)'
          : '';
    return new Error(`sls-x: ${doing} in table '${t.name}' (${t.physical}): HTTP ${res.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}${hint}`);
  };
  return {
    async get(t, key) {
      const res = await call(entityPath(t, key), { method: 'GET', headers: headers() });
      if (await is(res, 404, 'ResourceNotFound')) return undefined;
      if (res.status !== 200) throw await failed(res, t, `reading '${key}'`);
      return itemOf(t, (await res.json()) as Record<string, unknown>);
    },
    async put(t, key, item, condition) {
      const body = entity(key, item);
      if (condition === 'absent') {
        const res = await call(table(t), { method: 'POST', body, headers: headers({ 'content-type': 'application/json', prefer: 'return-no-content' }) });
        if (await is(res, 409, 'EntityAlreadyExists')) return false;
        if (res.status !== 204 && res.status !== 201) throw await failed(res, t, `creating '${key}'`);
        return true;
      }
      const res = await call(entityPath(t, key), { method: 'PUT', body, headers: headers({ 'content-type': 'application/json', ...(condition === 'exists' ? { 'if-match': '*' } : {}) }) });
      if (condition === 'exists' && (await is(res, 404, 'ResourceNotFound'))) return false;
      if (res.status !== 204) throw await failed(res, t, `writing '${key}'`);
      return true;
    },
    async delete(t, key, condition) {
      const res = await call(entityPath(t, key), { method: 'DELETE', headers: headers({ 'if-match': '*' }) });
      if (await is(res, 404, 'ResourceNotFound')) return condition !== 'exists';
      if (res.status !== 204) throw await failed(res, t, `deleting '${key}'`);
      return true;
    },
    async list(t, { prefix, cursor, limit }) {
      if (cursor !== undefined && tableKeyProblem(cursor)) throw new Error(`sls-x: table '${t.name}': ${JSON.stringify(cursor).slice(0, 80)} is not a cursor this table returned`);
      const end = prefixEnd(prefix);
      const filter = [
        `PartitionKey eq ${literal(TABLE_PARTITION)}`,
        ...(prefix ? [`RowKey ge ${literal(prefix)}`] : []),
        ...(end !== undefined ? [`RowKey lt ${literal(end)}`] : []),
        ...(cursor !== undefined ? [`RowKey gt ${literal(cursor)}`] : []),
      ].join(' and ');
      const want = limit + 1;
      const found: Array<Record<string, unknown>> = [];
      let next: { pk: string; rk: string | null } | undefined;
      let past = false;
      do {
        const q = [
          `$filter=${encodeRfc3986(filter)}`,
          `$top=${Math.min(1000, want - found.length)}`,
          ...(next ? [`NextPartitionKey=${encodeRfc3986(next.pk)}`, ...(next.rk !== null ? [`NextRowKey=${encodeRfc3986(next.rk)}`] : [])] : []),
        ];
        const res = await call(`${table(t)}()?${q.join('&')}`, { method: 'GET', headers: headers() });
        if (res.status !== 200) throw await failed(res, t, prefix ? `querying keys starting with '${prefix}'` : 'scanning');
        for (const e of ((await res.json()) as { value?: Array<Record<string, unknown>> }).value ?? []) {
          // Past the prefix (no upper bound could be given): the rest sorts after it too.
          if (!String(e.RowKey).startsWith(prefix)) {
            past = true;
            break;
          }
          found.push(e);
        }
        const pk = res.headers.get('x-ms-continuation-nextpartitionkey');
        next = pk === null ? undefined : { pk, rk: res.headers.get('x-ms-continuation-nextrowkey') };
      } while (next && !past && found.length < want);
      const page = found.slice(0, limit);
      const last = page[page.length - 1];
      return { items: page.map((e) => itemOf(t, e)), ...(found.length > limit && last ? { cursor: String(last.RowKey) } : {}) };
    },
  };
}
