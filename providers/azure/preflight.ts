import type { AdapterContext } from '../../src/core/adapter.js';
import type { Scope } from '../../src/core/resources.js';
import type { Diagnostic } from '../../src/model/diagnostic.js';
import type { Service } from '../../src/model/service.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { call, callOrMissing } from './errors.js';
import { namesOf } from './desired.js';
import { ours } from './observe.js';
import { isKnownRegion } from './regions.js';
import { azureNameProblems, SUBSCRIPTION_ID } from './validate.js';
import { openSession, resolve, scopeAccount, type Session } from './session.js';
import { grants } from './grants.js';
import { ROLES } from './roles.js';
import { hatchGrants, hatchKey } from './extra-iam.js';

/** The subscription: `targets.azure.subscription`, else AZURE_SUBSCRIPTION_ID. */
export function resolveSubscription(service: Service, env: NodeJS.ProcessEnv): string {
  assertAzureNames(service);
  const sub = service.targets.azure?.account ?? env.AZURE_SUBSCRIPTION_ID;
  if (!sub) {
    throw new SlsxError('USAGE', 'No Azure subscription: neither `targets.azure.subscription` in the config nor AZURE_SUBSCRIPTION_ID is set.', {
      hint: 'Add `targets: { azure: { subscription: <id> } }` to faas.yaml, or export AZURE_SUBSCRIPTION_ID (`az account show --query id -o tsv`).',
    });
  }
  if (!SUBSCRIPTION_ID.test(String(sub))) {
    throw new SlsxError('USAGE', `AZURE_SUBSCRIPTION_ID '${String(sub)}' is not an Azure subscription id (a GUID).`, { hint: 'Use the id from `az account show --query id -o tsv`.' });
  }
  return String(sub);
}

/** Refuse a config whose subscription, resource group or Key Vault is not a valid name, before any request. */
export function assertAzureNames(service: Service): void {
  const problems = azureNameProblems(service);
  if (problems.length > 0) throw new SlsxError('CONFIG_INVALID', `${service.configFile}: ${problems.map((p) => p.message).join(' ')}`, { diagnostics: problems, hint: problems[0].hint });
}

/** The region: `targets.azure.region`, else AZURE_LOCATION; refused when Flex Consumption does not exist there. */
export function resolveRegion(service: Service, env: NodeJS.ProcessEnv): string {
  const fromConfig = service.targets.azure?.region;
  const region = fromConfig ?? env.AZURE_LOCATION;
  if (!region) {
    throw new SlsxError('USAGE', 'No Azure region: neither `targets.azure.region` in the config nor AZURE_LOCATION is set.', {
      hint: 'Add `targets: { azure: { region: westeurope } }` to faas.yaml.',
    });
  }
  if (!isKnownRegion(region, env)) {
    throw new SlsxError('CONFIG_INVALID', `Unknown Azure region '${region}' (or one without Flex Consumption), from ${fromConfig ? 'targets.azure.region' : 'AZURE_LOCATION'}.`, {
      hint: 'Use a region name such as westeurope, eastus or swedencentral (`az account list-locations -o table`).',
      diagnostics: fromConfig ? [{ severity: 'error', code: 'unknown-region', message: `Unknown Azure region '${region}'.`, path: 'targets.azure.region', file: service.configFile, target: 'azure' }] : [],
    });
  }
  return region;
}

/** Who and where: subscription/resource group as `account`, the region; plus the read-only name checks. */
export async function azureScope(service: Service, ctx: AdapterContext): Promise<Scope> {
  const region = resolveRegion(service, ctx.env);
  const subscription = resolveSubscription(service, ctx.env);
  const names = namesOf(service);
  const scope: Scope = { target: 'azure', service: service.service, stage: service.stage, region, account: scopeAccount(subscription, names.resourceGroup) };
  const session = await openSession(ctx, scope);
  session.names.resourceGroupFromConfig = names.resourceGroupFromConfig;
  // What observe needs from the config to find the escape hatch's assignments (extra-iam.ts).
  session.hatch = {
    wanted: hatchGrants(service).map((g) => ({ scope: g.scope, guid: g.guid })),
    derived: new Set(grants(service, names).map((g) => hatchKey(resolve(g.scope, session), ROLES[g.role]))),
  };
  await preflight(service, session);
  return scope;
}

/**
 * Plan-time refusals that need a look at the cloud (read-only): the storage account or Function
 * App name (both global) taken by someone else. All problems at once, before any write.
 */
export async function preflight(service: Service, session: Session): Promise<void> {
  const { clients, names } = session;
  const rg = names.resourceGroup;
  const problems: Diagnostic[] = [];
  const conflict = (code: string, message: string, hint: string): void => void problems.push({ severity: 'error', code, message, hint, file: service.configFile, target: 'azure' });
  await Promise.all([
    (async () => {
      const acct = await callOrMissing(`storageAccounts getProperties ${names.storageAccount}`, () => clients.storage.storageAccounts.getProperties(rg, names.storageAccount));
      if (acct) {
        if (!ours(acct.tags, session)) conflict('storage-account-not-ours', `The storage account '${names.storageAccount}' in ${rg} is not ${service.service}/${service.stage}'s.`, 'Delete it, or deploy to another resource group.');
        return;
      }
      const check = await call('storageAccounts checkNameAvailability', () => clients.storage.storageAccounts.checkNameAvailability({ name: names.storageAccount, type: 'Microsoft.Storage/storageAccounts' }));
      if (check.nameAvailable === false) {
        conflict('storage-account-name-taken', `The storage account name '${names.storageAccount}' is taken by someone else (${check.reason ?? 'unavailable'}).`, 'Storage account names are global: change the resource group (targets.azure.resourceGroup), the service or the stage name.');
      }
    })(),
    (async () => {
      const site = await callOrMissing(`webApps get ${names.app}`, () => clients.web.webApps.get(rg, names.app));
      if (site) {
        if (!ours(site.tags, session)) conflict('function-app-not-ours', `The Function App '${names.app}' in ${rg} is not ${service.service}/${service.stage}'s.`, 'Delete it, or change the service or stage name.');
        return;
      }
      const check = await call('checkNameAvailability', () => clients.web.checkNameAvailability(names.app, 'Microsoft.Web/sites'));
      if (check.nameAvailable === false) {
        conflict('function-app-name-taken', `The Function App name '${names.app}' is taken by someone else (${check.message ?? check.reason ?? 'unavailable'}).`, 'Function App names are global (<name>.azurewebsites.net): change the service or stage name.');
      }
    })(),
  ]);
  if (problems.length > 0) {
    throw new SlsxError('RESOURCE_CONFLICT', `Cannot deploy ${service.service}/${service.stage} to Azure: ${problems.length} name(s) belong to something else.`, { diagnostics: problems, hint: problems[0].hint });
  }
}
