import type { Service } from '../../src/model/service.js';
import { functionsEnv } from '../../src/bundle/shim-meta.js';
import { azureHostSettings } from '../../src/bundle/package-files.js';
import { azureAppSettingName, AZURE_STORAGE_CONNECTION } from '../../templates/shims/common/azure-triggers.js';
import { tableSettingName } from '../../templates/shims/common/azure-resources.js';
import type { AzureNames } from './naming.js';
import { PLACEHOLDERS } from './session.js';
import { grantsSetting } from './extra-iam.js';

/** The Key Vault of the config (`targets.azure.keyVault`), if any. */
export function keyVaultOf(service: Service): string | undefined {
  const v = service.targets.azure?.keyVault;
  return typeof v === 'string' && v ? v : undefined;
}

/** Key Vault's data-plane host for a vault name (public cloud; sovereign clouds differ). */
export function secretUri(vault: string, secret: string): string {
  return `https://${vault}.vault.azure.net/secrets/${secret}`;
}

/**
 * App settings of the one Function App: identity-based `AzureWebJobsStorage` (no keys), the
 * SLSX_QUEUE_* / SLSX_BUCKET_* / SLSX_TABLE_* names the shim binds to, every function's env, SLSX_GRANTS
 * (the escape hatch's role assignments, when there are any), and each secret
 * as a Key Vault reference the platform resolves with the app's identity (values never pass
 * through sls-x). Config env names are per function but app settings are per app: validate
 * refuses two functions giving one name different values.
 */
export function appSettings(service: Service, names: AzureNames): Record<string, string> {
  const out: Record<string, string> = {
    [`${AZURE_STORAGE_CONNECTION}__accountName`]: names.storageAccount,
    [`${AZURE_STORAGE_CONNECTION}__credential`]: 'managedidentity',
    [`${AZURE_STORAGE_CONNECTION}__clientId`]: PLACEHOLDERS.clientId,
    // Telemetry to the app's own Application Insights, authenticated with the identity (local auth is off).
    APPLICATIONINSIGHTS_CONNECTION_STRING: PLACEHOLDERS.insights,
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `Authorization=AAD;ClientId=${PLACEHOLDERS.clientId}`,
  };
  for (const q of service.queues) out[azureAppSettingName('queue', q.name)] = names.queue(q.name);
  for (const b of service.buckets) out[azureAppSettingName('bucket', b.name)] = names.container(b.name);
  for (const t of service.tables ?? []) out[tableSettingName(t.name)] = names.table(t.name);
  for (const fn of service.functions) Object.assign(out, fn.env);
  // Every function's events and timeout: the shim registers the triggers from this at start-up,
  // so a config change is an app settings update and the package stays as it was.
  Object.assign(out, functionsEnv(service, service.functions, 'azure'));
  // The function timeout and queue settings, overriding host.json (which holds none of them).
  Object.assign(out, azureHostSettings(service, service.functions).settings);
  // The escape hatch's role assignments (extra-iam.ts): how a later observe finds them once their entry is gone.
  Object.assign(out, grantsSetting(service));
  const vault = keyVaultOf(service);
  if (vault) {
    for (const fn of service.functions) for (const s of fn.secrets) out[s] = `@Microsoft.KeyVault(SecretUri=${secretUri(vault, names.secret(s))})`;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
