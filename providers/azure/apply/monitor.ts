import { call, callOrMissing } from '../errors.js';
import { resolve } from '../session.js';
import type { ApplyContext, ResourceApply } from './context.js';

/** API versions of the generic-resource calls (no extra SDK for two resources). */
export const API_VERSIONS = { workspace: '2023-09-01', insights: '2020-02-02' } as const;

/** `/{resourceId}` paths take the id without its leading slash. */
export const bare = (id: string): string => id.replace(/^\/+/, '');

async function putWorkspace(c: ApplyContext): Promise<void> {
  const id = resolve(`/subscriptions/\${Subscription}/resourceGroups/${c.rg}/providers/Microsoft.OperationalInsights/workspaces/${String(c.after.name)}`, c.session);
  const res = await call(`workspaces createOrUpdate ${String(c.after.name)}`, () =>
    c.session.clients.resources.resources.beginCreateOrUpdateByIdAndWait(bare(id), API_VERSIONS.workspace, {
      location: c.session.region,
      tags: c.tags,
      properties: { sku: { name: String(c.after.sku) }, retentionInDays: Number(c.after.retentionDays) },
    }),
  );
  c.session.known.workspaceCustomerId = (res.properties as { customerId?: string } | undefined)?.customerId;
}

async function deleteById(c: ApplyContext, version: string, kind: string): Promise<void> {
  const id = c.physicalId;
  if (!id) return;
  await callOrMissing(`${kind} delete ${String(c.before.name)}`, () => c.session.clients.resources.resources.beginDeleteByIdAndWait(bare(id), version));
}

/** The Log Analytics workspace Application Insights writes to (retention from logRetentionDays). */
export const workspaceApply: ResourceApply = { create: putWorkspace, update: putWorkspace, delete: (c) => deleteById(c, API_VERSIONS.workspace, 'workspaces') };

async function putInsights(c: ApplyContext): Promise<void> {
  const name = String(c.after.name);
  const id = resolve(`/subscriptions/\${Subscription}/resourceGroups/${c.rg}/providers/Microsoft.Insights/components/${name}`, c.session);
  const res = await call(`components createOrUpdate ${name}`, () =>
    c.session.clients.resources.resources.beginCreateOrUpdateByIdAndWait(bare(id), API_VERSIONS.insights, {
      location: c.session.region,
      kind: 'web',
      tags: c.tags,
      properties: { Application_Type: 'web', WorkspaceResourceId: String(c.after.workspace), DisableLocalAuth: Boolean(c.after.disableLocalAuth), IngestionMode: 'LogAnalytics' },
    }),
  );
  // The app's settings reference it: known before the app is written (it depends on this).
  c.session.known.insightsConnectionString = (res.properties as { ConnectionString?: string } | undefined)?.ConnectionString;
}

/** The app's Application Insights component (workspace-based, local auth off: the identity sends telemetry). */
export const insightsApply: ResourceApply = { create: putInsights, update: putInsights, delete: (c) => deleteById(c, API_VERSIONS.insights, 'components') };
