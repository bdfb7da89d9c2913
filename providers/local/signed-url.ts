import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed object URLs of the local cloud: `<gateway>/_slsx/objects/<bucket>/<key>?method=&expires=&signature=`,
 * an HMAC-SHA256 over the method, bucket, key and expiry with a key the local cloud makes when it
 * starts (so URLs die with it, like credentials would). The bucket client signs them inside the
 * function; the gateway checks them and serves or stores the object.
 */
export const SIGNED_PREFIX = '/_slsx/objects/';

function signature(secret: Buffer, method: string, bucket: string, key: string, expires: number): string {
  return createHmac('sha256', secret).update(`${method}\n${bucket}\n${key}\n${expires}`).digest('hex');
}

/** A URL that lets its holder `method` the object until `expires` (epoch seconds). */
export function signLocalUrl(o: { origin: string; secret: Buffer; bucket: string; key: string; method: 'GET' | 'PUT'; expires: number }): string {
  const path = `${SIGNED_PREFIX}${encodeURIComponent(o.bucket)}/${o.key.split('/').map(encodeURIComponent).join('/')}`;
  return `${o.origin}${path}?method=${o.method}&expires=${o.expires}&signature=${signature(o.secret, o.method, o.bucket, o.key, o.expires)}`;
}

export type SignedCheck = { ok: true; bucket: string; key: string; method: 'GET' | 'PUT' } | { ok: false; status: number; message: string };

/** Check a request for a signed URL: the signature, the method it was signed for, its expiry. */
export function checkLocalUrl(o: { secret: Buffer; path: string; query: string; method: string; now: number }): SignedCheck {
  const rest = o.path.slice(SIGNED_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return { ok: false, status: 404, message: 'no such object URL' };
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(rest.slice(0, slash));
    key = rest.slice(slash + 1).split('/').map(decodeURIComponent).join('/');
  } catch {
    return { ok: false, status: 400, message: 'malformed object URL' };
  }
  const q = new URLSearchParams(o.query);
  const signed = q.get('method');
  const expires = Number(q.get('expires'));
  const given = q.get('signature') ?? '';
  if ((signed !== 'GET' && signed !== 'PUT') || !Number.isInteger(expires)) return { ok: false, status: 403, message: 'the URL is not signed' };
  const want = Buffer.from(signature(o.secret, signed, bucket, key, expires), 'hex');
  const got = Buffer.from(/^[0-9a-f]{64}$/.test(given) ? given : '', 'hex');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, status: 403, message: 'the signature does not match' };
  if (o.now / 1000 > expires) return { ok: false, status: 403, message: 'the URL has expired' };
  const method = o.method === 'HEAD' ? 'GET' : o.method;
  if (method !== signed) return { ok: false, status: 403, message: `the URL is signed for ${signed}, not ${o.method}` };
  return { ok: true, bucket, key, method: signed };
}
