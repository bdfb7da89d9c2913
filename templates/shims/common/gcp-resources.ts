/**
 * The queue, bucket and table clients on Google Cloud Functions: Pub/Sub (`topics.publish`),
 * Cloud Storage (JSON API) and Firestore (v1 REST) with `fetch`, authenticated as the function's
 * service account with a token from the metadata server; no client library is bundled or loaded.
 * Signed URLs are V4 signatures made through IAM Credentials `signBlob` (the service account
 * signs; no key file).
 *
 * Endpoints: `PUBSUB_EMULATOR_HOST` / `STORAGE_EMULATOR_HOST` / `FIRESTORE_EMULATOR_HOST` (the
 * emulators' own variables, no credentials sent; the Firestore emulator gets its `Bearer owner`
 * admin marker, as Google's Firestore libraries send it), or `SLSX_GCP_ENDPOINT_PUBSUB` /
 * `_STORAGE` / `_IAMCREDENTIALS` / `_FIRESTORE` (a recorder or proxy, with the token), else Google's.
 */
import { createHash } from 'node:crypto';
import { encodeRfc3986 } from './uri.js';
import type { ListResult, ObjectInfo, OutgoingMessage, ResourceDriver, ResourceRef } from '../../../src/runtime/resources.js';
import { tableKeyProblem, type TableDriver, type TableItem, type TableRef } from '../../../src/runtime/tables.js';

type Env = Record<string, string | undefined>;

interface Api {
  base: string;
  /** Send the metadata server's token (not to an emulator). */
  auth: boolean;
  /** Fixed headers (the Firestore emulator's `Bearer owner`). */
  headers?: Record<string, string>;
}

const EMULATOR_VARS = { PUBSUB: 'PUBSUB_EMULATOR_HOST', STORAGE: 'STORAGE_EMULATOR_HOST', FIRESTORE: 'FIRESTORE_EMULATOR_HOST' } as const;

