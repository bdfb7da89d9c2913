/**
 * CORS settings and JWT authorizers on the HTTP API, against the SDK-level fake: the exact
 * CreateApi / CreateAuthorizer / CreateRoute inputs, observe round trips (a redeploy writes
 * nothing), updates, removal; API Gateway enforces both, so the function's configuration
 * (SLSX_FUNCTIONS) carries neither.
 */
import { describe, expect, it } from 'vitest';
import { adapter } from '../../providers/aws/index.js';
import { authorizerName } from '../../providers/aws/naming.js';
import type { CorsSpec, HttpEventSpec, JwtAuthSpec } from '../../src/model/service.js';
import { FakeAws } from './support/fake-aws.js';
import { artifacts, context, deploy, fn, service, work } from './support/service.js';

const CORS: CorsSpec = { origins: ['https://app.example.com'], headers: ['content-type', 'authorization', 'x-api-key'], exposeHeaders: ['x-total'], credentials: true, maxAgeS: 600 };
const JWT: JwtAuthSpec = { issuer: 'https://idp.example.com/', audience: ['orders-api'], scopes: [] };
const route = (method: HttpEventSpec['method'], path: string, extra: Partial<HttpEventSpec> = {}): HttpEventSpec => ({ kind: 'http', method, path, cors: CORS, ...extra });

const svc = (events: HttpEventSpec[]) => service([fn('api', { events })]);
const base = () => [route('GET', '/orders/{id}', { auth: { jwt: { ...JWT, scopes: ['orders:read'] } } }), route('POST', '/orders', { auth: { jwt: JWT } }), route('GET', '/health')];

