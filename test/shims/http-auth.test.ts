/**
 * JWT verification and CORS where the shim is the front door (Azure, GCP; local's shim verifies
 * tokens too): the verifier against a loopback OpenID provider with real keys, then the GCP shim
 * through the functions framework's real server and the Azure shim with the library's own
 * HttpRequest, and the AWS shim's `req.auth` from API Gateway's authorizer context.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import azureFunctions from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier, wwwAuthenticate } from '../../src/runtime/jwt.js';
import { corsHeaders, preflightAnswer, DEFAULT_CORS_RULE } from '../../src/runtime/cors.js';
import type { HttpRequest } from '../../src/runtime/index.js';
import type { ShimMeta } from '../../src/model/shim.js';
import { registerGcpFunction } from '../../templates/shims/gcp.js';
import { azureAdapterEnv, azureHttpAdapter } from '../../templates/shims/azure.js';
import { createAwsHandler } from '../../templates/shims/aws.js';
import { makeKey, signToken, startIssuer, type TestIssuer } from '../support/jwks.js';

const { HttpRequest: AzRequest, InvocationContext } = azureFunctions;

describe('JWT verifier (src/runtime/jwt.ts) against a loopback OpenID provider with real keys', () => {
  let idp: TestIssuer;
  const ec = makeKey('ec-1', 'ES256');
  beforeAll(async () => {
    idp = await startIssuer([makeKey('rsa-1'), ec]);
  });
  afterAll(() => idp.close());
  const rule = () => ({ issuer: idp.issuer, audience: ['api', 'other'] });

  it('accepts RS256 and ES256 tokens for the issuer and an audience, with every claim and the scopes; the keys are fetched once', async () => {
    const v = createJwtVerifier();
    const rs = await v.verify(idp.token({ scope: 'orders:read orders:write', tenant: { id: 7 } }), rule());
    expect(rs).toEqual({ ok: true, auth: { claims: expect.objectContaining({ sub: 'user-1', tenant: { id: 7 }, iss: idp.issuer }), scopes: ['orders:read', 'orders:write'] } });
    const es = await v.verify(idp.token({ aud: ['x', 'other'], scp: ['a', 'b'] }, ec), rule());
    expect(es).toMatchObject({ ok: true, auth: { scopes: ['a', 'b'] } });
    // `client_id` stands for a missing `aud`, as API Gateway reads it
    expect(await v.verify(idp.token({ aud: undefined, client_id: 'api' }), rule())).toMatchObject({ ok: true });
    expect(idp.hits['/.well-known/openid-configuration']).toBe(1);
    expect(idp.hits['/jwks']).toBe(1);
  });

  it('refuses expired, not-yet-valid, wrong-audience, wrong-issuer, tampered and unsigned tokens, each with its reason', async () => {
    const v = createJwtVerifier();
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, string | undefined, RegExp]> = [
      ['expired', idp.token({ exp: now - 120 }), /expired/],
      ['no exp', idp.token({ exp: undefined }), /no expiry/],
      ['nbf ahead', idp.token({ nbf: now + 600 }), /not valid yet/],
      ['iat ahead', idp.token({ iat: now + 600 }), /issued in the future/],
      ['wrong aud', idp.token({ aud: 'someone-else' }), /another audience/],
      ['wrong iss', idp.token({ iss: 'https://evil.example.com' }), /another issuer/],
      ['no token', undefined, /no bearer token/],
      ['not a JWT', 'abc.def', /not a JWT/],
    ];
    const good = idp.token();
    const [h, p] = good.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'admin' })).toString('base64url');
    cases.push(['tampered payload', `${h}.${forged}.${good.split('.')[2]}`, /signature is invalid/]);
    const other = makeKey('rsa-1'); // same kid, another key: a signature the published key does not verify
    cases.push(['signed by another key', signToken(other, { iss: idp.issuer, aud: 'api', exp: now + 60 }), /signature is invalid/]);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'rsa-1' })).toString('base64url')}.${p}.`;
    cases.push(['alg none', none, /algorithm "none" is not accepted/]);
    // HS256 with the public key as the HMAC secret (the classic key-confusion attack)
    const hsInput = `${Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'rsa-1' })).toString('base64url')}.${p}`;
    const hs = `${hsInput}.${createHmac('sha256', JSON.stringify(idp.keys[0].jwk)).update(hsInput).digest('base64url')}`;
    cases.push(['HS256', hs, /algorithm "HS256" is not accepted/]);
    // an RS256 token naming the EC key
    cases.push(['alg/key mismatch', signToken(idp.keys[0], { iss: idp.issuer, aud: 'api', exp: now + 60 }, { kid: 'ec-1' }), /not an RS256 key/]);
    for (const [name, token, reason] of cases) {
      const out = await v.verify(token, rule());
      expect([name, out.ok]).toEqual([name, false]);
      if (!out.ok) {
        expect([name, out.status]).toEqual([name, 401]);
        expect(out.description).toMatch(reason);
      }
    }
  });

  it('tolerates a small clock skew (30 s) on exp', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await createJwtVerifier().verify(idp.token({ exp: now - 10 }), rule())).toMatchObject({ ok: true });
    expect(await createJwtVerifier({ clockSkewS: 0 }).verify(idp.token({ exp: now - 10 }), rule())).toMatchObject({ ok: false });
  });

  it('required scopes: at least one of them, else 403 insufficient_scope with a WWW-Authenticate naming them', async () => {
    const v = createJwtVerifier();
    const r = { ...rule(), scopes: ['orders:write', 'admin'] };
    expect(await v.verify(idp.token({ scope: 'orders:write' }), r)).toMatchObject({ ok: true });
    const out = await v.verify(idp.token({ scope: 'orders:read' }), r);
    expect(out).toMatchObject({ ok: false, status: 403, error: 'insufficient_scope' });
    if (!out.ok) expect(wwwAuthenticate(out, r)).toBe('Bearer error="insufficient_scope", error_description="the token has none of the scopes orders:write, admin", scope="orders:write admin"');
    const missing = await v.verify(undefined, r);
    if (!missing.ok) expect(wwwAuthenticate(missing, r)).toBe('Bearer');
  });

  it('an unknown kid refetches the JWKS (a rotated key is accepted), at most once per interval', async () => {
    let t = Date.now();
    const local = await startIssuer([makeKey('old')], () => t);
    try {
      const v = createJwtVerifier({ now: () => t, minRefetchMs: 30_000 });
      const r = { issuer: local.issuer, audience: ['api'] };
      expect(await v.verify(local.token(), r)).toMatchObject({ ok: true });
      expect(local.hits['/jwks']).toBe(1);
      const rotated = makeKey('new');
      local.keys = [local.keys[0], rotated];
      // 10 s later: too soon to fetch again, the new kid is unknown
      t += 10_000;
      expect(await v.verify(local.token({}, rotated), r)).toMatchObject({ ok: false, description: expect.stringMatching(/key the issuer does not publish/) });
      expect(local.hits['/jwks']).toBe(1);
      // a flood of made-up kids in that window fetches nothing
      for (let i = 0; i < 5; i++) await v.verify(local.token({}, makeKey(`made-up-${i}`)), r);
      expect(local.hits['/jwks']).toBe(1);
      t += 30_000;
      expect(await v.verify(local.token({}, rotated), r)).toMatchObject({ ok: true });
      expect(local.hits['/jwks']).toBe(2);
      // known kid, fresh keys: no fetch
      expect(await v.verify(local.token(), r)).toMatchObject({ ok: true });
      expect(local.hits['/jwks']).toBe(2);
    } finally {
      await local.close();
    }
  });

  it('fetches keys over https only (http for loopback hosts): an http jwks_uri elsewhere is refused, and a down issuer fails closed', async () => {
    const calls: string[] = [];
    const fakeFetch = (async (url: URL) => {
      calls.push(String(url));
      return new Response(JSON.stringify({ jwks_uri: 'http://keys.example.com/jwks' }), { status: 200 });
    }) as unknown as typeof fetch;
    const token = signToken(makeKey('k'), { iss: 'https://idp.example.com', aud: 'api', exp: Math.floor(Date.now() / 1000) + 60 });
    const out = await createJwtVerifier({ fetch: fakeFetch }).verify(token, { issuer: 'https://idp.example.com', audience: ['api'] });
    expect(out).toMatchObject({ ok: false, status: 401, description: "the issuer's signing keys could not be fetched", detail: 'jwks_uri is not https' });
    expect(calls).toEqual(['https://idp.example.com/.well-known/openid-configuration']);
    const down = await createJwtVerifier().verify(token, { issuer: 'http://127.0.0.1:9', audience: ['api'] });
    expect(down).toMatchObject({ ok: false, status: 401 });
    const plainHttp = await createJwtVerifier({ fetch: fakeFetch }).verify(token, { issuer: 'http://idp.example.com', audience: ['api'] });
    expect(plainHttp).toMatchObject({ ok: false, detail: 'the issuer is not https' });
  });
});

describe('CORS answers (src/runtime/cors.ts)', () => {
  it('a preflight from an allowed origin gets the allow headers; another origin, method or header gets none', () => {
    const rule = { origins: ['https://app.example.com'], headers: ['content-type', 'authorization'], exposeHeaders: ['x-total'], credentials: true, maxAgeS: 600 };
    const ask = (origin: string, method = 'POST', headers = 'content-type') => preflightAnswer(rule, { origin, 'access-control-request-method': method, 'access-control-request-headers': headers }, ['GET', 'POST']);
    expect(ask('https://app.example.com')).toEqual({
      status: 204,
      headers: {
        vary: 'origin, access-control-request-method, access-control-request-headers',
        'access-control-allow-origin': 'https://app.example.com',
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': 'content-type, authorization',
        'access-control-allow-credentials': 'true',
        'access-control-max-age': '600',
      },
    });
    expect(ask('https://evil.example.com').headers['access-control-allow-origin']).toBeUndefined();
    expect(ask('https://app.example.com', 'DELETE').headers['access-control-allow-origin']).toBeUndefined();
    expect(ask('https://app.example.com', 'POST', 'x-secret').headers['access-control-allow-origin']).toBeUndefined();
    expect(corsHeaders(rule, { origin: 'https://app.example.com' })).toEqual({ vary: 'origin', 'access-control-allow-origin': 'https://app.example.com', 'access-control-allow-credentials': 'true', 'access-control-expose-headers': 'x-total' });
    expect(corsHeaders(DEFAULT_CORS_RULE, { origin: 'https://any.example.com' })).toEqual({ 'access-control-allow-origin': '*' });
  });
});

/** A handler that records what it saw. */
function recorder() {
  const seen: HttpRequest[] = [];
  const handler = async (req: HttpRequest) => {
    seen.push(req);
    return { status: 200, headers: { 'access-control-allow-origin': 'https://handler-set.example.com', 'x-total': '3' }, body: { sub: req.auth?.claims.sub ?? null, scopes: req.auth?.scopes ?? null } };
  };
  return { seen, handler };
}

