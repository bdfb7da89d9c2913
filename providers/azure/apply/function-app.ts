import type { Site } from '@azure/arm-appservice';
import type { Props } from '../../../src/core/resources.js';
import { call, callOrMissing } from '../errors.js';
import { ours } from '../observe.js';
import { resolve } from '../session.js';
import { notOurs, type ApplyContext, type ResourceApply } from './context.js';

/** The site envelope of a Flex Consumption Function App from desired props. */
export function siteEnvelope(p: Props, region: string, tags: Record<string, string>): Site {
  const identity = String(p.identity);
  const runtime = p.runtime as { name: string; version: string };
  return {
    location: region,
    kind: 'functionapp,linux',
    tags,
    serverFarmId: String(p.plan),
    httpsOnly: true,
    identity: { type: 'UserAssigned', userAssignedIdentities: { [identity]: {} } },
    // Key Vault references in app settings resolve with this identity.
    keyVaultReferenceIdentity: identity,
    siteConfig: { minTlsVersion: '1.2', ftpsState: 'Disabled', appSettings: Object.entries(p.appSettings as Record<string, string>).map(([name, value]) => ({ name, value })) },
    functionAppConfig: {
      deployment: {
        storage: { type: 'blobContainer', value: String(p.deploymentContainer), authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identity } },
      },
      runtime: { name: runtime.name as never, version: runtime.version },
      scaleAndConcurrency: {
        instanceMemoryMB: Number(p.memory),
        maximumInstanceCount: Number(p.maximumInstanceCount),
        alwaysReady: p.alwaysReady as Array<{ name: string; instanceCount: number }>,
      },
    },
  };
}

async function put(c: ApplyContext): Promise<void> {
  // Resolve again: the identity's client id became known when the identity was applied.
  const after = resolve(c.change.after ?? {}, c.session);
  const name = String(after.name);
  const web = c.session.clients.web.webApps;
  const existing = await callOrMissing(`webApps get ${name}`, () => web.get(c.rg, name));
  if (existing && !ours(existing.tags as Record<string, string> | undefined, c.session)) {
    throw notOurs('Function App', name, 'Function App names are global: change the service or stage name, or delete that app.');
  }
  // Keep the package tag the last zip deploy wrote: an app update must not make the code look undeployed.
  const tags = { ...c.tags, ...pick(existing?.tags as Record<string, string> | undefined, 'slsx:code') };
  await call(`webApps createOrUpdate ${name}`, () => web.beginCreateOrUpdateAndWait(c.rg, name, siteEnvelope(after, c.session.region, tags)));
}

function pick(tags: Record<string, string> | undefined, key: string): Record<string, string> {
  return tags?.[key] ? { [key]: tags[key] } : {};
}

async function remove(c: ApplyContext): Promise<void> {
  const name = String(c.before.name);
  await callOrMissing(`webApps delete ${name}`, () => c.session.clients.web.webApps.delete(c.rg, name, { deleteEmptyServerFarm: false }));
}

/** The one Function App of the service and stage (Flex Consumption, Linux, Node). */
export const functionAppApply: ResourceApply = { create: put, update: put, delete: remove };
