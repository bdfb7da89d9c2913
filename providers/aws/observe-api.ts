import type { ObservedResource } from '../../src/core/resources.js';
import { call, callOrMissing } from './errors.js';
import { AUTHORIZER_PREFIX, TYPES } from './naming.js';
import { templatize, type Session } from './session.js';
import type { Tagged } from './observe.js';

/** Integrations carry their logical id in Description, as routes and integrations cannot be tagged. */
export const INTEGRATION_PREFIX = 'slsx:';

type Cors = { AllowOrigins?: string[]; AllowMethods?: string[]; AllowHeaders?: string[]; MaxAge?: number; AllowCredentials?: boolean; ExposeHeaders?: string[] };

export function corsProps(cors: Cors | undefined): Record<string, unknown> | undefined {
  if (!cors) return undefined;
  return {
    allowOrigins: cors.AllowOrigins ?? [],
    allowMethods: [...(cors.AllowMethods ?? [])].sort(),
    allowHeaders: [...(cors.AllowHeaders ?? [])].map((h) => h.toLowerCase()).sort(),
    maxAge: cors.MaxAge,
    ...(cors.AllowCredentials ? { allowCredentials: true } : {}),
    ...(cors.ExposeHeaders?.length ? { exposeHeaders: [...cors.ExposeHeaders].map((h) => h.toLowerCase()).sort() } : {}),
  };
}

/**
 * The JWT authorizers the routes use, read one by one (GetAuthorizer: authorizers carry no tags,
 * and moto, the emulator the tests run, has no GetAuthorizers). Ours are named `slsx-jwt-...`;
 * an authorizer no route uses any more is deleted with the API.
 */
async function observeAuthorizers(session: Session, apiId: string, ids: string[]): Promise<ObservedResource[]> {
  const { GetAuthorizerCommand } = await import('@aws-sdk/client-apigatewayv2');
  session.authorizers = new Map();
  const out: ObservedResource[] = [];
  for (const id of ids) {
    const a = await callOrMissing(`apigateway:GetAuthorizer ${id}`, () => session.clients.apigw.send(new GetAuthorizerCommand({ ApiId: apiId, AuthorizerId: id })));
    if (!a?.Name?.startsWith(AUTHORIZER_PREFIX)) continue;
    const logical = `authorizer:${a.Name}`;
    session.authorizers.set(logical, id);
    out.push({
      id: logical,
      type: TYPES.authorizer,
      props: {
        name: a.Name,
        type: a.AuthorizerType,
        identitySource: a.IdentitySource ?? [],
        issuer: a.JwtConfiguration?.Issuer,
        audience: [...(a.JwtConfiguration?.Audience ?? [])].sort(),
      },
      physicalId: id,
      dependsOn: ['api'],
    });
  }
  return out;
}

/** This stage's HTTP API with its stage, integrations and routes. Remembers the API id in the session. */
export async function observeApi(session: Session, tagged: Tagged[]): Promise<ObservedResource[]> {
  const apigw = await import('@aws-sdk/client-apigatewayv2');
  const client = session.clients.apigw;
  const apiTag = tagged.find((t) => t.id === 'api' && /\/apis\/[^/]+$/.test(t.arn));
  session.authorizers = new Map();
  if (!apiTag) {
    session.apiId = null;
    return [];
  }
  const apiId = apiTag.arn.split('/apis/')[1];
  const api = await callOrMissing(`apigateway:GetApi ${apiId}`, () => client.send(new apigw.GetApiCommand({ ApiId: apiId })));
  if (!api) {
    session.apiId = null;
    return [];
  }
  session.apiId = apiId;
  const stages = await call(`apigateway:GetStages ${apiId}`, () => client.send(new apigw.GetStagesCommand({ ApiId: apiId })));
  const out: ObservedResource[] = [
    {
      id: 'api',
      type: TYPES.api,
      props: {
        name: api.Name,
        protocol: api.ProtocolType,
        stage: stages.Items?.find((s) => s.StageName === session.stage)?.StageName,
        cors: corsProps(api.CorsConfiguration),
      },
      physicalId: apiId,
    },
  ];
  const integrationIds = new Map<string, string>();
  let token: string | undefined;
  for (let page = 0; page < 100; page++) {
    const res = await call(`apigateway:GetIntegrations ${apiId}`, () => client.send(new apigw.GetIntegrationsCommand({ ApiId: apiId, ...(token ? { NextToken: token } : {}) })));
    for (const i of res.Items ?? []) {
      if (!i.Description?.startsWith(INTEGRATION_PREFIX) || !i.IntegrationId) continue;
      const id = i.Description.slice(INTEGRATION_PREFIX.length);
      const fn = id.slice('integration:'.length);
      integrationIds.set(i.IntegrationId, id);
      out.push({
        id,
        type: TYPES.integration,
        props: { function: templatize(i.IntegrationUri, session), payloadFormat: i.PayloadFormatVersion, timeoutMs: i.TimeoutInMillis },
        physicalId: i.IntegrationId,
        dependsOn: ['api', `function:${fn}`],
      });
    }
    token = res.NextToken || undefined;
    if (!token) break;
  }
  token = undefined;
  const routes: Array<{ RouteKey: string; RouteId: string; Target?: string; AuthorizationType?: string; AuthorizerId?: string; AuthorizationScopes?: string[] }> = [];
  for (let page = 0; page < 100; page++) {
    const res = await call(`apigateway:GetRoutes ${apiId}`, () => client.send(new apigw.GetRoutesCommand({ ApiId: apiId, ...(token ? { NextToken: token } : {}) })));
    for (const r of res.Items ?? []) if (r.RouteKey && r.RouteId) routes.push(r as (typeof routes)[number]);
    token = res.NextToken || undefined;
    if (!token) break;
  }
  // A route's authorizer counts only when the route uses it (AuthorizationType JWT): a route set back to NONE may keep the id.
  const jwtRoutes = routes.filter((r) => r.AuthorizationType === 'JWT' && r.AuthorizerId);
  const authorizers = await observeAuthorizers(session, apiId, [...new Set(jwtRoutes.map((r) => r.AuthorizerId!))].sort());
  out.push(...authorizers);
  const logicalOf = new Map([...session.authorizers!].map(([logical, id]) => [id, logical]));
  for (const r of routes) {
    const integration = integrationIds.get((r.Target ?? '').replace(/^integrations\//, ''));
    const jwt = r.AuthorizationType === 'JWT' && r.AuthorizerId ? (logicalOf.get(r.AuthorizerId) ?? `authorizers/${r.AuthorizerId}`) : undefined;
    const scopes = jwt && r.AuthorizationScopes?.length ? [...r.AuthorizationScopes].sort() : undefined;
    out.push({
      id: `route:${r.RouteKey}`,
      type: TYPES.route,
      props: { routeKey: r.RouteKey, integration: integration ?? r.Target, ...(jwt ? { authorizer: jwt, ...(scopes ? { scopes } : {}) } : {}) },
      physicalId: r.RouteId,
      dependsOn: ['api', ...(integration ? [integration] : []), ...(jwt && logicalOf.has(r.AuthorizerId!) ? [jwt] : [])],
    });
  }
  return out;
}
