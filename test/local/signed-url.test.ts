import { describe, expect, it } from 'vitest';
import { checkLocalUrl, signLocalUrl } from '../../providers/local/signed-url.js';

const secret = Buffer.alloc(32, 7);

describe('local signed object URLs', () => {
  const url = new URL(signLocalUrl({ origin: 'http://127.0.0.1:9', secret, bucket: 'receipts', key: 'a b/c.json', method: 'GET', expires: 2_000_000_000 }));
  const check = (over: { path?: string; query?: string; method?: string; now?: number; secret?: Buffer } = {}) =>
    checkLocalUrl({ secret: over.secret ?? secret, path: over.path ?? url.pathname, query: over.query ?? url.search.slice(1), method: over.method ?? 'GET', now: over.now ?? 1_900_000_000_000 });

  it('accepts the URL as signed (HEAD too), with its bucket and key decoded', () => {
    expect(url.pathname).toBe('/_slsx/objects/receipts/a%20b/c.json');
    expect(check()).toEqual({ ok: true, bucket: 'receipts', key: 'a b/c.json', method: 'GET' });
    expect(check({ method: 'HEAD' })).toMatchObject({ ok: true });
  });

  it('refuses it once expired, for another method, another key, another local cloud, or with no signature', () => {
    expect(check({ now: 2_000_000_001_000 })).toEqual({ ok: false, status: 403, message: 'the URL has expired' });
    expect(check({ method: 'PUT' })).toEqual({ ok: false, status: 403, message: 'the URL is signed for GET, not PUT' });
    expect(check({ path: url.pathname.replace('c.json', 'd.json') })).toMatchObject({ ok: false, status: 403 });
    expect(check({ secret: Buffer.alloc(32, 8) })).toEqual({ ok: false, status: 403, message: 'the signature does not match' });
    expect(check({ query: 'method=GET&expires=2000000000' })).toMatchObject({ ok: false, status: 403 });
    expect(check({ query: url.search.slice(1).replace('method=GET', 'method=PUT') })).toMatchObject({ ok: false, status: 403 });
  });
});
