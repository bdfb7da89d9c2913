/**
 * JWT (Bearer token) verification as API Gateway's JWT authorizer does it, for the targets whose
 * front door has none (Azure, GCP, local): the issuer's keys come from OpenID discovery
 * (`<issuer>/.well-known/openid-configuration` -> `jwks_uri`), are cached per instance, and are
 * fetched again when a token names a key id the cache does not hold (at most once per
 * `minRefetchMs`). RS256 and ES256 signatures; `iss`, `aud` (or `client_id`), `exp`, `nbf`, `iat`
 * with a small clock skew; optional scopes (at least one). Only node:crypto, no dependency.
 *
 * Never logs or returns the token; failures say why in words a client may see.
 */
import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';

/** A route's JWT settings (the normalized `auth.jwt` of faas.yaml). */
export interface JwtRule {
  issuer: string;
  audience: string[];
  scopes?: string[];
}

/** The verified token, as handlers see it in `req.auth`. */
export interface VerifiedAuth {
  /** Every claim of the token's payload. */
  claims: Record<string, unknown>;
  /** The token's scopes (`scope`, space-separated, or `scp`). */
  scopes: string[];
}

export type JwtOutcome =
  | { ok: true; auth: VerifiedAuth }
  | { ok: false; status: 401 | 403; error: 'invalid_token' | 'insufficient_scope' | undefined; description: string; detail?: string };

export interface JwtVerifierOptions {
  fetch?: typeof fetch;
  /** Clock, epoch ms. */
  now?: () => number;
  /** Tolerance for `exp`, `nbf` and `iat`, seconds (default 30). */
  clockSkewS?: number;
  /** A token with an unknown key id refetches the keys at most this often (default 30 s). */
  minRefetchMs?: number;
  /** Keys older than this are fetched again on the next token (default 1 h); a failed refresh keeps the old ones. */
  maxAgeMs?: number;
  /** Time limit of one discovery or JWKS request (default 5 s). */
  timeoutMs?: number;
}

const ALGS: Record<string, { kty: string; crv?: string; dsaEncoding?: 'ieee-p1363' }> = {
  RS256: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256', dsaEncoding: 'ieee-p1363' },
};

interface KeySet {
  keys: Map<string, { key: KeyObject; kty: string; crv?: string; alg?: string }>;
  fetchedAt: number;
}

const fail = (description: string): JwtOutcome => ({ ok: false, status: 401, error: 'invalid_token', description });

function b64json(part: string): unknown {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) return undefined;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** The token of an `Authorization` header: `Bearer <token>`, or a bare token (as API Gateway accepts). */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  if (m) return m[1];
  const bare = header.trim();
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(bare) ? bare : undefined;
}

/** The payload of a token, unverified (for the AWS shim, where API Gateway verified it). */
export function decodePayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const payload = b64json(parts[1]);
  return isObject(payload) ? payload : undefined;
}

/** Scopes of a payload: `scope` (space-separated) or `scp` (a list or a space-separated string). */
export function tokenScopes(claims: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const v of [claims.scope, claims.scp]) {
    if (typeof v === 'string') out.push(...v.split(' ').filter(Boolean));
    else if (Array.isArray(v)) out.push(...v.filter((s): s is string => typeof s === 'string'));
  }
  return [...new Set(out)];
}

