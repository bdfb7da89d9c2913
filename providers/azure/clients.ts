import type { TokenCredential } from '@azure/core-auth';
import { SlsxError } from '../../src/errors/slsx-error.js';
import type { HttpClient } from '@azure/core-rest-pipeline';
import type { WebSiteManagementClient } from '@azure/arm-appservice';
import type { StorageManagementClient } from '@azure/arm-storage';
import type { ResourceManagementClient } from '@azure/arm-resources';
import type { ManagedServiceIdentityClient } from '@azure/arm-msi';
import type { AuthorizationManagementClient } from '@azure/arm-authorization';
import type { EventGridManagementClient } from '@azure/arm-eventgrid';
import type { CallPool } from '../../src/core/call-pool.js';
import { azureCallPool, poolPolicy } from './pool.js';

/** The public Azure cloud's Resource Manager. */
export const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com';

/** What tests (or an embedding program) may inject: the SDK clients are still the real ones. */
export interface AzureClientOptions {
  /** @azure/core-rest-pipeline HttpClient every SDK request goes through (tests: a recording fake ARM). */
  httpClient?: HttpClient;
  credential?: TokenCredential;
  /** Resource Manager endpoint; default AZURE_RESOURCE_MANAGER_ENDPOINT or the public cloud. */
  endpoint?: string;
  /** Sleep between polls of a zip deploy; tests pass one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
}

/** Every SDK client the azure adapter uses, for one subscription. */
export interface AzureClients {
  subscriptionId: string;
  endpoint: string;
  credential: TokenCredential;
  httpClient?: HttpClient;
  sleep: (ms: number) => Promise<void>;
  web: WebSiteManagementClient;
  storage: StorageManagementClient;
  resources: ResourceManagementClient;
  msi: ManagedServiceIdentityClient;
  authorization: AuthorizationManagementClient;
  eventgrid: EventGridManagementClient;
  /** The pool every Resource Manager request of these clients goes through (pool.ts). */
  pool: CallPool;
}

/** True when `value` looks like injectable client options (has an httpClient or credential). */
export function isAzureClientOptions(value: unknown): value is AzureClientOptions {
  return !!value && typeof value === 'object' && ('httpClient' in value || 'credential' in value);
}

/**
 * Create the SDK clients. Credentials: DefaultAzureCredential (environment variables
 * AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET or a certificate, workload identity for
 * CI OIDC via AZURE_FEDERATED_TOKEN_FILE, managed identity, then the Azure CLI login);
 * AZURE_AUTHORITY_HOST picks the Entra ID authority. The Resource Manager endpoint comes from
 * AZURE_RESOURCE_MANAGER_ENDPOINT (sovereign clouds, recorders), else the public cloud; the
 * token scope follows it (`<endpoint>/.default`). Throttling (429) and transient 5xx are
 * retried by the SDK pipeline's default retry policy (honouring Retry-After); every attempt is
 * paced and bounded by one pool per client set (pool.ts).
 */
export async function createAzureClients(subscriptionId: string, env: NodeJS.ProcessEnv, opts: AzureClientOptions = {}): Promise<AzureClients> {
  const [web, storage, resources, msi, authorization, eventgrid] = await Promise.all([
    import('@azure/arm-appservice'),
    import('@azure/arm-storage'),
    import('@azure/arm-resources'),
    import('@azure/arm-msi'),
    import('@azure/arm-authorization'),
    import('@azure/arm-eventgrid'),
  ]);
  const endpoint = (opts.endpoint ?? env.AZURE_RESOURCE_MANAGER_ENDPOINT ?? DEFAULT_ARM_ENDPOINT).replace(/\/+$/, '');
  if (!endpoint.startsWith('https://')) {
    // The SDKs' bearer-token policy refuses to send a token over plain HTTP: say so up front.
    throw new SlsxError('USAGE', `AZURE_RESOURCE_MANAGER_ENDPOINT must be an https:// URL (got '${endpoint}'): Azure credentials are never sent over plain HTTP.`, {
      hint: 'Put a TLS endpoint in front of the emulator or recorder (e.g. https://localhost:8443), or unset the variable for the public cloud.',
    });
  }
  const credential = opts.credential ?? (await defaultCredential(env));
  // Older generated clients build URLs from `$host`, newer ones from `endpoint`: set both.
  const common = {
    endpoint,
    $host: endpoint,
    credentialScopes: [`${endpoint}/.default`],
    ...(opts.httpClient ? { httpClient: opts.httpClient } : {}),
  };
  const pool = azureCallPool(opts.sleep, !!opts.sleep);
  const pooled = <T extends { pipeline: { addPolicy(p: ReturnType<typeof poolPolicy>, o: { afterPhase: 'Retry' }): void } }>(client: T): T => {
    client.pipeline.addPolicy(poolPolicy(pool), { afterPhase: 'Retry' });
    return client;
  };
  return {
    subscriptionId,
    endpoint,
    credential,
    httpClient: opts.httpClient,
    sleep: opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    web: pooled(new web.WebSiteManagementClient(credential, subscriptionId, common)),
    storage: pooled(new storage.StorageManagementClient(credential, subscriptionId, common)),
    resources: pooled(new resources.ResourceManagementClient(credential, subscriptionId, common)),
    msi: pooled(new msi.ManagedServiceIdentityClient(credential, subscriptionId, common)),
    authorization: pooled(new authorization.AuthorizationManagementClient(credential, subscriptionId, common)),
    eventgrid: pooled(new eventgrid.EventGridManagementClient(credential, subscriptionId, common)),
    pool,
  };
}

async function defaultCredential(env: NodeJS.ProcessEnv): Promise<TokenCredential> {
  const { DefaultAzureCredential } = await import('@azure/identity');
  // The identity library reads process.env itself; an authority host handed over in another env still applies.
  return new DefaultAzureCredential(env.AZURE_AUTHORITY_HOST ? { authorityHost: env.AZURE_AUTHORITY_HOST } : {});
}