describe('aws adapter: CORS settings and JWT authorizers (issue 11.4)', () => {
  it('first deploy: the API\'s CorsConfiguration, one JWT authorizer for the shared issuer/audience, routes with AuthorizationType JWT', async () => {
    const aws = new FakeAws();
    const s = svc(base());
    const p = await deploy(s, artifacts(s), context(aws));
    const name = authorizerName(JWT);
    expect(work(p.changes)).toContain(`create authorizer:${name}`);
    expect(aws.inputs('apigateway:CreateApi')[0].CorsConfiguration).toEqual({
      AllowOrigins: ['https://app.example.com'],
      AllowMethods: ['GET', 'POST'],
      AllowHeaders: ['authorization', 'content-type', 'x-api-key'],
      MaxAge: 600,
      AllowCredentials: true,
      ExposeHeaders: ['x-total'],
    });
    const apiId = [...aws.apis.keys()][0];
    expect(aws.inputs('apigateway:CreateAuthorizer')).toEqual([
      { ApiId: apiId, Name: name, AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'], JwtConfiguration: { Issuer: 'https://idp.example.com/', Audience: ['orders-api'] } },
    ]);
    const authorizerId = [...aws.apis.get(apiId).authorizers.keys()][0];
    const integrationId = [...aws.apis.get(apiId).integrations.keys()][0];
    expect(aws.inputs('apigateway:CreateRoute').sort((a, b) => a.RouteKey.localeCompare(b.RouteKey))).toEqual([
      { ApiId: apiId, RouteKey: 'GET /health', Target: `integrations/${integrationId}` },
      { ApiId: apiId, RouteKey: 'GET /orders/{id}', Target: `integrations/${integrationId}`, AuthorizationType: 'JWT', AuthorizerId: authorizerId, AuthorizationScopes: ['orders:read'] },
      { ApiId: apiId, RouteKey: 'POST /orders', Target: `integrations/${integrationId}`, AuthorizationType: 'JWT', AuthorizerId: authorizerId, AuthorizationScopes: [] },
    ]);
    // API Gateway does both: the function's runtime configuration has neither.
    const env = JSON.parse(String((p.changes.find((c) => c.id === 'function:api')!.after as any).env.SLSX_FUNCTIONS));
    expect(env.api.events).toEqual([
      { kind: 'http', method: 'GET', path: '/orders/{id}' },
      { kind: 'http', method: 'POST', path: '/orders' },
      { kind: 'http', method: 'GET', path: '/health' },
    ]);
  });

  it('redeploying the same config makes no mutating call (authorizers and route auth observe back as planned)', async () => {
    const aws = new FakeAws();
    const s = svc(base());
    const arts = artifacts(s);
    await deploy(s, arts, context(aws));
    aws.resetCalls();
    const p = await deploy(s, arts, context(aws));
    expect(work(p.changes)).toEqual([]);
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it('scopes and CORS changes update the route and the API only: no function update, no code upload', async () => {
    const aws = new FakeAws();
    const s = svc(base());
    const arts = artifacts(s);
    await deploy(s, arts, context(aws));
    aws.resetCalls();
    const next = base();
    next[0] = route('GET', '/orders/{id}', { auth: { jwt: { ...JWT, scopes: ['orders:read', 'admin'] } } });
    const cors = { ...CORS, credentials: false, exposeHeaders: [], maxAgeS: 60 };
    for (const r of next) r.cors = cors;
    const p = await deploy(svc(next), arts, context(aws));
    expect(work(p.changes)).toEqual(['update api', 'update route:GET /orders/{id}']);
    expect(p.changes.find((c) => c.id === 'route:GET /orders/{id}')!.reasons).toEqual(['scopes: + "admin"']);
    expect(aws.mutatingCalls().sort()).toEqual(['apigateway:UpdateApi', 'apigateway:UpdateRoute']);
    const apiId = [...aws.apis.keys()][0];
    // Turning credentials and exposed headers off says so (an update does not leave them as they were)
    expect(aws.inputs('apigateway:UpdateApi')[0].CorsConfiguration).toEqual({ AllowOrigins: ['https://app.example.com'], AllowMethods: ['GET', 'POST'], AllowHeaders: ['authorization', 'content-type', 'x-api-key'], MaxAge: 60, AllowCredentials: false, ExposeHeaders: [] });
    expect(aws.apis.get(apiId).CorsConfiguration.AllowCredentials).toBe(false);
    expect(aws.inputs('apigateway:UpdateRoute')[0]).toMatchObject({ AuthorizationType: 'JWT', AuthorizationScopes: ['admin', 'orders:read'] });
    aws.resetCalls();
    expect(work((await deploy(svc(next), arts, context(aws))).changes)).toEqual([]);
  });

  it('a new audience is a new authorizer: routes move to it first, then the old one is deleted', async () => {
    const aws = new FakeAws();
    const s = svc(base());
    const arts = artifacts(s);
    await deploy(s, arts, context(aws));
    aws.resetCalls();
    const jwt2 = { ...JWT, audience: ['orders-api', 'mobile'] };
    const next = [route('GET', '/orders/{id}', { auth: { jwt: { ...jwt2, scopes: ['orders:read'] } } }), route('POST', '/orders', { auth: { jwt: jwt2 } }), route('GET', '/health')];
    const p = await deploy(svc(next), arts, context(aws));
    expect(work(p.changes).sort()).toEqual([`create authorizer:${authorizerName(jwt2)}`, `delete authorizer:${authorizerName(JWT)}`, 'update route:GET /orders/{id}', 'update route:POST /orders'].sort());
    const names = aws.calls.map((c) => c.name);
    expect(names.lastIndexOf('apigateway:UpdateRoute')).toBeLessThan(names.indexOf('apigateway:DeleteAuthorizer'));
    expect(names.indexOf('apigateway:CreateAuthorizer')).toBeLessThan(names.indexOf('apigateway:UpdateRoute'));
    const apiId = [...aws.apis.keys()][0];
    expect([...aws.apis.get(apiId).authorizers.values()].map((a: any) => a.JwtConfiguration.Audience)).toEqual([['mobile', 'orders-api']]);
  });

  it('dropping auth sets the routes back to NONE and deletes the authorizer; a redeploy then writes nothing', async () => {
    const aws = new FakeAws();
    const s = svc(base());
    const arts = artifacts(s);
    await deploy(s, arts, context(aws));
    aws.resetCalls();
    const open = [route('GET', '/orders/{id}'), route('POST', '/orders'), route('GET', '/health')];
    const p = await deploy(svc(open), arts, context(aws));
    expect(work(p.changes).sort()).toEqual([`delete authorizer:${authorizerName(JWT)}`, 'update route:GET /orders/{id}', 'update route:POST /orders'].sort());
    expect(aws.inputs('apigateway:UpdateRoute').map((i) => i.AuthorizationType)).toEqual(['NONE', 'NONE']);
    const apiId = [...aws.apis.keys()][0];
    expect(aws.apis.get(apiId).authorizers.size).toBe(0);
    aws.resetCalls();
    expect(work((await deploy(svc(open), arts, context(aws))).changes)).toEqual([]);
  });

  it('remove deletes the authorizer (after the routes that use it) and the API', async () => {
    const aws = new FakeAws();
    const s = svc(base());
    await deploy(s, artifacts(s), context(aws));
    aws.resetCalls();
    const p = await deploy(s, [], context(aws), true);
    expect(work(p.changes)).toContain(`delete authorizer:${authorizerName(JWT)}`);
    const names = aws.calls.map((c) => c.name);
    expect(names.lastIndexOf('apigateway:DeleteRoute')).toBeLessThan(names.indexOf('apigateway:DeleteAuthorizer'));
    expect(names.indexOf('apigateway:DeleteAuthorizer')).toBeLessThan(names.indexOf('apigateway:DeleteApi'));
    expect(aws.apis.size).toBe(0);
  });

  it('an authorizer a stopped deploy created is found by name and reused, not made twice', async () => {
    const aws = new FakeAws();
    const s = svc([route('GET', '/health')]);
    const arts = artifacts(s);
    await deploy(s, arts, context(aws));
    const apiId = [...aws.apis.keys()][0];
    // as if a deploy had created it and stopped before any route used it (routes are how observe finds authorizers)
    await aws.clients.apigw.send(new (await import('@aws-sdk/client-apigatewayv2')).CreateAuthorizerCommand({ ApiId: apiId, Name: authorizerName(JWT), AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'], JwtConfiguration: { Issuer: JWT.issuer, Audience: ['stale'] } }));
    aws.resetCalls();
    await deploy(svc(base()), arts, context(aws));
    expect(aws.inputs('apigateway:CreateAuthorizer')).toEqual([]);
    expect(aws.inputs('apigateway:UpdateAuthorizer')[0]).toMatchObject({ Name: authorizerName(JWT), JwtConfiguration: { Audience: ['orders-api'] } });
    expect(aws.apis.get(apiId).authorizers.size).toBe(1);
  });

  it('validate: routes asking for different CORS, a preflight cache over a day, a non-https issuer and more than 10 authorizers are errors, each at its route', () => {
    const s = svc([
      route('GET', '/a', { cors: { ...CORS, maxAgeS: 100_000 } }),
      route('GET', '/b', { cors: { ...CORS, origins: ['https://other.example.com'] } }),
      route('GET', '/c', { cors: false, auth: { jwt: { ...JWT, issuer: 'http://127.0.0.1:8080' } } }),
      ...Array.from({ length: 10 }, (_, i) => route('GET', `/n${i}`, { cors: { ...CORS, maxAgeS: 100_000 }, auth: { jwt: { ...JWT, audience: [`aud-${i}`] } } })),
    ]);
    const d = adapter.validate(s).filter((x) => x.code !== 'http-timeout');
    expect(d.map((x) => [x.severity, x.code, x.path])).toEqual([
      ['warning', 'cors-per-api', 'functions.api.events.2.http'],
      ['error', 'cors-per-api', 'functions.api.events.1.http.cors'],
      ['error', 'limit-cors-max-age', 'functions.api.events.0.http.cors.maxAge'],
      ['error', 'auth-issuer-https', 'functions.api.events.2.http.auth.jwt.issuer'],
      ['error', 'limit-authorizers', 'functions.api.events.12.http.auth'],
    ]);
    expect(d.every((x) => x.target === 'aws' && x.hint)).toBe(true);
  });
});
