import type { Session } from '../session.js';
import { call } from '../errors.js';
import { INTEGRATION_PREFIX } from '../observe-api.js';
import { ensureApiId } from './api.js';
import { ignoreMissing, type ApplyContext, type ResourceApply } from './context.js';

/** The integration id of logical integration `id` (`integration:api`), found by its Description. */
export async function findIntegration(session: Session, apiId: string, id: string): Promise<string | undefined> {
  const { GetIntegrationsCommand } = await import('@aws-sdk/client-apigatewayv2');
  let token: string | undefined;
  for (let page = 0; page < 100; page++) {
    const res = await call(`apigateway:GetIntegrations ${apiId}`, () => session.clients.apigw.send(new GetIntegrationsCommand({ ApiId: apiId, ...(token ? { NextToken: token } : {}) })));
    const hit = (res.Items ?? []).find((i) => i.Description === `${INTEGRATION_PREFIX}${id}`);
    if (hit?.IntegrationId) return hit.IntegrationId;
    token = res.NextToken || undefined;
    if (!token) break;
  }
  return undefined;
}

function input(c: ApplyContext) {
  return { IntegrationUri: String(c.after.function), PayloadFormatVersion: String(c.after.payloadFormat), TimeoutInMillis: Number(c.after.timeoutMs) };
}

async function create(c: ApplyContext): Promise<void> {
  const apigw = await import('@aws-sdk/client-apigatewayv2');
  const apiId = await ensureApiId(c.session);
  const existing = await findIntegration(c.session, apiId, c.change.id);
  if (existing) return update({ ...c, physicalId: existing });
  await call(`apigateway:CreateIntegration ${c.change.id}`, () =>
    c.session.clients.apigw.send(
      new apigw.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', Description: `${INTEGRATION_PREFIX}${c.change.id}`, ...input(c) }),
    ),
  );
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
}

/** Lambda proxy integration (payload 2.0), one per function; its logical id lives in Description. */
export const integrationApply: ResourceApply = { create, update, delete: remove };
