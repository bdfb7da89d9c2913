import type { ObservedResource } from '../../src/core/resources.js';
import { call } from './errors.js';
import { TYPES } from './naming.js';
import type { Session } from './session.js';
import type { Tagged } from './observe.js';
import { API_VERSIONS, bare } from './apply/monitor.js';

/** The Log Analytics workspace and Application Insights component, and the values the app settings need from them. */
export async function observeMonitor(session: Session, workspaces: Tagged[], components: Tagged[]): Promise<ObservedResource[]> {
  const out: ObservedResource[] = [];
  const generic = session.clients.resources.resources;
  for (const t of workspaces) {
    const w = await call(`workspaces get ${t.name}`, () => generic.getById(bare(t.id), API_VERSIONS.workspace));
    const p = (w.properties ?? {}) as { sku?: { name?: string }; retentionInDays?: number; customerId?: string };
    session.known.workspaceCustomerId = p.customerId;
    out.push({ id: 'log-workspace', type: TYPES.workspace, props: { name: t.name, sku: p.sku?.name, retentionDays: p.retentionInDays }, physicalId: t.id });
  }
  for (const t of components) {
    const c = await call(`components get ${t.name}`, () => generic.getById(bare(t.id), API_VERSIONS.insights));
    const p = (c.properties ?? {}) as { WorkspaceResourceId?: string; DisableLocalAuth?: boolean; ConnectionString?: string };
    session.known.insightsConnectionString = p.ConnectionString;
    out.push({ id: 'app-insights', type: TYPES.insights, props: { name: t.name, workspace: p.WorkspaceResourceId, disableLocalAuth: p.DisableLocalAuth ?? false }, physicalId: t.id });
  }
  return out;
}
