import type { ObservedResource } from '../../src/core/resources.js';
import { all, allOrMissing, call, callOrMissing } from './errors.js';
import { DEPLOYMENT_CONTAINER, HOST_CONTAINERS, SLSX_TABLE_NAME, TAG_CODE, TAG_ID, TAG_SERVICE, TAG_STAGE, TYPES } from './naming.js';
import { TABLE_DELETE_NOTE, tableId } from './desired-tables.js';
import { grantId } from './grants.js';
import { ROLES, roleName } from './roles.js';
import { grantsOf, hatchId, hatchKey, hatchProps, scopeOf } from './extra-iam.js';
import { ids, resolve, templatize, type Session } from './session.js';
import { observeApp } from './observe-app.js';
import { observeMonitor } from './observe-monitor.js';

/** An ARM resource in the resource group carrying this service's and stage's tags. */
export interface Tagged {
  id: string;
  name: string;
  type: string;
  tags: Record<string, string>;
}

export function ours(tags: Record<string, string> | undefined, session: Pick<Session, 'service' | 'stage'>): boolean {
  return tags?.[TAG_SERVICE] === session.service && tags?.[TAG_STAGE] === session.stage;
}

/** Resources of the resource group tagged with the service (ARM filters on one tag), then the stage. */
export async function taggedResources(session: Session): Promise<Tagged[]> {
  const rg = session.names.resourceGroup;
  const filter = `tagName eq '${TAG_SERVICE}' and tagValue eq '${session.service.replace(/'/g, "''")}'`;
  const list = await all(`resources list ${rg}`, session.clients.resources.resources.listByResourceGroup(rg, { filter }));
  return list
    .map((r) => ({ id: r.id ?? '', name: r.name ?? '', type: (r.type ?? '').toLowerCase(), tags: (r.tags ?? {}) as Record<string, string> }))
    .filter((r) => ours(r.tags, session));
}

/**
 * What exists for this service and stage, found by tags in its resource group; what cannot be
 * tagged through the things it lives in (queues, containers and tables in the tagged storage account,
 * event subscriptions under the tagged system topic by their `slsx:id` label, role assignments
 * of the tagged identity). Read-only: GET, list and the appsettings `list` POST only.
 */
