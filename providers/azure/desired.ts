import type { Artifact } from '../../src/model/artifact.js';
import type { Service } from '../../src/model/service.js';
import type { DesiredResource } from '../../src/core/resources.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { planAzureTriggers } from '../../templates/shims/common/azure-triggers.js';
import { appSettings } from './app-settings.js';
import { grantId, grants, roleDefinitionId } from './grants.js';
import { azureNames, DEPLOYMENT_CONTAINER, HOST_CONTAINERS, TYPES, type AzureNames } from './naming.js';
import { ids, PLACEHOLDERS } from './session.js';
import { desiredStorageEvents } from './desired-events.js';
import { desiredTables, tableId } from './desired-tables.js';
import { desiredHatch } from './extra-iam.js';

export const MEMORY_SIZES = [512, 2048, 4096] as const;
/** Flex Consumption's default maximum instance count, used when no function sets `concurrency.max`. */
export const DEFAULT_MAX_INSTANCES = 100;

/** The names of a service: the resource group from the config, else `slsx-<service>-<stage>`. */
export function namesOf(service: Service): AzureNames {
  const rg = service.targets.azure?.resourceGroup;
  return azureNames(service.service, service.stage, typeof rg === 'string' && rg ? rg : undefined);
}

/** The app's instance memory: the next Flex size at or above the largest function's memory. */
export function appMemory(service: Service): number {
  const want = Math.max(...service.functions.map((f) => f.memory));
  return MEMORY_SIZES.find((m) => m >= want) ?? MEMORY_SIZES[MEMORY_SIZES.length - 1];
}

/** The largest `concurrency.max` (one app-wide setting: the smallest would throttle the others). */
export function maxInstances(service: Service): number {
  const maxes = service.functions.flatMap((f) => (f.concurrency.max === undefined ? [] : [f.concurrency.max]));
  return maxes.length ? Math.max(...maxes) : DEFAULT_MAX_INSTANCES;
}

/** Always-ready instances: HTTP functions share the `http` group; others are per function registration. */
export function alwaysReady(service: Service): Array<{ name: string; instanceCount: number }> {
  const out: Array<{ name: string; instanceCount: number }> = [];
  const http = Math.max(0, ...service.functions.filter((f) => f.events.some((e) => e.kind === 'http')).map((f) => f.concurrency.warm));
  if (http > 0) out.push({ name: 'http', instanceCount: http });
  for (const fn of service.functions) {
    if (fn.concurrency.warm <= 0) continue;
    for (const t of planAzureTriggers(fn.name, fn.events)) if (t.kind !== 'http') out.push({ name: `function:${t.name}`, instanceCount: fn.concurrency.warm });
  }
  return out;
}

/** Days the Log Analytics workspace keeps logs: `targets.azure.logRetentionDays`, default 30. */
export function logRetentionDays(service: Service): number {
  return Number(service.targets.azure?.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS);
}

export const DEFAULT_LOG_RETENTION_DAYS = 30;

export function nodeVersion(runtime: Service['runtime']): string {
  return runtime.replace(/^node/, '');
}

/**
 * Everything the config wants in Azure, pure: ARM ids carry a subscription placeholder and the
 * identity's client/principal ids placeholders that apply() fills in. Stable order.
 */