function isLoopback(url: URL): boolean {
  const h = url.hostname;
  return h === 'localhost' || h === '[::1]' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Only https, or http to a loopback address (tests, the local target). */
function safeUrl(raw: unknown, what: string): URL {
  let url: URL;
  try {
    url = new URL(String(raw));
  } catch {
    throw new Error(`${what} is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) throw new Error(`${what} is not https`);
  return url;
}

/**
 * A verifier with its own key cache (one per instance: the shims make one at load). `verify`
 * never throws: a token that cannot be verified, or keys that cannot be fetched, is a failure.
 */
export function createJwtVerifier(opts: JwtVerifierOptions = {}) {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const now = opts.now ?? Date.now;
  const skew = opts.clockSkewS ?? 30;
  const minRefetchMs = opts.minRefetchMs ?? 30_000;
  const maxAgeMs = opts.maxAgeMs ?? 3_600_000;
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const sets = new Map<string, KeySet>();
  const loading = new Map<string, Promise<KeySet>>();
  const lastAttempt = new Map<string, number>();
  const lastError = new Map<string, Error>();

  async function getJson(url: URL): Promise<unknown> {
    const res = await doFetch(url, { headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`${url.origin}${url.pathname} answered ${res.status}`);
    return res.json();
  }

  async function load(issuer: string): Promise<KeySet> {
    const base = safeUrl(issuer, 'the issuer');
    const discovery = new URL(`${base.href.replace(/\/+$/, '')}/.well-known/openid-configuration`);
    const config = await getJson(discovery);
    if (!isObject(config)) throw new Error('the OpenID configuration is not a JSON object');
    const jwksUri = safeUrl(config.jwks_uri, 'jwks_uri');
    const jwks = await getJson(jwksUri);
    if (!isObject(jwks) || !Array.isArray(jwks.keys)) throw new Error('the JWKS has no `keys`');
    const keys: KeySet['keys'] = new Map();
    for (const jwk of jwks.keys) {
      if (!isObject(jwk) || typeof jwk.kid !== 'string' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
      if (jwk.kty !== 'RSA' && jwk.kty !== 'EC') continue;
      try {
        // Public parts only: a JWK that also holds private fields is read as the public key it contains.
        const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk as Record<string, unknown>;
        const key = createPublicKey({ key: pub as never, format: 'jwk' });
        keys.set(jwk.kid, { key, kty: String(jwk.kty), crv: typeof jwk.crv === 'string' ? jwk.crv : undefined, alg: typeof jwk.alg === 'string' ? jwk.alg : undefined });
      } catch {
        // a key node cannot read is skipped; tokens signed with it fail as `unknown key`
      }
    }
    return { keys, fetchedAt: now() };
  }

  /**
   * The issuer's keys: cached; fetched when missing or older than `maxAgeMs`, and when `kid` is
   * unknown. Fetches (successful or not) happen at most once per `minRefetchMs` per issuer, so
   * tokens with made-up key ids cannot make the function hammer the identity provider.
   */
  async function keysFor(issuer: string, kid: string): Promise<KeySet> {
    const cached = sets.get(issuer);
    const fresh = cached !== undefined && now() - cached.fetchedAt <= maxAgeMs;
    if (cached && fresh && cached.keys.has(kid)) return cached;
    const attempted = lastAttempt.get(issuer);
    if (attempted !== undefined && now() - attempted < minRefetchMs && !loading.has(issuer)) {
      if (cached) return cached;
      throw lastError.get(issuer) ?? new Error('the keys were fetched moments ago without success');
    }
    let pending = loading.get(issuer);
    if (!pending) {
      lastAttempt.set(issuer, now());
      pending = load(issuer).finally(() => loading.delete(issuer));
      loading.set(issuer, pending);
    }
    try {
      const got = await pending;
      sets.set(issuer, got);
      lastError.delete(issuer);
      return got;
    } catch (err) {
      lastError.set(issuer, err as Error);
      if (cached) return cached; // the IdP is unreachable: keep verifying with the keys there are
      throw err;
    }
  }

  async function verify(token: string | undefined, rule: JwtRule): Promise<JwtOutcome> {
    // No credentials at all: RFC 6750 says just `Bearer`, with no error code.
    if (!token) return { ok: false, status: 401, error: undefined, description: 'no bearer token' };
    const parts = token.split('.');
    if (parts.length !== 3) return fail('the token is not a JWT');
    const header = b64json(parts[0]);
    const claims = b64json(parts[1]);
    if (!isObject(header) || !isObject(claims)) return fail('the token is not a JWT');
    const alg = typeof header.alg === 'string' ? header.alg : '';
    const want = ALGS[alg];
    if (!want) return fail(`the token's algorithm ${JSON.stringify(alg || header.alg)} is not accepted (RS256 or ES256)`);
    if (typeof header.kid !== 'string' || header.kid === '') return fail('the token names no key (kid)');
    let set: KeySet;
    try {
      set = await keysFor(rule.issuer, header.kid);
    } catch (err) {
      return { ok: false, status: 401, error: 'invalid_token', description: "the issuer's signing keys could not be fetched", detail: (err as Error).message };
    }
    const jwk = set.keys.get(header.kid);
    if (!jwk) return fail('the token is signed with a key the issuer does not publish');
    if (jwk.kty !== want.kty || (want.crv && jwk.crv !== want.crv) || (jwk.alg && jwk.alg !== alg)) return fail(`the key ${header.kid} is not an ${alg} key`);
    let good = false;
    try {
      const signature = Buffer.from(parts[2], 'base64url');
      good = verifySignature('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), want.dsaEncoding ? { key: jwk.key, dsaEncoding: want.dsaEncoding } : jwk.key, signature);
    } catch {
      good = false;
    }
    if (!good) return fail('the token signature is invalid');
    if (claims.iss !== rule.issuer) return fail('the token is from another issuer');
    const aud = claims.aud !== undefined ? claims.aud : claims.client_id;
    const auds = (Array.isArray(aud) ? aud : [aud]).filter((a): a is string => typeof a === 'string');
    if (!auds.some((a) => rule.audience.includes(a))) return fail('the token is for another audience');
    const t = now() / 1000;
    if (typeof claims.exp !== 'number') return fail('the token has no expiry (exp)');
    if (claims.exp + skew <= t) return fail('the token has expired');
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf - skew > t)) return fail('the token is not valid yet (nbf)');
    if (claims.iat !== undefined && (typeof claims.iat !== 'number' || claims.iat - skew > t)) return fail('the token was issued in the future (iat)');
    const scopes = tokenScopes(claims);
    if (rule.scopes?.length && !rule.scopes.some((s) => scopes.includes(s))) {
      return { ok: false, status: 403, error: 'insufficient_scope', description: `the token has none of the scopes ${rule.scopes.join(', ')}` };
    }
    return { ok: true, auth: { claims, scopes } };
  }

  return { verify };
}

export type JwtVerifier = ReturnType<typeof createJwtVerifier>;

/** `WWW-Authenticate` for a failed verification (RFC 6750). */
export function wwwAuthenticate(outcome: Extract<JwtOutcome, { ok: false }>, rule: JwtRule): string {
  if (!outcome.error) return 'Bearer';
  const quote = (s: string) => s.replace(/["\\]/g, '');
  const scope = outcome.error === 'insufficient_scope' && rule.scopes?.length ? `, scope="${quote(rule.scopes.join(' '))}"` : '';
  return `Bearer error="${outcome.error}", error_description="${quote(outcome.description)}"${scope}`;
}