const CORS = { origins: ['https://app.example.com'], headers: ['authorization', 'content-type'], exposeHeaders: ['x-total'], credentials: true, maxAgeS: 120 };

function apiMeta(target: 'gcp' | 'azure', issuer: string): ShimMeta {
  return {
    functionName: 'api',
    target,
    service: 'shop',
    stage: 'dev',
    timeoutMs: 5000,
    events: [
      { kind: 'http', method: 'GET', path: '/orders/{id}', cors: CORS, auth: { jwt: { issuer, audience: ['api'], scopes: ['orders:read'] } } },
      { kind: 'http', method: 'GET', path: '/public', cors: false },
    ],
  };
}

/** The scenario both shim front doors must pass, through a `call(method, path, headers)` that returns status, headers, JSON body. */
function frontDoorScenario(name: string, make: (issuer: string) => Promise<{ call: (method: string, path: string, headers?: Record<string, string>) => Promise<{ status: number; headers: Record<string, string>; body: any }>; seen: HttpRequest[]; close(): Promise<void> }>) {
  describe(`${name} shim: CORS and JWT before the handler`, () => {
    let idp: TestIssuer;
    let shim: Awaited<ReturnType<typeof make>>;
    beforeAll(async () => {
      idp = await startIssuer([makeKey('k1')]);
      shim = await make(idp.issuer);
    });
    afterAll(async () => {
      await shim.close();
      await idp.close();
    });

    it('no token: 401 with WWW-Authenticate, and the handler is not called', async () => {
      const before = shim.seen.length;
      const res = await shim.call('GET', '/orders/1', { origin: 'https://app.example.com' });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.body).toEqual({ error: 'Unauthorized' });
      // a browser can read the 401: the route's CORS headers are on it
      expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
      const bad = await shim.call('GET', '/orders/1', { authorization: `Bearer ${idp.token({ aud: 'nope' })}` });
      expect(bad.status).toBe(401);
      expect(bad.headers['www-authenticate']).toBe('Bearer error="invalid_token", error_description="the token is for another audience"');
      const scope = await shim.call('GET', '/orders/1', { authorization: `Bearer ${idp.token({ scope: 'orders:write' })}` });
      expect(scope.status).toBe(403);
      expect(shim.seen.length).toBe(before);
    });

    it('a valid token reaches the handler with its claims in req.auth; CORS headers replace the handler\'s own', async () => {
      const res = await shim.call('GET', '/orders/1', { authorization: `Bearer ${idp.token({ scope: 'orders:read' })}`, origin: 'https://app.example.com' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ sub: 'user-1', scopes: ['orders:read'] });
      expect(shim.seen.at(-1)!.auth!.claims).toMatchObject({ iss: idp.issuer, aud: 'api', sub: 'user-1' });
      expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers['access-control-expose-headers']).toBe('x-total');
    });

    it('a preflight is answered without a token and without the handler', async () => {
      const before = shim.seen.length;
      const res = await shim.call('OPTIONS', '/orders/1', { origin: 'https://app.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' });
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(res.headers['access-control-allow-methods']).toBe('GET');
      expect(res.headers['access-control-max-age']).toBe('120');
      const other = await shim.call('OPTIONS', '/orders/1', { origin: 'https://evil.example.com', 'access-control-request-method': 'GET' });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      expect(shim.seen.length).toBe(before);
    });

    it('a route without auth or cors is untouched', async () => {
      const res = await shim.call('GET', '/public', { origin: 'https://app.example.com' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ sub: null, scopes: null });
      expect(res.headers['access-control-allow-origin']).toBe('https://handler-set.example.com');
    });
  });
}

