import { call } from '../errors.js';
import { INTEGRATION_PREFIX } from '../observe-api.js';
import type { Session } from '../session.js';

/** The routes and integrations of this stage's HTTP API, read once per command and kept current. */
export interface ApiIndex {
  apiId: string;
  /** Route key (`GET /orders`) to route id. */
  routes: Map<string, string>;
  /** Logical integration id (`integration:api`) to integration id. */
  integrations: Map<string, string>;
}

const indexes = new WeakMap<Session, Promise<ApiIndex>>();

/**
 * The index of `apiId`: two paginated listings for the whole apply, instead of listing every
 * route and integration again for each one created (O(n^2) calls for n routes). Creates and
 * deletes in this run update it; a new API starts empty (`freshApiIndex`).
 */
export function apiIndex(session: Session, apiId: string): Promise<ApiIndex> {
  const known = indexes.get(session);
  if (known) {
    return known.then((ix) => {
      if (ix.apiId === apiId) return ix;
      indexes.delete(session);
      return apiIndex(session, apiId);
    });
  }
  const loading = load(session, apiId);
  indexes.set(session, loading);
  loading.catch(() => indexes.delete(session));
  return loading;
}

/** The API was just created: nothing to list. */
export function freshApiIndex(session: Session, apiId: string): void {
  indexes.set(session, Promise.resolve({ apiId, routes: new Map(), integrations: new Map() }));
}

async function load(session: Session, apiId: string): Promise<ApiIndex> {
  const { GetIntegrationsCommand, GetRoutesCommand } = await import('@aws-sdk/client-apigatewayv2');
  const ix: ApiIndex = { apiId, routes: new Map(), integrations: new Map() };
  let token: string | undefined;
  for (let page = 0; page < 100; page++) {
    const res = await call(`apigateway:GetIntegrations ${apiId}`, () => session.clients.apigw.send(new GetIntegrationsCommand({ ApiId: apiId, MaxResults: '500', ...(token ? { NextToken: token } : {}) })));
    for (const i of res.Items ?? []) {
      if (i.IntegrationId && i.Description?.startsWith(INTEGRATION_PREFIX)) ix.integrations.set(i.Description.slice(INTEGRATION_PREFIX.length), i.IntegrationId);
    }
    token = res.NextToken || undefined;
    if (!token) break;
  }
  token = undefined;
  for (let page = 0; page < 100; page++) {
    const res = await call(`apigateway:GetRoutes ${apiId}`, () => session.clients.apigw.send(new GetRoutesCommand({ ApiId: apiId, MaxResults: '500', ...(token ? { NextToken: token } : {}) })));
    for (const r of res.Items ?? []) if (r.RouteKey && r.RouteId) ix.routes.set(r.RouteKey, r.RouteId);
    token = res.NextToken || undefined;
    if (!token) break;
  }
  return ix;
}

/** A route or integration was deleted: drop it from the index, if one was read (never reads one). */
export async function forget(session: Session, kind: 'routes' | 'integrations', physicalId: string): Promise<void> {
  const ix = await indexes.get(session)?.catch(() => undefined);
  if (!ix) return;
  for (const [k, v] of ix[kind]) if (v === physicalId) ix[kind].delete(k);
}
