import type { Diagnostic } from '../../src/model/diagnostic.js';
import type { Service } from '../../src/model/service.js';
import { keyVaultOf } from './app-settings.js';
import { logRetentionDays, maxInstances, namesOf } from './desired.js';
import { isKnownRegion } from './regions.js';
import { DEPLOYMENT_CONTAINER, HOST_CONTAINERS } from './naming.js';
import { ncrontabProblem } from '../../src/config/schedule.js';
import { loopbackIssuerProblems } from '../../src/config/checks/http.js';
import { grants } from './grants.js';
import { ROLES } from './roles.js';
import { roleGuid, scopeOf, similarRoles } from './extra-iam.js';

const RESERVED_CONTAINERS: string[] = [DEPLOYMENT_CONTAINER, ...HOST_CONTAINERS];

/** An Azure subscription id (a GUID). */
export const SUBSCRIPTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Resource group names: 1-90 letters, digits, `_`, `-`, `.`, `(`, `)`; not ending in `.`. */
const RESOURCE_GROUP = /^[-\p{L}\p{N}_.()]{0,89}[-\p{L}\p{N}_()]$/u;
/** Key Vault names: 3-24 letters, digits and single `-`, starting with a letter, not ending with `-`. */
const KEY_VAULT = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;

/**
 * The config's subscription, resource group and Key Vault, checked before they go into ARM ids,
 * role assignment scopes and Key Vault URIs (a `/` or a host name there would point elsewhere).
 */
export function azureNameProblems(service: Service): Diagnostic[] {
  const out: Diagnostic[] = [];
  const a = service.targets.azure;
  const err = (path: string, code: string, message: string, hint: string): void => void out.push({ severity: 'error', code, message, hint, path, file: service.configFile, target: 'azure' });
  if (a?.account !== undefined && !SUBSCRIPTION_ID.test(String(a.account))) {
    err('targets.azure.subscription', 'invalid-subscription', `'${String(a.account)}' is not an Azure subscription id (a GUID such as 00000000-0000-0000-0000-000000000000).`, 'Use the id from `az account show --query id -o tsv`.');
  }
  if (typeof a?.resourceGroup === 'string' && !RESOURCE_GROUP.test(a.resourceGroup)) {
    err('targets.azure.resourceGroup', 'invalid-resource-group', `'${a.resourceGroup}' is not a valid resource group name.`, 'Use 1-90 letters, digits, `_`, `-`, `.`, `(` or `)`, not ending with `.`.');
  }
  if (typeof a?.keyVault === 'string' && !KEY_VAULT.test(a.keyVault)) {
    err('targets.azure.keyVault', 'invalid-key-vault', `'${a.keyVault}' is not a Key Vault name.`, 'Give the vault\'s name (3-24 letters, digits and `-`, starting with a letter), not its URI.');
  }
  return out;
}

/**
 * What the Flex Consumption app cannot do as configured, beyond the limits the config
 * validation already checks (providers/azure/limits.ts): errors block the plan before any
 * call to Azure, warnings are shown. Pure.
 */
