import type { Service } from '../../src/model/service.js';
import { keyVaultOf } from './app-settings.js';
import { DEPLOYMENT_CONTAINER, HOST_CONTAINERS, type AzureNames } from './naming.js';
import { ROLES, type RoleName } from './roles.js';
import { tableId } from './desired-tables.js';
import { ids } from './session.js';

/** One role assignment of the app's identity: a role on exactly one queue, container, table or secret. */
export interface Grant {
  /** Logical id of the resource granted on (`queue:orders`), so the grant depends on it. */
  on?: string;
  scope: string;
  role: RoleName;
}

/**
 * Least privilege for the app's managed identity, scoped resource by resource: the host's own
 * containers (leases, keys) and the package container; each queue a function consumes
 * (Contributor on it and its `-poison` queue: the host moves failed messages) or sends to
 * (Message Sender); each container a function uses (Reader or Contributor), plus Storage Blob
 * Delegator on the account when any does (signed URLs); each table a function uses (Table Data
 * Reader when every function only reads it, else Contributor: Azure has no write-only table role);
 * each secret (Key Vault Secrets User on that one secret). Nothing at resource group or
 * subscription scope.
 */
export function grants(service: Service, names: AzureNames): Grant[] {
  const rg = names.resourceGroup;
  const account = names.storageAccount;
  const out = new Map<string, Grant>();
  const add = (g: Grant): void => void out.set(`${g.role}|${g.scope}`, g);
  for (const c of HOST_CONTAINERS) add({ on: `container:${c}`, scope: ids.container(rg, account, c), role: 'Storage Blob Data Owner' });
  add({ on: `container:${DEPLOYMENT_CONTAINER}`, scope: ids.container(rg, account, DEPLOYMENT_CONTAINER), role: 'Storage Blob Data Contributor' });
  const consumed = new Set(service.functions.flatMap((f) => f.events.flatMap((e) => (e.kind === 'queue' ? [e.queue] : []))));
  for (const q of consumed) {
    add({ on: `queue:${q}`, scope: ids.queue(rg, account, names.queue(q)), role: 'Storage Queue Data Contributor' });
    add({ on: `queue:${q}:poison`, scope: ids.queue(rg, account, names.queue(q, true)), role: 'Storage Queue Data Contributor' });
  }
  for (const q of new Set(service.functions.flatMap((f) => f.sends))) {
    if (!consumed.has(q)) add({ on: `queue:${q}`, scope: ids.queue(rg, account, names.queue(q)), role: 'Storage Queue Data Message Sender' });
  }
  const access = new Map<string, boolean>();
  for (const f of service.functions) for (const b of f.buckets) access.set(b.name, (access.get(b.name) ?? false) || b.access !== 'read');
  for (const [bucket, write] of access) {
    add({ on: `bucket:${bucket}`, scope: ids.container(rg, account, names.container(bucket)), role: write ? 'Storage Blob Data Contributor' : 'Storage Blob Data Reader' });
  }
  // Signed URLs are user-delegation SAS: the key comes from the account (the only scope Azure
  // accepts for it); what a URL may do is still bounded by the container roles above.
  if (access.size) add({ on: 'storage', scope: ids.storageAccount(rg, account), role: 'Storage Blob Delegator' });
  const tables = new Map<string, boolean>();
  for (const f of service.functions) for (const t of f.tables ?? []) tables.set(t.name, (tables.get(t.name) ?? false) || t.access !== 'read');
  for (const [table, write] of tables) {
    const name = names.table(table);
    add({ on: tableId(name), scope: ids.table(rg, account, name), role: write ? 'Storage Table Data Contributor' : 'Storage Table Data Reader' });
  }
  add({ on: 'app-insights', scope: ids.insights(rg, names.insights), role: 'Monitoring Metrics Publisher' });
  const vault = keyVaultOf(service);
  if (vault) {
    for (const s of new Set(service.functions.flatMap((f) => f.secrets))) add({ scope: `${ids.vault(rg, vault)}/secrets/${names.secret(s)}`, role: 'Key Vault Secrets User' });
  }
  return [...out.values()];
}

/** Logical id of a grant: role and what it is on, readable in plans. */
export function grantId(g: Pick<Grant, 'role' | 'scope'>): string {
  const what = g.scope.split('/').slice(-2).join('/');
  return `grant:${g.role.replace(/^Storage |^Key Vault /, '').replace(/ /g, '')}:${what}`;
}

export function roleDefinitionId(role: RoleName): string {
  return ids.roleDefinition(ROLES[role]);
}
