import type { Session } from '../session.js';
import { call } from '../errors.js';
import { INTEGRATION_PREFIX } from '../observe-api.js';
import { ensureApiId } from './api.js';
import { apiIndex, forget } from './api-index.js';
import { ignoreMissing, type ApplyContext, type ResourceApply } from './context.js';

/** The integration id of logical integration `id` (`integration:api`), found by its Description. */
export async function findIntegration(session: Session, apiId: string, id: string): Promise<string | undefined> {
  return (await apiIndex(session, apiId)).integrations.get(id);
}

function input(c: ApplyContext) {
  return { IntegrationUri: String(c.after.function), PayloadFormatVersion: String(c.after.payloadFormat), TimeoutInMillis: Number(c.after.timeoutMs) };
}

async function create(c: ApplyContext): Promise<void> {
  const apigw = await import('@aws-sdk/client-apigatewayv2');
  const apiId = await ensureApiId(c.session);
  const existing = await findIntegration(c.session, apiId, c.change.id);
  if (existing) return update({ ...c, physicalId: existing });
  const res = await call(`apigateway:CreateIntegration ${c.change.id}`, () =>
    c.session.clients.apigw.send(
      new apigw.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', Description: `${INTEGRATION_PREFIX}${c.change.id}`, ...input(c) }),
    ),
  );
  if (res.IntegrationId) (await apiIndex(c.session, apiId)).integrations.set(c.change.id, res.IntegrationId);
}

async function update(c: ApplyContext): Promise<void> {
  const { UpdateIntegrationCommand } = await import('@aws-sdk/client-apigatewayv2');
  const apiId = await ensureApiId(c.session);
  const id = c.physicalId as string;
  await call(`apigateway:UpdateIntegration ${c.change.id}`, () => c.session.clients.apigw.send(new UpdateIntegrationCommand({ ApiId: apiId, IntegrationId: id, ...input(c) })));
}

async function remove(c: ApplyContext): Promise<void> {
  const { DeleteIntegrationCommand } = await import('@aws-sdk/client-apigatewayv2');
  const apiId = c.session.apiId;
  if (!apiId || !c.physicalId) return;
  await ignoreMissing(`apigateway:DeleteIntegration ${c.change.id}`, () => c.session.clients.apigw.send(new DeleteIntegrationCommand({ ApiId: apiId, IntegrationId: c.physicalId })));
  await forget(c.session, 'integrations', c.physicalId);
}

/** Lambda proxy integration (payload 2.0), one per function; its logical id lives in Description. */
export const integrationApply: ResourceApply = { create, update, delete: remove };