export function desired(service: Service, artifacts: Artifact[]): DesiredResource[] {
  const names = namesOf(service);
  const artifact = artifacts.find((a) => a.target === 'azure');
  if (!artifact) throw new SlsxError('INTERNAL', 'No azure artifact (app.zip) for the service.', { hint: 'Package the service for azure before planning.' });
  const rg = names.resourceGroup;
  const account = names.storageAccount;
  const out: DesiredResource[] = [];
  out.push({ id: 'resource-group', type: TYPES.resourceGroup, props: { name: rg } });
  out.push({
    id: 'storage',
    type: TYPES.storageAccount,
    props: { name: account, sku: 'Standard_LRS', kind: 'StorageV2', allowBlobPublicAccess: false, allowSharedKeyAccess: false, minimumTlsVersion: 'TLS1_2' },
    replaceOn: ['name'],
    dependsOn: ['resource-group'],
  });
  for (const c of [DEPLOYMENT_CONTAINER, ...HOST_CONTAINERS]) out.push({ id: `container:${c}`, type: TYPES.container, props: { account, name: c }, dependsOn: ['storage'], replaceOn: ['name'] });
  for (const b of service.buckets) out.push({ id: `bucket:${b.name}`, type: TYPES.container, props: { account, name: names.container(b.name) }, dependsOn: ['storage'], replaceOn: ['name'] });
  for (const q of service.queues) {
    out.push({ id: `queue:${q.name}`, type: TYPES.queue, props: { account, name: names.queue(q.name) }, dependsOn: ['storage'], replaceOn: ['name'] });
    out.push({ id: `queue:${q.name}:poison`, type: TYPES.queue, props: { account, name: names.queue(q.name, true) }, dependsOn: ['storage'], replaceOn: ['name'] });
  }
  out.push(...desiredTables(service, names));
  out.push({ id: 'identity', type: TYPES.identity, security: true, props: { name: names.identity }, dependsOn: ['resource-group'], replaceOn: ['name'] });
  const grantIds: string[] = [];
  for (const g of grants(service, names)) {
    const id = grantId(g);
    grantIds.push(id);
    out.push({
      id,
      type: TYPES.roleAssignment,
      security: true,
      props: { scope: g.scope, role: g.role, roleDefinitionId: roleDefinitionId(g.role), principalId: PLACEHOLDERS.principalId },
      replaceOn: ['scope', 'roleDefinitionId', 'principalId'],
      dependsOn: ['identity', ...(g.on ? [g.on] : [])],
    });
  }
  // The escape hatch (targets.azure.roles): the identity's roles on scopes sls-x does not manage.
  const hatch = desiredHatch(service);
  out.push(...hatch);
  out.push({
    id: 'log-workspace',
    type: TYPES.workspace,
    props: { name: names.workspace, sku: 'PerGB2018', retentionDays: logRetentionDays(service) },
    replaceOn: ['name'],
    dependsOn: ['resource-group'],
  });
  out.push({
    id: 'app-insights',
    type: TYPES.insights,
    props: { name: names.insights, workspace: ids.workspace(rg, names.workspace), disableLocalAuth: true },
    replaceOn: ['name'],
    dependsOn: ['log-workspace'],
  });
  out.push({ id: 'plan', type: TYPES.plan, props: { name: names.plan, sku: 'FC1', tier: 'FlexConsumption' }, dependsOn: ['resource-group'], replaceOn: ['name'] });
  out.push({
    id: 'function-app',
    type: TYPES.app,
    props: {
      name: names.app,
      plan: ids.plan(rg, names.plan),
      identity: ids.identity(rg, names.identity),
      runtime: { name: 'node', version: nodeVersion(service.runtime) },
      memory: appMemory(service),
      maximumInstanceCount: maxInstances(service),
      alwaysReady: alwaysReady(service),
      deploymentContainer: `https://${account}.blob.core.windows.net/${DEPLOYMENT_CONTAINER}`,
      appSettings: appSettings(service, names),
    },
    replaceOn: ['name'],
    // The host must reach its storage the moment it starts: its grants and queues come first.
    dependsOn: ['plan', 'identity', 'storage', 'app-insights', ...grantIds, ...hatch.map((h) => h.id), ...service.queues.flatMap((q) => [`queue:${q.name}`, `queue:${q.name}:poison`]), ...(service.tables ?? []).map((t) => tableId(names.table(t.name)))],
  });
  out.push({ id: 'package', type: TYPES.code, props: { app: names.app, sha256: artifact.sha256 }, dependsOn: ['function-app'], inputs: { zipPath: artifact.zipPath, size: artifact.size } });
  out.push(...desiredStorageEvents(service, names));
  return out;
}
