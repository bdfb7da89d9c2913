/**
 * A loopback OpenID provider for tests: real keys made with node:crypto, a discovery document
 * and a JWKS served over http on 127.0.0.1, and tokens signed with those keys.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export interface TestKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

export function makeKey(kid: string, alg: 'RS256' | 'ES256' = 'RS256'): TestKey {
  const pair = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid, alg, privateKey: pair.privateKey, jwk: { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A compact JWS of `claims`, signed with `key` (header `alg` and `kid` overridable to forge bad tokens). */
export function signToken(key: TestKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const input = `${b64({ typ: 'JWT', alg: key.alg, kid: key.kid, ...header })}.${b64(claims)}`;
  const sig = key.alg === 'RS256' ? sign('sha256', Buffer.from(input), key.privateKey) : sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

export interface TestIssuer {
  /** `http://127.0.0.1:<port>`: the `iss` of its tokens. */
  issuer: string;
  /** Keys the JWKS publishes (change it to rotate). */
  keys: TestKey[];
  /** Requests served, by path. */
  hits: Record<string, number>;
  /** A token with sensible defaults (iss, aud `api`, exp in 10 minutes), signed with keys[0] unless another key is given. */
  token(claims?: Record<string, unknown>, key?: TestKey, header?: Record<string, unknown>): string;
  close(): Promise<void>;
}

export async function startIssuer(keys: TestKey[] = [makeKey('k1')], now: () => number = Date.now): Promise<TestIssuer> {
  const hits: Record<string, number> = {};
  let issuer = '';
  const state = { keys };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits[path] = (hits[path] ?? 0) + 1;
    if (path === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    } else if (path === '/jwks') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: state.keys.map((k) => k.jwk) }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    get keys() {
      return state.keys;
    },
    set keys(k: TestKey[]) {
      state.keys = k;
    },
    hits,
    token(claims = {}, key = state.keys[0], header = {}) {
      const t = Math.floor(now() / 1000);
      return signToken(key, { iss: issuer, aud: 'api', sub: 'user-1', iat: t, exp: t + 600, ...claims }, header);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