export function validateAzure(service: Service): Diagnostic[] {
  const out: Diagnostic[] = [];
  const file = service.configFile;
  const err = (path: string, code: string, message: string, hint: string): void => void out.push({ severity: 'error', code, message, hint, path, file, target: 'azure' });
  const warn = (path: string, code: string, message: string, hint: string): void => void out.push({ severity: 'warning', code, message, hint, path, file, target: 'azure' });
  const region = service.targets.azure?.region;
  if (typeof region === 'string' && !isKnownRegion(region)) {
    err('targets.azure.region', 'unknown-region', `Unknown Azure region '${region}' (or one without Flex Consumption).`, 'Use a region name such as westeurope, eastus or swedencentral (`az account list-locations -o table`).');
  }
  out.push(...azureNameProblems(service));
  const retention = logRetentionDays(service);
  if (!Number.isInteger(retention) || retention < 30 || retention > 730) {
    err('targets.azure.logRetentionDays', 'limit-log-retention', `A Log Analytics workspace keeps logs 30 to 730 days; the config asks for ${retention}.`, 'Set logRetentionDays between 30 and 730.');
  }
  const names = namesOf(service);
  if (names.app !== `${service.service}-${service.stage}`.toLowerCase()) {
    warn('service', 'name-shortened', `On Azure the Function App is named '${names.app}' (names are at most 60 lowercase characters).`, 'Use a shorter service or stage name to keep the full name.');
  }
  const withSecrets = service.functions.filter((f) => f.secrets.length > 0);
  if (withSecrets.length > 0 && !keyVaultOf(service)) {
    err(`functions.${withSecrets[0].name}.secrets`, 'secrets-need-key-vault', `On Azure secrets are Key Vault references, but no Key Vault is configured (used by ${withSecrets.map((f) => f.name).join(', ')}).`, 'Add `targets: { azure: { keyVault: <vault name in the resource group> } }` and store each secret there as `<service>-<stage>-<NAME>`.');
  }
  for (const b of service.buckets) {
    if (RESERVED_CONTAINERS.includes(b.name) || b.name.startsWith('azure-webjobs-')) {
      err(`buckets.${b.name}`, 'bucket-name-reserved', `Bucket '${b.name}' would be the container the Functions host or the app's package uses (${RESERVED_CONTAINERS.join(', ')}, azure-webjobs-*).`, 'Rename the bucket.');
    }
    if (b.existing) err(`buckets.${b.name}.existing`, 'existing-bucket', `The azure target cannot use an existing container yet ('${b.existing}'); buckets are containers in the service's own storage account.`, `Drop \`existing:\` for azure, or deploy to aws.`);
  }
  for (const q of service.queues) {
    if (q.name.endsWith('-poison')) err(`queues.${q.name}`, 'queue-name-poison', `Queue '${q.name}' ends in -poison, the suffix Azure gives every queue's poison queue.`, 'Rename the queue.');
    if (!q.deadLetter) warn(`queues.${q.name}.deadLetter`, 'poison-queue-always', `On Azure a message that fails ${q.maxRetries + 1} times always moves to '${q.name}-poison'; deadLetter: false cannot turn that off.`, 'Set deadLetter: true, or drain the poison queue yourself.');
  }
  // Table Storage names are letters and digits only (names.table gives a valid one for every
  // faas.yaml name); two faas.yaml names must not become one table.
  const tableNames = new Map<string, string>();
  for (const t of service.tables ?? []) {
    const physical = names.table(t.name);
    const other = tableNames.get(physical);
    if (other !== undefined) err(`tables.${t.name}`, 'table-name-collision', `Tables '${other}' and '${t.name}' would be the same Azure table '${physical}' (table names there hold only letters and digits).`, 'Rename one of them.');
    else tableNames.set(physical, t.name);
  }
  for (const fn of service.functions) {
    fn.events.forEach((e, i) => {
      if (e.kind !== 'schedule' || !e.cron) return;
      const problem = ncrontabProblem(e.cron);
      // L, W and # are refused by the limits check already (providers/azure/limits.ts).
      if (problem && !problem.startsWith('NCRONTAB has no')) err(`functions.${fn.name}.events.${i}.schedule`, 'schedule-unsupported', `An Azure timer (NCRONTAB) cannot run '${e.expression}' of '${fn.name}': ${problem}.`, 'Restrict only one of day-of-month and day-of-week (use two schedules for "either"), count weekdays 0-6, and drop L, W and #.');
    });
  }
  // CORS and JWT are applied by the shim (the Function App's own CORS knows only origins and credentials).
  out.push(...loopbackIssuerProblems(service, 'azure'));
  out.push(...hatchProblems(service));
  // App settings are one map for the whole app.
  const seen = new Map<string, { fn: string; value: string }>();
  for (const fn of service.functions) {
    for (const [k, v] of Object.entries(fn.env)) {
      const prev = seen.get(k);
      if (prev && prev.value !== v) err(`functions.${fn.name}.env.${k}`, 'app-setting-conflict', `'${fn.name}' and '${prev.fn}' give ${k} different values; on Azure all functions share the app's settings.`, 'Give the variable one value, or different names per function.');
      else seen.set(k, { fn: fn.name, value: v });
    }
  }
  const maxes = [...new Set(service.functions.flatMap((f) => (f.concurrency.max === undefined ? [] : [f.concurrency.max])))];
  if (maxes.length > 1 || (maxes.length === 1 && service.functions.some((f) => f.concurrency.max === undefined))) {
    warn('functions', 'app-wide-concurrency', `Functions ask for different max concurrency; the Function App has one maximumInstanceCount (${maxInstances(service)}) for all of them.`, 'Give every function the same concurrency.max, or split the service.');
  }
  for (const fn of service.functions) {
    if (fn.concurrency.max !== undefined && fn.concurrency.warm > fn.concurrency.max) {
      err(`functions.${fn.name}.concurrency.warm`, 'limit-concurrency', `'${fn.name}' asks for ${fn.concurrency.warm} warm instances but at most ${fn.concurrency.max}.`, 'Set warm <= max.');
    }
  }
  return out;
}

