import type { ObservedResource } from '../../src/core/resources.js';
import { call, callOrMissing } from './errors.js';
import { TYPES } from './naming.js';
import { templatize, type Session } from './session.js';
import type { Tagged } from './observe.js';

/** Integrations carry their logical id in Description, as routes and integrations cannot be tagged. */
export const INTEGRATION_PREFIX = 'slsx:';

type Cors = { AllowOrigins?: string[]; AllowMethods?: string[]; AllowHeaders?: string[]; MaxAge?: number };

export function corsProps(cors: Cors | undefined): Record<string, unknown> | undefined {
  if (!cors) return undefined;
  return {
    allowOrigins: cors.AllowOrigins ?? [],
    allowMethods: [...(cors.AllowMethods ?? [])].sort(),
    allowHeaders: [...(cors.AllowHeaders ?? [])].map((h) => h.toLowerCase()).sort(),
    maxAge: cors.MaxAge,
  };
}

/** This stage's HTTP API with its stage, integrations and routes. Remembers the API id in the session. */
export async function observeApi(session: Session, tagged: Tagged[]): Promise<ObservedResource[]> {
  const apigw = await import('@aws-sdk/client-apigatewayv2');
  const client = session.clients.apigw;
  const apiTag = tagged.find((t) => t.id === 'api' && /\/apis\/[^/]+$/.test(t.arn));
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
  for (let page = 0; page < 100; page++) {
    const res = await call(`apigateway:GetRoutes ${apiId}`, () => client.send(new apigw.GetRoutesCommand({ ApiId: apiId, ...(token ? { NextToken: token } : {}) })));
    for (const r of res.Items ?? []) {
      const integration = integrationIds.get((r.Target ?? '').replace(/^integrations\//, ''));
      if (!r.RouteKey || !r.RouteId) continue;
      out.push({
        id: `route:${r.RouteKey}`,
        type: TYPES.route,
        props: { routeKey: r.RouteKey, integration: integration ?? r.Target },
        physicalId: r.RouteId,
        dependsOn: ['api', ...(integration ? [integration] : [])],
      });
    }
    token = res.NextToken || undefined;
    if (!token) break;
  }
  return out;
}
