import { SlsxError } from '../../../src/errors/slsx-error.js';
import { call } from '../errors.js';
import { ensureApiId } from './api.js';
import { authorizerId } from './authorizer.js';
import { findIntegration } from './integration.js';
import { apiIndex, forget } from './api-index.js';
import { ignoreMissing, type ApplyContext, type ResourceApply } from './context.js';

async function target(c: ApplyContext, apiId: string): Promise<string> {
  const id = await findIntegration(c.session, apiId, String(c.after.integration));
  if (!id) throw new SlsxError('CLOUD_ERROR', `Route ${String(c.after.routeKey)}: its integration ${String(c.after.integration)} was not found.`, { hint: 'Deploy again.' });
  return `integrations/${id}`;
}

/**
 * The route's authorization: a JWT authorizer with its scopes, NONE when an update takes it away,
 * nothing at all for a route that never had one (so those calls stay as they were).
 */
async function authorization(c: ApplyContext, apiId: string): Promise<Record<string, unknown>> {
  if (c.after.authorizer) {
    return { AuthorizationType: 'JWT', AuthorizerId: await authorizerId(c.session, apiId, String(c.after.authorizer)), AuthorizationScopes: (c.after.scopes as string[] | undefined) ?? [] };
  }
  return c.before.authorizer ? { AuthorizationType: 'NONE' } : {};
}

async function create(c: ApplyContext): Promise<void> {
  const apigw = await import('@aws-sdk/client-apigatewayv2');
  const apiId = await ensureApiId(c.session);
  const routeKey = String(c.after.routeKey);
  const index = await apiIndex(c.session, apiId);
  const existing = index.routes.get(routeKey);
  if (existing) return update({ ...c, physicalId: existing });
  const Target = await target(c, apiId);
  const auth = await authorization(c, apiId);
  const res = await call(`apigateway:CreateRoute ${routeKey}`, () => c.session.clients.apigw.send(new apigw.CreateRouteCommand({ ApiId: apiId, RouteKey: routeKey, Target, ...auth })));
  if (res.RouteId) index.routes.set(routeKey, res.RouteId);
}

async function update(c: ApplyContext): Promise<void> {
  const { UpdateRouteCommand } = await import('@aws-sdk/client-apigatewayv2');
  const apiId = await ensureApiId(c.session);
  const Target = await target(c, apiId);
  const auth = await authorization(c, apiId);
  await call(`apigateway:UpdateRoute ${String(c.after.routeKey)}`, () =>
    c.session.clients.apigw.send(new UpdateRouteCommand({ ApiId: apiId, RouteId: c.physicalId as string, RouteKey: String(c.after.routeKey), Target, ...auth })),
  );
}

async function remove(c: ApplyContext): Promise<void> {
  const { DeleteRouteCommand } = await import('@aws-sdk/client-apigatewayv2');
  const apiId = c.session.apiId;
  if (!apiId || !c.physicalId) return;
  await ignoreMissing(`apigateway:DeleteRoute ${String(c.before.routeKey)}`, () => c.session.clients.apigw.send(new DeleteRouteCommand({ ApiId: apiId, RouteId: c.physicalId })));
  await forget(c.session, 'routes', c.physicalId);
}

/** `METHOD /path` route to a function's integration. */
export const routeApply: ResourceApply = { create, update, delete: remove };