export async function observeAll(session: Session): Promise<ObservedResource[]> {
  const rg = session.names.resourceGroup;
  const group = await callOrMissing(`resourceGroups get ${rg}`, () => session.clients.resources.resourceGroups.get(rg));
  if (!group) return [];
  // A resource group sls-x did not create is observed too (so it is never "created" again);
  // apply never deletes one that does not carry the tags.
  const out: ObservedResource[] = [{ id: 'resource-group', type: TYPES.resourceGroup, props: { name: rg }, physicalId: group.id }];
  const tagged = await taggedResources(session);
  const of = (type: string): Tagged[] => tagged.filter((t) => t.type === type.toLowerCase());
  const identity = of('Microsoft.ManagedIdentity/userAssignedIdentities')[0];
  if (identity) out.push(await observeIdentity(session, identity));
  // First: the app's settings are compared with the connection string put back as a placeholder.
  out.push(...(await observeMonitor(session, of('Microsoft.OperationalInsights/workspaces'), of('Microsoft.Insights/components'))));
  const parts = await Promise.all([
    ...of('Microsoft.Storage/storageAccounts').map((t) => observeStorage(session, t)),
    ...of('Microsoft.Web/serverfarms').map(async (t): Promise<ObservedResource[]> => {
      const plan = await call(`appServicePlans get ${t.name}`, () => session.clients.web.appServicePlans.get(rg, t.name));
      return [{ id: t.tags[TAG_ID] ?? 'plan', type: TYPES.plan, props: { name: t.name, sku: plan.sku?.name, tier: plan.sku?.tier }, physicalId: t.id }];
    }),
    ...of('Microsoft.Web/sites').map((t) => observeApp(session, t)),
    ...of('Microsoft.EventGrid/systemTopics').map((t) => observeTopic(session, t)),
  ]);
  out.push(...parts.flat());
  // The app's settings as the app has them (placeholders for the identity and Application
  // Insights only): desired() writes them literally, ARM ids from faas.yaml included.
  const app = out.find((r) => r.type === TYPES.app);
  const settings = (app?.props.appSettings ?? {}) as Record<string, string>;
  // Role assignments: the derived grants in the resource group, and the escape hatch's wherever
  // their scopes are (those faas.yaml names and those the app's SLSX_GRANTS still lists).
  const hatch = hatchTargets(session, grantsOf(settings));
  const [derived, extra] = identity ? await Promise.all([observeGrants(session, new Set(hatch.map((h) => hatchKey(h.scope, h.guid)))), observeHatch(session, hatch)]) : [[], []];
  out.push(...derived);
  const done = templatize(canonical(out.map(withDependencies), knownIds(session)), session);
  const appOut = done.find((r) => r.type === TYPES.app);
  if (appOut) appOut.props = { ...appOut.props, appSettings: templatize(settings, session, { subscription: false }) };
  // The escape hatch's props carry the scope's subscription as written (it may be another one): not templatized.
  return [...done, ...extra].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function observeIdentity(session: Session, t: Tagged): Promise<ObservedResource> {
  const got = await call(`userAssignedIdentities get ${t.name}`, () => session.clients.msi.userAssignedIdentities.get(session.names.resourceGroup, t.name));
  session.known.identityClientId = got.clientId;
  session.known.identityPrincipalId = got.principalId;
  return { id: 'identity', type: TYPES.identity, props: { name: t.name }, physicalId: t.id, security: true };
}

async function observeStorage(session: Session, t: Tagged): Promise<ObservedResource[]> {
  const rg = session.names.resourceGroup;
  const s = session.clients.storage;
  const acct = await call(`storageAccounts getProperties ${t.name}`, () => s.storageAccounts.getProperties(rg, t.name));
  const out: ObservedResource[] = [
    {
      id: 'storage',
      type: TYPES.storageAccount,
      props: {
        name: t.name,
        sku: acct.sku?.name,
        kind: acct.kind,
        allowBlobPublicAccess: acct.allowBlobPublicAccess ?? false,
        allowSharedKeyAccess: acct.allowSharedKeyAccess ?? true,
        minimumTlsVersion: acct.minimumTlsVersion,
      },
      physicalId: t.id,
    },
  ];
  const [containers, queues, tables] = await Promise.all([
    all(`blobContainers list ${t.name}`, s.blobContainers.list(rg, t.name)),
    all(`queue list ${t.name}`, s.queue.list(rg, t.name)),
    all(`table list ${t.name}`, s.tableOperations.list(rg, t.name)),
  ]);
  const system = new Set<string>([DEPLOYMENT_CONTAINER, ...HOST_CONTAINERS]);
  for (const c of containers) {
    const name = c.name ?? '';
    out.push({ id: system.has(name) ? `container:${name}` : `bucket:${name}`, type: TYPES.container, props: { account: t.name, name }, physicalId: c.id });
  }
  for (const q of queues) {
    const name = q.name ?? '';
    const poison = name.endsWith('-poison');
    out.push({ id: poison ? `queue:${name.slice(0, -'-poison'.length)}:poison` : `queue:${name}`, type: TYPES.queue, props: { account: t.name, name }, physicalId: q.id });
  }
  // Tables take no tags: those of the stage's account with a name sls-x gives (lowercase letters
  // and digits) are its own; others (the Functions host's diagnostics tables) are left alone.
  for (const tb of tables) {
    const name = tb.name ?? '';
    if (!SLSX_TABLE_NAME.test(name)) continue;
    out.push({ id: tableId(name), type: TYPES.table, props: { account: t.name, name }, physicalId: tb.id, deleteNote: TABLE_DELETE_NOTE });
  }
  return out;
}

async function observeTopic(session: Session, t: Tagged): Promise<ObservedResource[]> {
  const rg = session.names.resourceGroup;
  const eg = session.clients.eventgrid;
  const topic = await call(`systemTopics get ${t.name}`, () => eg.systemTopics.get(rg, t.name));
  const out: ObservedResource[] = [{ id: 'event-topic', type: TYPES.systemTopic, props: { name: t.name, source: topic.source, topicType: topic.topicType }, physicalId: t.id }];
  const subs = await all(`systemTopicEventSubscriptions list ${t.name}`, eg.systemTopicEventSubscriptions.listBySystemTopic(rg, t.name));
  for (const sub of subs) {
    const id = (sub.labels ?? []).find((l) => l.startsWith(`${TAG_ID}=`))?.slice(TAG_ID.length + 1);
    if (!id) continue;
    const dest = sub.destination as { resourceId?: string } | undefined;
    out.push({
      id,
      type: TYPES.eventSubscription,
      props: {
        topic: t.name,
        name: sub.name,
        function: dest?.resourceId,
        eventTypes: sub.filter?.includedEventTypes ?? [],
        subjectBeginsWith: sub.filter?.subjectBeginsWith ?? '',
        subjectEndsWith: sub.filter?.subjectEndsWith ?? '',
      },
      physicalId: sub.id,
    });
  }
  return out;
}

/**
 * Role assignments of the identity on resources in the resource group (where every derived grant
 * is scoped), except the escape hatch's (`hatch`: their `hatchKey`s), which observeHatch reports.
 */
async function observeGrants(session: Session, hatch: Set<string>): Promise<ObservedResource[]> {
  const principal = session.known.identityPrincipalId;
  if (!principal) return [];
  const rg = session.names.resourceGroup;
  const list = await all(`roleAssignments list ${rg}`, session.clients.authorization.roleAssignments.listForResourceGroup(rg, { filter: `principalId eq '${principal}'` }));
  const out: ObservedResource[] = [];
  // The list also holds assignments inherited from above (subscription, management group): those
  // are not sls-x's (it never grants above one resource), so they are neither planned nor deleted.
  const group = resolve(ids.resourceGroup(rg), session).toLowerCase();
  for (const a of list) {
    const role = roleName(a.roleDefinitionId ?? '');
    if (!role || !a.scope || !a.scope.toLowerCase().startsWith(`${group}/`)) continue;
    if (hatch.has(hatchKey(a.scope, ROLES[role]))) continue;
    const scope = templatize(a.scope, session);
    out.push({
      id: grantId({ role, scope }),
      type: TYPES.roleAssignment,
      security: true,
      props: { scope, role, roleDefinitionId: templatize(a.roleDefinitionId ?? '', session), principalId: '${IdentityPrincipalId}' },
      physicalId: a.id,
    });
  }
  return out;
}

/**
 * The escape hatch's assignments to look for: those faas.yaml names (from scope()) and those the
 * deployed app's SLSX_GRANTS lists, once each (the config's spelling first). One the config now
 * derives itself (the same role on the same resource) is the derived grant's, not the hatch's:
 * deleting it as a hatch entry would take the grant away.
 */
function hatchTargets(session: Session, past: Array<{ scope: string; guid: string }>): Array<{ scope: string; guid: string }> {
  const wanted = session.hatch?.wanted ?? [];
  const derived = session.hatch?.derived ?? new Set<string>();
  const seen = new Map<string, { scope: string; guid: string }>();
  for (const h of wanted) seen.set(hatchKey(h.scope, h.guid), h);
  for (const h of past) {
    const key = hatchKey(h.scope, h.guid);
    if (!seen.has(key) && !derived.has(key)) seen.set(key, h);
  }
  return [...seen.values()];
}

/**
 * The identity's escape-hatch role assignments: for each scope, the assignments ARM lists there
 * for the identity's principal (`principalId eq`: at, above and below the scope), of which only
 * those exactly at the scope, of that principal, in a role sls-x looks for there are taken.
 * Nobody else's assignments, and no other role of the identity, is ever planned. A scope that no
 * longer exists has none.
 */
async function observeHatch(session: Session, targets: Array<{ scope: string; guid: string }>): Promise<ObservedResource[]> {
  const principal = session.known.identityPrincipalId;
  if (!principal || targets.length === 0) return [];
  const byScope = new Map<string, Array<{ scope: string; guid: string }>>();
  for (const t of targets) {
    const key = scopeOf(t.scope).toLowerCase();
    byScope.set(key, [...(byScope.get(key) ?? []), t]);
  }
  const ra = session.clients.authorization.roleAssignments;
  const found = await Promise.all(
    [...byScope.values()].map(async (wanted): Promise<ObservedResource[]> => {
      const scope = scopeOf(wanted[0]!.scope);
      const list = await allOrMissing(`roleAssignments list ${scope}`, () => ra.listForScope(scope.replace(/^\/+/, ''), { filter: `principalId eq '${principal}'` }));
      const out: ObservedResource[] = [];
      for (const a of list) {
        if ((a.principalId ?? '').toLowerCase() !== principal.toLowerCase() || scopeOf(a.scope ?? '').toLowerCase() !== scope.toLowerCase()) continue;
        const guid = (a.roleDefinitionId ?? '').split('/').pop()?.toLowerCase() ?? '';
        const t = wanted.find((w) => w.guid === guid);
        if (!t) continue;
        out.push({ id: hatchId(t.scope, guid), type: TYPES.roleAssignment, security: true, props: hatchProps(t.scope, guid), physicalId: a.id, dependsOn: ['identity', 'function-app'] });
      }
      return out;
    }),
  );
  return found.flat();
}

/** The ARM ids desired() writes, resolved: what observed ids are compared against. */
function knownIds(session: Session): string[] {
  const { names } = session;
  const rg = names.resourceGroup;
  const list = [
    ids.storageAccount(rg, names.storageAccount),
    ids.identity(rg, names.identity),
    ids.plan(rg, names.plan),
    ids.site(rg, names.app),
    ids.workspace(rg, names.workspace),
    ids.insights(rg, names.insights),
    ids.resourceGroup(rg),
  ];
  // Longest first, so a site id wins over its resource group's.
  return resolve(list, session).sort((a, b) => b.length - a.length);
}

/**
 * ARM ids are case-insensitive and some APIs answer in another case than they were given
 * (`resourcegroups`): map any that starts with a known id back to that id's spelling, so a
 * difference of case never shows as a change.
 */
function canonical<T>(value: T, known: string[]): T {
  const fix = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const lower = v.toLowerCase();
      const id = known.find((k) => lower.startsWith(k.toLowerCase()));
      return id ? id + v.slice(id.length) : v;
    }
    if (Array.isArray(v)) return v.map(fix);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fix(x)]));
    return v;
  };
  return fix(value) as T;
}

/**
 * The same dependencies desired() declares, for what is only observed (a removal): deletes run
 * in reverse, so grants and the app go before the identity, containers and queues before the
 * storage account, and the resource group last.
 */
function withDependencies(r: ObservedResource): ObservedResource {
  const byType: Record<string, string[]> = {
    [TYPES.storageAccount]: ['resource-group'],
    [TYPES.identity]: ['resource-group'],
    [TYPES.plan]: ['resource-group'],
    [TYPES.container]: ['storage'],
    [TYPES.queue]: ['storage'],
    [TYPES.table]: ['storage'],
    [TYPES.roleAssignment]: ['identity', 'storage'],
    [TYPES.app]: ['plan', 'identity', 'storage', 'app-insights'],
    [TYPES.workspace]: ['resource-group'],
    [TYPES.insights]: ['log-workspace'],
    [TYPES.code]: ['function-app'],
    [TYPES.systemTopic]: ['storage'],
    [TYPES.eventSubscription]: ['event-topic', 'package'],
  };
  const deps = byType[r.type];
  return deps ? { ...r, dependsOn: deps } : r;
}

export { TAG_CODE };
