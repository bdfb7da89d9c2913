/**
 * The queue and bucket clients on Google Cloud Functions: Pub/Sub (`topics.publish`) and Cloud
 * Storage (JSON API) over REST with `fetch`, authenticated as the function's service account
 * with a token from the metadata server; no client library is bundled or loaded. Signed URLs are
 * V4 signatures made through IAM Credentials `signBlob` (the service account signs; no key file).
 *
 * Endpoints: `PUBSUB_EMULATOR_HOST` / `STORAGE_EMULATOR_HOST` (the emulators' own variables, no
 * credentials sent), or `SLSX_GCP_ENDPOINT_PUBSUB` / `_STORAGE` / `_IAMCREDENTIALS` (a recorder
 * or proxy, with the token), else Google's.
 */
import { createHash } from 'node:crypto';
import { encodeRfc3986 } from './uri.js';
import type { ListResult, ObjectInfo, OutgoingMessage, ResourceDriver, ResourceRef } from '../../../src/runtime/resources.js';

type Env = Record<string, string | undefined>;

interface Api {
  base: string;
  /** Send the metadata server's token (not to an emulator). */
  auth: boolean;
}

function api(env: Env, name: 'PUBSUB' | 'STORAGE' | 'IAMCREDENTIALS', host: string): Api {
  const override = env[`SLSX_GCP_ENDPOINT_${name}`];
  if (override) return { base: override.replace(/\/+$/, ''), auth: true };
  const emulator = name === 'PUBSUB' ? env.PUBSUB_EMULATOR_HOST : name === 'STORAGE' ? env.STORAGE_EMULATOR_HOST : undefined;
  if (emulator) return { base: (/^https?:\/\//.test(emulator) ? emulator : `http://${emulator}`).replace(/\/+$/, ''), auth: false };
  return { base: `https://${host}`, auth: true };
}


export function gcpResources(env: Env = process.env, doFetch: typeof fetch = fetch): ResourceDriver {
  const metadata = `http://${env.GCE_METADATA_HOST ?? env.GCE_METADATA_IP ?? 'metadata.google.internal'}/computeMetadata/v1/instance/service-accounts/default`;
  let token: { value: string; until: number } | undefined;
  let email: Promise<string> | undefined;
  const pubsub = api(env, 'PUBSUB', 'pubsub.googleapis.com');
  const storage = api(env, 'STORAGE', 'storage.googleapis.com');
  const iam = api(env, 'IAMCREDENTIALS', 'iamcredentials.googleapis.com');

  async function bearer(): Promise<string> {
    if (token && token.until > Date.now()) return token.value;
    const res = await doFetch(`${metadata}/token`, { headers: { 'Metadata-Flavor': 'Google' } });
    if (!res.ok) throw new Error(`sls-x: no token from the metadata server (HTTP ${res.status})`);
    const body = (await res.json()) as { access_token: string; expires_in: number };
    token = { value: body.access_token, until: Date.now() + Math.max(0, body.expires_in - 60) * 1000 };
    return token.value;
  }

  async function call(target: Api, path: string, init: { method: string; body?: Uint8Array | string; contentType?: string }): Promise<Response> {
    const headers: Record<string, string> = {};
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