frontDoorScenario('gcp', async (issuer) => {
  const { seen, handler } = recorder();
  const meta = apiMeta('gcp', issuer);
  registerGcpFunction(handler, meta, { write: () => {} });
  const server = getTestServer(meta.functionName) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    seen,
    async call(method, path, headers = {}) {
      const res = await fetch(base + path, { method, headers });
      const text = await res.text();
      return { status: res.status, headers: Object.fromEntries(res.headers), body: text ? JSON.parse(text) : undefined };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});

frontDoorScenario('azure', async (issuer) => {
  const { seen, handler } = recorder();
  const env = azureAdapterEnv(apiMeta('azure', issuer), { write: () => {} });
  const adapters: Record<string, ReturnType<typeof azureHttpAdapter>> = { '/orders/{id}': azureHttpAdapter(handler, env, '/orders/{id}'), '/public': azureHttpAdapter(handler, env, '/public') };
  return {
    seen,
    async call(method, path, headers = {}) {
      const routePath = path.startsWith('/orders/') ? '/orders/{id}' : '/public';
      const res = await adapters[routePath](new AzRequest({ method, url: `https://shop.azurewebsites.net/api${path}`, headers, params: {} }), new InvocationContext({ invocationId: 'inv', functionName: 'api' }));
      const body = typeof res.body === 'string' ? res.body : res.body ? Buffer.from(res.body as Uint8Array).toString() : '';
      return { status: res.status ?? 200, headers: Object.fromEntries(Object.entries((res.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v])), body: body ? JSON.parse(body) : undefined };
    },
    close: async () => {},
  };
});

describe('aws shim: req.auth from API Gateway\'s JWT authorizer', () => {
  const meta: ShimMeta = { functionName: 'api', target: 'aws', service: 'shop', stage: 'dev', timeoutMs: 5000, events: [{ kind: 'http', method: 'GET', path: '/me', cors: false }] };
  const event = (authorizer: unknown, authorization?: string) => ({
    version: '2.0',
    routeKey: 'GET /me',
    rawPath: '/me',
    rawQueryString: '',
    headers: authorization ? { authorization } : {},
    pathParameters: {},
    requestContext: { http: { method: 'GET', path: '/me', sourceIp: '203.0.113.1' }, requestId: 'r1', stage: '$default', ...(authorizer ? { authorizer } : {}) },
    isBase64Encoded: false,
  });

  it('the claims API Gateway verified, with their JSON types from the token it verified; none without an authorizer', async () => {
    let seen: HttpRequest | undefined;
    const h = createAwsHandler(async (req: HttpRequest) => void (seen = req), meta, { write: () => {} });
    const key = makeKey('k');
    const token = signToken(key, { iss: 'https://idp.example.com', aud: 'api', sub: 'u1', exp: 2000000000, scope: 'a b', roles: ['admin'] });
    // What API Gateway puts in the event: every claim as a string, arrays flattened
    const jwt = { claims: { iss: 'https://idp.example.com', aud: 'api', sub: 'u1', exp: '2000000000', scope: 'a b', roles: '[admin]' }, scopes: ['a', 'b'] };
    await h(event({ jwt }, `Bearer ${token}`), {});
    expect(seen!.auth).toEqual({ claims: { iss: 'https://idp.example.com', aud: 'api', sub: 'u1', exp: 2000000000, scope: 'a b', roles: ['admin'] }, scopes: ['a', 'b'] });
    // another token in the header than the one the claims describe: the authorizer's claims as given
    await h(event({ jwt }, `Bearer ${signToken(key, { iss: 'https://other.example.com', exp: 1 })}`), {});
    expect(seen!.auth!.claims).toEqual(jwt.claims);
    await h(event(undefined), {});
    expect(seen!.auth).toBeUndefined();
  });
});


describe('sls-x/testing: httpRequest({ auth })', () => {
  it('gives a handler the req.auth a verified token would, scopes from the claims unless given', async () => {
    const { httpRequest } = await import('../../src/testing/index.js');
    expect(httpRequest({ auth: { claims: { sub: 'u1', scp: ['a'] } } }).auth).toEqual({ claims: { sub: 'u1', scp: ['a'] }, scopes: ['a'] });
    expect(httpRequest({ auth: { claims: { sub: 'u1' }, scopes: ['x'] } }).auth!.scopes).toEqual(['x']);
    expect(httpRequest().auth).toBeUndefined();
  });
});

describe('where CORS and auth go: the runtime configuration (SLSX_FUNCTIONS) only where the shim enforces them', () => {
  it('azure and gcp get both, local gets auth (its gateway does CORS), aws neither; an Azure path with CORS also takes OPTIONS', async () => {
    const { runtimeEvent } = await import('../../src/bundle/shim-meta.js');
    const { planAzureTriggers } = await import('../../templates/shims/common/azure-triggers.js');
    const ev = { kind: 'http' as const, method: 'GET' as const, path: '/a', cors: true, auth: { jwt: { issuer: 'https://idp.example.com', audience: ['api'], scopes: [] } } };
    const keys = (t: 'aws' | 'azure' | 'gcp' | 'local') => Object.keys(runtimeEvent(ev, t)).sort();
    expect(keys('aws')).toEqual(['kind', 'method', 'path']);
    expect(keys('local')).toEqual(['auth', 'kind', 'method', 'path']);
    expect(keys('azure')).toEqual(['auth', 'cors', 'kind', 'method', 'path']);
    expect(keys('gcp')).toEqual(['auth', 'cors', 'kind', 'method', 'path']);
    expect((runtimeEvent(ev, 'gcp') as { cors: unknown }).cors).toEqual({ origins: ['*'], headers: ['authorization', 'content-type'], exposeHeaders: [], credentials: false, maxAgeS: 300 });
    const [t] = planAzureTriggers('api', [runtimeEvent(ev, 'azure')]);
    expect(t.kind === 'http' && t.methods).toEqual(['GET', 'OPTIONS']);
    const [plain] = planAzureTriggers('api', [runtimeEvent({ ...ev, cors: false }, 'azure')]);
    expect(plain.kind === 'http' && plain.methods).toEqual(['GET']);
  });
});
