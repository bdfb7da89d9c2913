import type { AdapterContext } from '../../src/core/adapter.js';
import type { Scope } from '../../src/core/resources.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { createAzureClients, isAzureClientOptions, type AzureClientOptions, type AzureClients } from './clients.js';
import { azureNames, type AzureNames } from './naming.js';

/** Everything one command's Azure calls share. */
export interface Session {
  clients: AzureClients;
  subscriptionId: string;
  region: string;
  service: string;
  stage: string;
  names: AzureNames;
  /** Values only known once created (identity principal/client id), filled by apply or observe. */
  known: { identityClientId?: string; identityPrincipalId?: string; insightsConnectionString?: string; workspaceCustomerId?: string };
  /**
   * From the config, set by scope(): the escape hatch's role assignments (`targets.azure.roles`,
   * scope as written and role GUID) and the keys (`hatchKey`) of the grants sls-x derives, so
   * observe tells the two apart on one scope. Absent when observe runs without a config.
   */
  hatch?: { wanted: Array<{ scope: string; guid: string }>; derived: Set<string> };
}

const sessions = new WeakMap<AdapterContext, Session>();

/** `account` of an azure Scope is `<subscription id>/<resource group>`. */
export function scopeAccount(subscriptionId: string, resourceGroup: string): string {
  return `${subscriptionId}/${resourceGroup}`;
}

/** Open (or reuse) the session of this command: scope() opens it, apply/outputs find it. */
export async function openSession(ctx: AdapterContext, scope: Scope): Promise<Session> {
  const [subscriptionId, resourceGroup] = (scope.account ?? '').split('/');
  if (!subscriptionId || !resourceGroup || !scope.region) throw new SlsxError('INTERNAL', 'azure scope without subscription, resource group or region.');
  const existing = sessions.get(ctx);
  if (existing && existing.subscriptionId === subscriptionId && existing.service === scope.service && existing.stage === scope.stage && existing.names.resourceGroup === resourceGroup) return existing;
  const injected = pickOptions(ctx.clients);
  const clients = await createAzureClients(subscriptionId, ctx.env, injected);
  const session: Session = {
    clients,
    subscriptionId,
    region: scope.region,
    service: scope.service,
    stage: scope.stage,
    // The resource group the scope resolved (from the config or the default) is the one to use.
    names: { ...azureNames(scope.service, scope.stage, resourceGroup), resourceGroupFromConfig: existing?.names.resourceGroupFromConfig ?? false },
    known: {},
  };
  sessions.set(ctx, session);
  return session;
}

function pickOptions(value: unknown): AzureClientOptions | undefined {
  if (isAzureClientOptions(value)) return value;
  const nested = (value as { azure?: unknown } | undefined)?.azure;
  return isAzureClientOptions(nested) ? nested : undefined;
}

export function sessionOf(ctx: AdapterContext): Session {
  const session = sessions.get(ctx);
  if (!session) {
    throw new SlsxError('INTERNAL', 'azure adapter: apply/outputs called before scope() with the same context.', {
      hint: 'Call adapter.scope(service, ctx) first and pass the same ctx object.',
    });
  }
  return session;
}

/** Placeholders desired() writes where only the cloud knows the value; apply resolves, observe puts back. */
export const PLACEHOLDERS = {
  subscription: '${Subscription}',
  clientId: '${IdentityClientId}',
  principalId: '${IdentityPrincipalId}',
  insights: '${AppInsightsConnectionString}',
} as const;

export function resolve<T>(value: T, session: Pick<Session, 'subscriptionId' | 'known'>): T {
  return deep(value, (s) =>
    s
      .split(PLACEHOLDERS.subscription).join(session.subscriptionId)
      .split(PLACEHOLDERS.clientId).join(session.known.identityClientId ?? PLACEHOLDERS.clientId)
      .split(PLACEHOLDERS.principalId).join(session.known.identityPrincipalId ?? PLACEHOLDERS.principalId)
      .split(PLACEHOLDERS.insights).join(session.known.insightsConnectionString ?? PLACEHOLDERS.insights),
  ) as T;
}

/**
 * Put the placeholders back into observed values. `subscription: false` keeps the subscription
 * id as it is: for values desired() writes literally (app settings, which hold no ARM id of the
 * stage but may hold one from faas.yaml, such as a `${ref:...}` or the escape hatch's SLSX_GRANTS).
 */
export function templatize<T>(value: T, session: Pick<Session, 'subscriptionId' | 'known'>, opts: { subscription?: boolean } = {}): T {
  return deep(value, (s) => {
    let out = opts.subscription === false ? s : s.replace(new RegExp(`/subscriptions/${escape(session.subscriptionId)}/`, 'gi'), `/subscriptions/${PLACEHOLDERS.subscription}/`);
    if (session.known.insightsConnectionString && out === session.known.insightsConnectionString) out = PLACEHOLDERS.insights;
    // A GUID of its own: safe to put back wherever it appears (also inside the App Insights auth string).
    if (session.known.identityClientId) out = out.split(session.known.identityClientId).join(PLACEHOLDERS.clientId);
    return out;
  }) as T;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function deep(value: unknown, map: (s: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((v) => deep(v, map));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v, map)]));
  return value;
}

/** Tags for a resource with logical id `id`. */
export function tagsFor(session: Pick<Session, 'service' | 'stage'>, id: string): Record<string, string> {
  return { 'slsx:service': session.service, 'slsx:stage': session.stage, 'slsx:id': id };
}

/** ARM ids (with the subscription placeholder), as desired props carry them. */
export const ids = {
  resourceGroup: (rg: string) => `/subscriptions/${PLACEHOLDERS.subscription}/resourceGroups/${rg}`,
  storageAccount: (rg: string, name: string) => `${ids.resourceGroup(rg)}/providers/Microsoft.Storage/storageAccounts/${name}`,
  queue: (rg: string, account: string, queue: string) => `${ids.storageAccount(rg, account)}/queueServices/default/queues/${queue}`,
  container: (rg: string, account: string, container: string) => `${ids.storageAccount(rg, account)}/blobServices/default/containers/${container}`,
  table: (rg: string, account: string, table: string) => `${ids.storageAccount(rg, account)}/tableServices/default/tables/${table}`,
  identity: (rg: string, name: string) => `${ids.resourceGroup(rg)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
  plan: (rg: string, name: string) => `${ids.resourceGroup(rg)}/providers/Microsoft.Web/serverfarms/${name}`,
  site: (rg: string, name: string) => `${ids.resourceGroup(rg)}/providers/Microsoft.Web/sites/${name}`,
  workspace: (rg: string, name: string) => `${ids.resourceGroup(rg)}/providers/Microsoft.OperationalInsights/workspaces/${name}`,
  insights: (rg: string, name: string) => `${ids.resourceGroup(rg)}/providers/Microsoft.Insights/components/${name}`,
  vault: (rg: string, name: string) => `${ids.resourceGroup(rg)}/providers/Microsoft.KeyVault/vaults/${name}`,
  roleDefinition: (guid: string) => `/subscriptions/${PLACEHOLDERS.subscription}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
};
