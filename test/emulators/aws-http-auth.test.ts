/**
 * CORS settings and a JWT authorizer on the HTTP API, against moto (issue 11.4): the real CLI
 * deploys a route with `cors: {...}` and `auth: { jwt }`; moto's own state then holds the API's
 * CorsConfiguration, a JWT authorizer and the route's AuthorizationType/AuthorizerId/scopes; the
 * next plan is empty (observe reads it all back), a scopes change is one route update, `remove`
 * leaves nothing.
 *
 * moto 5.2 gaps this suite works around, not relies on: it has GetAuthorizer but no
 * GetAuthorizers (a listing answers 500), so the adapter observes authorizers through the routes
 * that use them and its create-time lookup by name finds nothing there; moto does not enforce
 * authorizers or CORS on requests (no token is ever checked), so nothing here calls the API:
 * what API Gateway does with a token is AWS's, and the shim-side verification is tested in
 * test/shims/http-auth.test.ts and test/local/http-auth.test.ts.
 *
 * Skipped unless SLSX_MOTO_URL points at a running moto.
 */
import { GetApisCommand, GetAuthorizerCommand, GetRoutesCommand } from '@aws-sdk/client-apigatewayv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { Plan } from '../../src/core/resources.js';
import { MOTO_URL, SKIP_REASON, motoClients, motoEnv, tempProject, type MotoClients } from './support/moto.js';

if (!MOTO_URL) console.warn(`test/emulators/aws-http-auth.test.ts: ${SKIP_REASON}`);

const SERVICE = `ja${Date.now().toString(36).slice(-6)}`;
const PREFIX = `${SERVICE}-dev`;
const REGION = 'us-east-1';

const faasYaml = (scopes: string) => `service: ${SERVICE}
target: aws
targets:
  aws: { region: ${REGION} }
functions:
  api:
    handler: src/api.handler
    events:
      - http:
          method: GET
          path: /orders/{id}
          cors: &cors { origins: [https://app.example.com], credentials: true, exposeHeaders: [x-total], maxAge: 10m }
          auth: { jwt: { issuer: https://idp.example.com/, audience: [orders-api], scopes: ${scopes} } }
      - http: { method: GET, path: /health, cors: *cors }
`;

describe.skipIf(!MOTO_URL)(`CORS and JWT authorizers on aws against moto (${MOTO_URL ?? 'skipped: SLSX_MOTO_URL unset'})`, () => {
  const env = motoEnv(MOTO_URL!, REGION);
  const project = tempProject({ 'faas.yaml': faasYaml('[orders:read]'), 'src/api.ts': 'export const handler = async () => ({ ok: true });\n' });
  let moto: MotoClients;
  const cli = (...argv: string[]) => runCli(argv, project.root, { env });
  const pending = async (): Promise<string[]> => {
    const res = await cli('plan', '--json');
    expect(res.code, res.stderr).toBe(0);
    return (JSON.parse(res.stdout) as { plan: Plan }).plan.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.id}`);
  };
  const api = async () => ((await moto.apigw.send(new GetApisCommand({}))).Items ?? []).find((a) => a.Name === PREFIX);
  const routes = async (apiId: string) => ((await moto.apigw.send(new GetRoutesCommand({ ApiId: apiId }))).Items ?? []).sort((a, b) => a.RouteKey!.localeCompare(b.RouteKey!));

  beforeAll(() => {
    moto = motoClients(MOTO_URL!, REGION);
  });
  afterAll(() => project.cleanup());

  it('deploy: the API\'s CORS, a JWT authorizer, and the route that uses it, as moto holds them', async () => {
    const out = await cli('deploy');
    expect(out.code, out.stderr + out.stdout).toBe(0);
    const a = await api();
    expect(a?.CorsConfiguration).toMatchObject({ AllowOrigins: ['https://app.example.com'], AllowMethods: ['GET'], AllowHeaders: ['authorization', 'content-type'], MaxAge: 600, AllowCredentials: true, ExposeHeaders: ['x-total'] });
    const [health, orders] = await routes(a!.ApiId!);
    expect(health).toMatchObject({ RouteKey: 'GET /health', AuthorizationType: 'NONE' });
    expect(orders).toMatchObject({ RouteKey: 'GET /orders/{id}', AuthorizationType: 'JWT', AuthorizationScopes: ['orders:read'] });
    const authorizer = await moto.apigw.send(new GetAuthorizerCommand({ ApiId: a!.ApiId, AuthorizerId: orders.AuthorizerId }));
    expect(authorizer).toMatchObject({ AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'], JwtConfiguration: { Issuer: 'https://idp.example.com/', Audience: ['orders-api'] } });
    expect(authorizer.Name).toMatch(/^slsx-jwt-[0-9a-f]{12}$/);
  }, 300_000);

  it('plans nothing right after (authorizer and route auth observed back); a scopes change is one route update', async () => {
    expect(await pending()).toEqual([]);
    project.write('faas.yaml', faasYaml('[orders:read, admin]'));
    expect(await pending()).toEqual(['update route:GET /orders/{id}']);
    const out = await cli('deploy');
    expect(out.code, out.stderr + out.stdout).toBe(0);
    const a = await api();
    expect((await routes(a!.ApiId!))[1]!.AuthorizationScopes?.sort()).toEqual(['admin', 'orders:read']);
    expect(await pending()).toEqual([]);
  }, 300_000);

  it('remove leaves no API', async () => {
    const out = await cli('remove');
    expect(out.code, out.stderr + out.stdout).toBe(0);
    expect(await api()).toBeUndefined();
  }, 300_000);
});