/**
 * The escape hatch (`functions.<fn>.targets.azure.roles`), what only azure can tell: a role that
 * is neither a built-in name sls-x knows, a GUID nor a role definition id (resolved offline, so a
 * plan never depends on a lookup: such a role is written as its GUID), and an entry that is a
 * grant sls-x derives itself (the same role on the same resource of the stage): the two would be
 * one role assignment, and each plan would take it for the other's.
 */
export function hatchProblems(service: Service): Diagnostic[] {
  const out: Diagnostic[] = [];
  const names = namesOf(service);
  const sub = service.targets.azure?.account === undefined ? undefined : String(service.targets.azure.account).toLowerCase();
  // Derived grants by resource path below the subscription (the subscription may come from the environment).
  const tail = (scope: string) => scopeOf(scope).replace(/^\/subscriptions\/[^/]+/i, '').toLowerCase();
  const derived = new Map(grants(service, names).map((g) => [`${tail(g.scope)}|${ROLES[g.role]}`, g]));
  for (const fn of service.functions) {
    (fn.extraIam?.azure ?? []).forEach((r, i) => {
      const path = `functions.${fn.name}.targets.azure.roles.${i}`;
      const guid = roleGuid(r.role);
      if (!guid) {
        const near = similarRoles(r.role);
        out.push({
          severity: 'error',
          code: 'azure-role-unknown',
          message: `\`${r.role}\` is not a built-in role sls-x knows by name${near.length ? ` (did you mean ${near.map((n) => `\`${n}\``).join(' or ')}?)` : ''}; sls-x does not look role names up in Azure.`,
          hint: `Write the role definition's GUID instead: \`az role definition list --name "${r.role}" --query "[].name" -o tsv\` prints it (for a built-in or a custom role).`,
          path: `${path}.role`,
          file: service.configFile,
          target: 'azure',
        });
        return;
      }
      const entrySub = /^\/subscriptions\/([^/]+)/i.exec(r.scope)?.[1]?.toLowerCase();
      const own = derived.get(`${tail(r.scope)}|${guid}`);
      if (own && (!sub || sub === entrySub)) {
        out.push({
          severity: 'error',
          code: 'azure-extra-iam-own-grant',
          message: `\`${r.role}\` on \`${r.scope}\` is a role assignment sls-x derives for this stage's own resource; \`functions.${fn.name}.targets.azure.roles\` cannot add it too.`,
          hint: 'Drop the entry: the declaration (`sends:`, `buckets:`, `tables:`, `secrets:` or the queue trigger) already grants it.',
          path,
          file: service.configFile,
          target: 'azure',
        });
      }
    });
  }
  return out;
}
