import { createHash } from 'node:crypto';

/**
 * Physical names of every Azure resource sls-x creates. Pure and deterministic, so a re-run
 * finds what an interrupted run created. Globally unique names (storage account, Function App)
 * are checked for availability at plan time; the storage account name carries a hash of the
 * service, stage and resource group because it may hold only 24 lowercase letters and digits.
 */

export const NAME_LIMITS = { app: 60, storageAccount: 24, identity: 128, plan: 60, resourceGroup: 90, systemTopic: 128, eventSubscription: 64, table: 63 } as const;

/** Tags every taggable resource carries; observe() finds resources by them. */
export const TAG_SERVICE = 'slsx:service';
export const TAG_STAGE = 'slsx:stage';
/** Logical id of the resource (`function-app`), so observe maps a resource back to the plan. */
export const TAG_ID = 'slsx:id';
/** sha256 of the package last deployed to the app (a tag on the Function App). */
export const TAG_CODE = 'slsx:code';

/** 8 hex characters of sha256: enough to keep shortened names apart. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** `name` itself when it fits, else its head plus `-<hash of the whole name>`. */
export function fit(name: string, limit: number): string {
  if (name.length <= limit) return name;
  const hash = shortHash(name);
  return `${name.slice(0, limit - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

const lower = (s: string): string => s.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');

/** Container the Flex Consumption app's package lives in. */
export const DEPLOYMENT_CONTAINER = 'app-package';
/** Containers the Functions host keeps leases, timers and keys in (identity-based storage cannot create them). */
export const HOST_CONTAINERS = ['azure-webjobs-hosts', 'azure-webjobs-secrets'] as const;

export interface AzureNames {
  resourceGroup: string;
  /** True when the config names the resource group (it may exist and not be ours). */
  resourceGroupFromConfig: boolean;
  app: string;
  plan: string;
  identity: string;
  storageAccount: string;
  systemTopic: string;
  /** Log Analytics workspace and Application Insights component (logs). */
  workspace: string;
  insights: string;
  queue(name: string, poison?: boolean): string;
  container(bucket: string): string;
  /** Table Storage table of a faas.yaml table (`azureTableName`). */
  table(name: string): string;
  eventSubscription(fn: string, index: number): string;
  /** Key Vault secret name of a neutral secret: `<service>-<stage>-<NAME>` with `_` as `-`. */
  secret(name: string): string;
}

/** All names for one service and stage (and resource group, when the config names one). */
export function azureNames(service: string, stage: string, resourceGroup?: string): AzureNames {
  const prefix = lower(`${service}-${stage}`);
  const app = fit(prefix, NAME_LIMITS.app);
  const rg = resourceGroup ?? fit(`slsx-${prefix}`, NAME_LIMITS.resourceGroup);
  const compact = prefix.replace(/-/g, '').slice(0, NAME_LIMITS.storageAccount - 8);
  return {
    resourceGroup: rg,
    resourceGroupFromConfig: resourceGroup !== undefined,
    app,
    plan: fit(`${prefix}-plan`, NAME_LIMITS.plan),
    identity: fit(`${prefix}-id`, NAME_LIMITS.identity),
    storageAccount: `${compact}${shortHash(`${service}/${stage}/${rg}`)}`,
    systemTopic: fit(`${prefix}-storage`, NAME_LIMITS.systemTopic),
    workspace: fit(`${prefix}-logs`, 63),
    insights: fit(`${prefix}-insights`, 255),
    // One storage account per service and stage: queue and container names need no prefix.
    queue: (name, poison = false) => (poison ? `${name}-poison` : name),
    container: (bucket) => bucket,
    table: azureTableName,
    eventSubscription: (fn, index) => fit(`${lower(fn)}-${index}`, NAME_LIMITS.eventSubscription),
    secret: (name) => `${prefix}-${name.replace(/[^A-Za-z0-9-]/g, '-')}`,
  };
}

/** What Table Storage takes as a table name: letters and digits, 3-63, starting with a letter (Table_Create's `tableName`). */
export const AZURE_TABLE_NAME = /^[A-Za-z][A-Za-z0-9]{2,62}$/;
/** Table names Azure reserves (case-insensitive). */
export const RESERVED_TABLE_NAMES = ['tables'] as const;
/**
 * The names sls-x gives tables: lowercase letters and digits, so `observe` takes only these from
 * the account (a table with a capital letter, such as the Functions host's
 * `AzureFunctionsDiagnosticEvents<yyyymm>`, is never sls-x's and is left alone).
 */
export const SLSX_TABLE_NAME = /^[a-z][a-z0-9]{2,62}$/;

/**
 * The Table Storage name of a faas.yaml table. Table names hold only letters and digits (3-63,
 * starting with a letter) and the account is the stage's own, so a name Azure takes as it is
 * stays as it is (`todos`). Any other (`order-items`, a 1-2 letter name, the reserved `tables`)
 * becomes its letters and digits plus 8 hex of sha256 of the faas.yaml name
 * (`orderitems89455f5c`), so `order-items` and `orderitems` never meet; validate refuses the
 * remaining case (a faas.yaml name that spells out another's hashed name). Pure and stable.
 */
export function azureTableName(name: string): string {
  const plain = name.toLowerCase();
  if (SLSX_TABLE_NAME.test(plain) && plain === name && !(RESERVED_TABLE_NAMES as readonly string[]).includes(plain)) return plain;
  let letters = plain.replace(/[^a-z0-9]/g, '');
  if (!/^[a-z]/.test(letters)) letters = `t${letters}`;
  return `${letters.slice(0, NAME_LIMITS.table - 8)}${shortHash(name)}`;
}

/** Resource types of the azure adapter, as they appear in plans. */
export const TYPES = {
  resourceGroup: 'azure:resources:resource-group',
  storageAccount: 'azure:storage:account',
  container: 'azure:storage:container',
  queue: 'azure:storage:queue',
  table: 'azure:storage:table',
  identity: 'azure:msi:identity',
  roleAssignment: 'azure:authorization:role-assignment',
  plan: 'azure:web:flex-plan',
  app: 'azure:web:function-app',
  code: 'azure:web:app-package',
  systemTopic: 'azure:eventgrid:system-topic',
  workspace: 'azure:monitor:log-analytics-workspace',
  insights: 'azure:monitor:application-insights',
  eventSubscription: 'azure:eventgrid:subscription',
} as const;