function api(env: Env, name: 'PUBSUB' | 'STORAGE' | 'IAMCREDENTIALS' | 'FIRESTORE', host: string): Api {
  const override = env[`SLSX_GCP_ENDPOINT_${name}`];
  if (override) return { base: override.replace(/\/+$/, ''), auth: true };
  const emulator = name === 'IAMCREDENTIALS' ? undefined : env[EMULATOR_VARS[name]];
  if (emulator) {
    const base = (/^https?:\/\//.test(emulator) ? emulator : `http://${emulator}`).replace(/\/+$/, '');
    return { base, auth: false, ...(name === 'FIRESTORE' ? { headers: { authorization: 'Bearer owner' } } : {}) };
  }
  return { base: `https://${host}`, auth: true };
}


export function gcpResources(env: Env = process.env, doFetch: typeof fetch = fetch): ResourceDriver {
  const metadata = `http://${env.GCE_METADATA_HOST ?? env.GCE_METADATA_IP ?? 'metadata.google.internal'}/computeMetadata/v1/instance/service-accounts/default`;
  let token: { value: string; until: number } | undefined;
  let email: Promise<string> | undefined;
  const pubsub = api(env, 'PUBSUB', 'pubsub.googleapis.com');
  const storage = api(env, 'STORAGE', 'storage.googleapis.com');
  const iam = api(env, 'IAMCREDENTIALS', 'iamcredentials.googleapis.com');
  const firestore = api(env, 'FIRESTORE', 'firestore.googleapis.com');

  async function bearer(): Promise<string> {
    if (token && token.until > Date.now()) return token.value;
    const res = await doFetch(`${metadata}/token`, { headers: { 'Metadata-Flavor': 'Google' } });
    if (!res.ok) throw new Error(`sls-x: no token from the metadata server (HTTP ${res.status})`);
    const body = (await res.json()) as { access_token: string; expires_in: number };
    token = { value: body.access_token, until: Date.now() + Math.max(0, body.expires_in - 60) * 1000 };
    return token.value;
  }

  async function call(target: Api, path: string, init: { method: string; body?: Uint8Array | string; contentType?: string }): Promise<Response> {
    const headers: Record<string, string> = { ...target.headers };
    if (init.contentType) headers['content-type'] = init.contentType;
    if (target.auth) headers.authorization = `Bearer ${await bearer()}`;
    return doFetch(`${target.base}${path}`, { method: init.method, headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  }

  async function failure(res: Response, doing: string): Promise<Error> {
    const text = await res.text().catch(() => '');
    let message = text.slice(0, 300);
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // not JSON
    }
    return new Error(`sls-x: ${doing}: HTTP ${res.status}${message ? `: ${message}` : ''}`);
  }

  const objectPath = (bucket: ResourceRef, key: string): string => `/storage/v1/b/${encodeRfc3986(bucket.physical)}/o/${encodeRfc3986(key)}`;
  const info = (o: { name: string; size?: string | number; etag?: string; contentType?: string; updated?: string }): ObjectInfo => ({
    key: o.name,
    size: Number(o.size ?? 0),
    ...(o.etag ? { etag: o.etag } : {}),
    ...(o.contentType ? { contentType: o.contentType } : {}),
    ...(o.updated ? { lastModified: new Date(o.updated).toISOString() } : {}),
  });

  return {
    table: firestoreTables((path, init) => call(firestore, path, init), failure),
    // topics.publish takes up to 1,000 messages and 10 MB per call.
    maxBatch: 100,
    async sendBatch(queue, messages: OutgoingMessage[]) {
      // Pub/Sub has no delayed delivery: a delay is refused, never dropped.
      const out: Array<{ id?: string; error?: string }> = messages.map((m) => (m.delay ? { error: 'Pub/Sub cannot delay a message (gcp): send it without `delay`, or schedule the work' } : {}));
      const sendable = messages.map((m, i) => ({ m, i })).filter(({ i }) => !out[i]!.error);
      if (sendable.length === 0) return out;
      const res = await call(pubsub, `/v1/${queue.physical}:publish`, {
        method: 'POST',
        contentType: 'application/json',
        body: JSON.stringify({ messages: sendable.map(({ m }) => ({ data: Buffer.from(m.body, 'utf8').toString('base64'), ...(Object.keys(m.attributes).length ? { attributes: m.attributes } : {}) })) }),
      });
      if (!res.ok) {
        const err = await failure(res, `publishing to ${queue.physical}`);
        for (const { i } of sendable) out[i] = { error: err.message };
        return out;
      }
      const ids = ((await res.json()) as { messageIds?: string[] }).messageIds ?? [];
      sendable.forEach(({ i }, n) => (out[i] = ids[n] ? { id: ids[n] } : { error: 'no message id returned by Pub/Sub' }));
      return out;
    },
    async put(bucket, key, data, contentType) {
      const res = await call(storage, `/upload/storage/v1/b/${encodeRfc3986(bucket.physical)}/o?uploadType=media&name=${encodeRfc3986(key)}`, { method: 'POST', body: data, contentType: contentType ?? 'application/octet-stream' });
      if (!res.ok) throw await failure(res, `writing gs://${bucket.physical}/${key}`);
      return info((await res.json()) as { name: string });
    },
    async get(bucket, key) {
      const res = await call(storage, `${objectPath(bucket, key)}?alt=media`, { method: 'GET' });
      if (res.status === 404) return undefined;
      if (!res.ok) throw await failure(res, `reading gs://${bucket.physical}/${key}`);
      const data = new Uint8Array(await res.arrayBuffer());
      const type = res.headers.get('content-type');
      const etag = res.headers.get('etag');
      const modified = res.headers.get('last-modified');
      return { key, size: data.length, ...(etag ? { etag } : {}), ...(type ? { contentType: type } : {}), ...(modified ? { lastModified: new Date(modified).toISOString() } : {}), data };
    },
    async head(bucket, key) {
      const res = await call(storage, objectPath(bucket, key), { method: 'GET' });
      if (res.status === 404) return undefined;
      if (!res.ok) throw await failure(res, `reading gs://${bucket.physical}/${key}`);
      return info((await res.json()) as { name: string });
    },
    async delete(bucket, key) {
      const res = await call(storage, objectPath(bucket, key), { method: 'DELETE' });
      if (!res.ok && res.status !== 404) throw await failure(res, `deleting gs://${bucket.physical}/${key}`);
    },
    async list(bucket, { prefix, cursor, limit }): Promise<ListResult> {
      const q = new URLSearchParams({ maxResults: String(limit), ...(prefix ? { prefix } : {}), ...(cursor ? { pageToken: cursor } : {}) });
      const res = await call(storage, `/storage/v1/b/${encodeRfc3986(bucket.physical)}/o?${q.toString()}`, { method: 'GET' });
      if (!res.ok) throw await failure(res, `listing gs://${bucket.physical}`);
      const body = (await res.json()) as { items?: Array<{ name: string }>; nextPageToken?: string };
      return { objects: (body.items ?? []).map(info), ...(body.nextPageToken ? { cursor: body.nextPageToken } : {}) };
    },
    async signedUrl(bucket, key, { method, expiresIn }) {
      email ??= (async () => {
        const res = await doFetch(`${metadata}/email`, { headers: { 'Metadata-Flavor': 'Google' } });
        if (!res.ok) throw new Error(`sls-x: no service account email from the metadata server (HTTP ${res.status})`);
        return (await res.text()).trim();
      })();
      const account = await email;
      return signGcsV4({
        bucket: bucket.physical,
        key,
        method,
        expiresIn,
        now: new Date(),
        email: account,
        sign: async (stringToSign) => {
          const res = await call(iam, `/v1/projects/-/serviceAccounts/${encodeRfc3986(account)}:signBlob`, {
            method: 'POST',
            contentType: 'application/json',
            body: JSON.stringify({ payload: Buffer.from(stringToSign, 'utf8').toString('base64') }),
          });
          if (!res.ok) throw await failure(res, `signing a URL as ${account} (deploy with sls-x: a function that declares buckets gets roles/iam.serviceAccountTokenCreator on its own account)`);
          return Buffer.from(((await res.json()) as { signedBlob: string }).signedBlob, 'base64');
        },
      });
    },
  };
}

/**
 * A Cloud Storage V4 signed URL (https://cloud.google.com/storage/docs/access-control/signing-urls-manually):
 * the canonical request and string to sign as Google specifies them, signed by `sign`
 * (RSA-SHA256 with the service account's key, through IAM Credentials signBlob).
 */
export async function signGcsV4(o: { bucket: string; key: string; method: 'GET' | 'PUT'; expiresIn: number; now: Date; email: string; sign: (stringToSign: string) => Promise<Uint8Array> }): Promise<string> {
  const host = 'storage.googleapis.com';
  const path = `/${encodeRfc3986(o.bucket)}/${o.key.split('/').map((p) => encodeRfc3986(p)).join('/')}`;
  const datetime = o.now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const scope = `${datetime.slice(0, 8)}/auto/storage/goog4_request`;
  const query: Record<string, string> = {
    'X-Goog-Algorithm': 'GOOG4-RSA-SHA256',
    'X-Goog-Credential': `${o.email}/${scope}`,
    'X-Goog-Date': datetime,
    'X-Goog-Expires': String(o.expiresIn),
    'X-Goog-SignedHeaders': 'host',
  };
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((k) => `${encodeRfc3986(k)}=${encodeRfc3986(query[k]!)}`)
    .join('&');
  const canonicalRequest = [o.method, path, canonicalQuery, `host:${host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = ['GOOG4-RSA-SHA256', datetime, scope, createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join('\n');
  const signature = Buffer.from(await o.sign(stringToSign)).toString('hex');
  return `https://${host}${path}?${canonicalQuery}&X-Goog-Signature=${signature}`;
}

// ---------------------------------------------------------------------------------------------
// Tables: a Firestore collection each (https://cloud.google.com/firestore/docs/reference/rest)

type FsValue = Record<string, unknown>;

/**
 * A JSON value as a Firestore value, exactly: null, booleans and strings as themselves; a number
 * that is an integer within JavaScript's safe range (|n| <= 2^53 - 1) as `integerValue` (a
 * decimal string, as the REST API writes int64), every other number as `doubleValue`; arrays as
 * `arrayValue.values`, objects as `mapValue.fields`. Reading reverses it, so what `get` returns is
 * what `put` stored (object key order aside: Firestore keeps map keys sorted). What Firestore
 * cannot hold is refused before any request: an array directly inside an array, an empty object
 * key, or one like `__name__` (reserved).
 */
export function toFirestoreValue(v: unknown, at = 'item'): FsValue {
  if (v === null || v === undefined) return { nullValue: null };
  if (typeof v === 'boolean') return { booleanValue: v };
  if (typeof v === 'number') return Number.isSafeInteger(v) ? { integerValue: String(v) } : { doubleValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (Array.isArray(v)) {
    return {
      arrayValue: v.length
        ? {
            values: v.map((x, i) => {
              if (Array.isArray(x)) throw new TypeError(`Firestore cannot store an array directly inside an array (${at}[${i}]): wrap the inner array in an object, e.g. { "values": [...] }`);
              return toFirestoreValue(x, `${at}[${i}]`);
            }),
          }
        : {},
    };
  }
  if (typeof v === 'object') return { mapValue: Object.keys(v).length ? { fields: toFirestoreFields(v as Record<string, unknown>, at) } : {} };
  throw new TypeError(`${at} is not a JSON value`);
}

/** An item's fields (a document's `fields`). */
export function toFirestoreFields(item: Record<string, unknown>, at = 'item'): Record<string, FsValue> {
  const out: Record<string, FsValue> = {};
  for (const [k, x] of Object.entries(item)) {
    if (k === '' || /^__.*__$/.test(k)) throw new TypeError(`Firestore cannot store the object key ${JSON.stringify(k)} (${at}): field names are not empty and not like __name__ (reserved)`);
    out[k] = toFirestoreValue(x, `${at}.${k}`);
  }
  return out;
}

/** A Firestore value as JSON. Types sls-x never writes read as their JSON form: timestamps, references and bytes (base64) as strings, geo points as { latitude, longitude }. */
export function fromFirestoreValue(v: FsValue | undefined): unknown {
  if (!v || 'nullValue' in v) return null;
  if ('booleanValue' in v) return Boolean(v.booleanValue);
  if ('integerValue' in v) return Number(v.integerValue);
  if ('doubleValue' in v) return typeof v.doubleValue === 'number' ? v.doubleValue : Number(v.doubleValue);
  if ('stringValue' in v) return String(v.stringValue);
  if ('mapValue' in v) return fromFirestoreFields(((v.mapValue ?? {}) as { fields?: Record<string, FsValue> }).fields);
  if ('arrayValue' in v) return (((v.arrayValue ?? {}) as { values?: FsValue[] }).values ?? []).map(fromFirestoreValue);
  if ('timestampValue' in v) return String(v.timestampValue);
  if ('referenceValue' in v) return String(v.referenceValue);
  if ('bytesValue' in v) return String(v.bytesValue);
  if ('geoPointValue' in v) {
    const g = (v.geoPointValue ?? {}) as { latitude?: number; longitude?: number };
    return { latitude: g.latitude ?? 0, longitude: g.longitude ?? 0 };
  }
  return null;
}

export function fromFirestoreFields(fields: Record<string, FsValue> | undefined | null): TableItem {
  const out: TableItem = {};
  for (const [k, x] of Object.entries(fields ?? {})) out[k] = fromFirestoreValue(x);
  return out;
}

/** A valid Firestore document id (keys are checked by the client; these are the bounds of a prefix query). */
const validId = (id: string): boolean => id !== '' && id !== '.' && id !== '..' && !/^__.*__$/.test(id) && !id.includes('/');

/**
 * The bounds of "every key that starts with `prefix`" as document ids, for
 * `__name__ >= from` and `__name__ < to`: exact in Unicode code point order, which is UTF-8 byte
 * order, how Firestore orders strings (the common `prefix + "\uf8ff"` idiom would miss keys with
 * characters above U+F8FF). `to` is the prefix with its last code point incremented (skipping
 * the surrogates), moved past ids Firestore refuses (which no key can be); undefined when there
 * is no such string. An empty prefix has no bounds.
 */
export function prefixBounds(prefix: string): { from?: string; to?: string } {
  if (prefix === '') return {};
  const from = validId(prefix) ? prefix : `${prefix}\u0000`;
  const points = [...prefix].map((c) => c.codePointAt(0)!);
  let to: string | undefined;
  while (points.length > 0) {
    const last = points.pop()!;
    if (last < 0x10ffff) {
      to = String.fromCodePoint(...points, last === 0xd7ff ? 0xe000 : last + 1);
      break;
    }
  }
  // `.` + 1 is `/`, which no id holds: the next id up is `0` (`/` + 1).
  if (to?.endsWith('/')) to = `${to.slice(0, -1)}0`;
  if (to !== undefined && !validId(to)) to = `${to}\u0000`;
  return { from, ...(to !== undefined ? { to } : {}) };
}

type Caller = (path: string, init: { method: string; body?: string; contentType?: string }) => Promise<Response>;

/** The collection a table is: its documents' parent (`projects/p/databases/d/documents`) and the collection id. */
function collectionOf(t: TableRef): { parent: string; collection: string } {
  const at = t.physical.indexOf('/documents/');
  if (at < 0) throw new Error(`sls-x: table '${t.name}': '${t.physical}' is not a Firestore collection (projects/<p>/databases/<d>/documents/<collection>); deploy again with sls-x`);
  return { parent: t.physical.slice(0, at + '/documents'.length), collection: t.physical.slice(at + '/documents/'.length) };
}

/**
 * The table client on Firestore: each table a collection of the stage's database, each item a
 * document whose id is the item's key (the key attribute stays in the document too).
 * - get: `documents.get` (404: no item);
 * - put: `ifAbsent` is `documents.createDocument` with `?documentId=` (409 ALREADY_EXISTS: false);
 *   `ifExists` is `documents.patch` with `currentDocument.exists=true` (404 or FAILED_PRECONDITION:
 *   false); else `documents.patch` without a precondition (an upsert). No `updateMask` on either
 *   patch: the whole document is replaced, never merged;
 * - delete: `documents.delete`, with `currentDocument.exists=true` for `ifExists`;
 * - query / scan: `runQuery` on the collection, `__name__` between the prefix's bounds, ordered by
 *   `__name__`, started after the cursor (the last key of the previous page), `limit + 1`
 *   documents read to know whether another page follows.
 */
export function firestoreTables(call: Caller, failure: (res: Response, doing: string) => Promise<Error>): TableDriver {
  const enc = (s: string): string => encodeRfc3986(s);
  const docPath = (t: TableRef, key: string): string => {
    const { parent, collection } = collectionOf(t);
    return `/v1/${parent}/${enc(collection)}/${enc(key)}`;
  };
  /** The error's `status` (`ALREADY_EXISTS`, `NOT_FOUND`, `FAILED_PRECONDITION`, ...) and message, from a copy of the body. */
  const reason = async (res: Response): Promise<{ status?: string; message: string }> => {
    try {
      const e = ((await res.clone().json()) as { error?: { status?: string; message?: string } }).error;
      return { status: e?.status, message: e?.message ?? '' };
    } catch {
      return { message: '' };
    }
  };
  /**
   * "The document is not there / the precondition failed": what a condition turns into `false`.
   * A NOT_FOUND about the database itself (deleted, or not deployed) is an error, not an absent item.
   */
  const absent = async (res: Response): Promise<boolean> => {
    if (res.status !== 404 && res.status !== 400) return false;
    const r = await reason(res);
    if (r.status === 'FAILED_PRECONDITION') return true;
    // Firestore's "The database (x) does not exist for project y ..." (a document's NOT_FOUND names the document).
    return res.status === 404 && !/^\s*the database\b/i.test(r.message);
  };
  const json = (t: TableRef, item: TableItem): string => {
    try {
      return JSON.stringify({ fields: toFirestoreFields(item) });
    } catch (err) {
      throw new TypeError(`sls-x: table '${t.name}': ${(err as Error).message}`);
    }
  };
  const failed = async (res: Response, t: TableRef, what: string): Promise<Error> => failure(res, `${what} in table '${t.name}' (${t.physical})`);
  return {
    async get(t, key) {
      const res = await call(docPath(t, key), { method: 'GET' });
      if (await absent(res)) return undefined;
      if (!res.ok) throw await failed(res, t, `reading '${key}'`);
      return fromFirestoreFields(((await res.json()) as { fields?: Record<string, FsValue> }).fields);
    },
    async put(t, key, item, condition) {
      const body = json(t, item);
      if (condition === 'absent') {
        const { parent, collection } = collectionOf(t);
        const res = await call(`/v1/${parent}/${enc(collection)}?documentId=${enc(key)}`, { method: 'POST', body, contentType: 'application/json' });
        // 409 is also ABORTED (contention): only ALREADY_EXISTS means the key is taken.
        if (res.status === 409 && (await reason(res)).status === 'ALREADY_EXISTS') return false;
        if (!res.ok) throw await failed(res, t, `creating '${key}'`);
        return true;
      }
      const res = await call(`${docPath(t, key)}${condition === 'exists' ? '?currentDocument.exists=true' : ''}`, { method: 'PATCH', body, contentType: 'application/json' });
      if (condition === 'exists' && (await absent(res))) return false;
      if (!res.ok) throw await failed(res, t, `writing '${key}'`);
      return true;
    },
    async delete(t, key, condition) {
      const res = await call(`${docPath(t, key)}${condition === 'exists' ? '?currentDocument.exists=true' : ''}`, { method: 'DELETE' });
      if (condition === 'exists' && (await absent(res))) return false;
      // Deleting what is not there succeeds (Firestore answers 200 already; a 404 about the document is the same).
      if (!res.ok && !(condition !== 'exists' && (await absent(res)))) throw await failed(res, t, `deleting '${key}'`);
      return true;
    },
    async list(t, { prefix, cursor, limit }) {
      // No key holds `/`: nothing can start with such a prefix.
      if (prefix.includes('/')) return { items: [] };
      if (cursor !== undefined && tableKeyProblem(cursor)) throw new Error(`sls-x: table '${t.name}': ${JSON.stringify(cursor).slice(0, 80)} is not a cursor this table returned`);
      const { parent, collection } = collectionOf(t);
      const ref = (id: string) => ({ referenceValue: `${parent}/${collection}/${id}` });
      const name = { fieldPath: '__name__' };
      const { from, to } = prefixBounds(prefix);
      const filters = [
        ...(from !== undefined ? [{ fieldFilter: { field: name, op: 'GREATER_THAN_OR_EQUAL', value: ref(from) } }] : []),
        ...(to !== undefined ? [{ fieldFilter: { field: name, op: 'LESS_THAN', value: ref(to) } }] : []),
      ];
      const structuredQuery = {
        from: [{ collectionId: collection }],
        ...(filters.length === 1 ? { where: filters[0] } : filters.length > 1 ? { where: { compositeFilter: { op: 'AND', filters } } } : {}),
        orderBy: [{ field: name, direction: 'ASCENDING' }],
        ...(cursor !== undefined ? { startAt: { values: [ref(cursor)], before: false } } : {}),
        limit: limit + 1,
      };
      const res = await call(`/v1/${parent}:runQuery`, { method: 'POST', body: JSON.stringify({ structuredQuery }), contentType: 'application/json' });
      if (!res.ok) throw await failed(res, t, prefix ? `querying keys starting with '${prefix}'` : 'scanning');
      const docs = ((await res.json()) as Array<{ document?: { name: string; fields?: Record<string, FsValue> } }>).flatMap((r) => (r.document ? [r.document] : []));
      const page = docs.slice(0, limit);
      const last = page[page.length - 1];
      return { items: page.map((d) => fromFirestoreFields(d.fields)), ...(docs.length > limit && last ? { cursor: last.name.slice(last.name.lastIndexOf('/') + 1) } : {}) };
    },
  };
}
