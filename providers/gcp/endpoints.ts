/**
 * Endpoint overrides, so the adapter runs against emulators and recorders. For each Google API
 * the first of these that is set wins:
 * 1. `SLSX_GCP_ENDPOINT_<API>`: a full base URL, e.g. `http://127.0.0.1:8085` (APIs:
 *    FUNCTIONS, RUN, PUBSUB, SCHEDULER, STORAGE, IAM, SECRETMANAGER, RESOURCEMANAGER, LOGGING, FIRESTORE);
 * 2. gcloud's own `CLOUDSDK_API_ENDPOINT_OVERRIDES_<API>` (e.g. `..._CLOUDFUNCTIONS`);
 * 3. the emulator variables the Google libraries know: `PUBSUB_EMULATOR_HOST` and
 *    `FIRESTORE_EMULATOR_HOST` (host:port, plain HTTP) and `STORAGE_EMULATOR_HOST` (a URL).
 * Pure: reads only the env handed in.
 */
export type GcpApi = 'FUNCTIONS' | 'RUN' | 'PUBSUB' | 'SCHEDULER' | 'STORAGE' | 'IAM' | 'SECRETMANAGER' | 'RESOURCEMANAGER' | 'LOGGING' | 'FIRESTORE';

/** gcloud's names for the same APIs. */
const CLOUDSDK: Record<GcpApi, string> = {
  FUNCTIONS: 'CLOUDFUNCTIONS',
  RUN: 'RUN',
  PUBSUB: 'PUBSUB',
  SCHEDULER: 'CLOUDSCHEDULER',
  STORAGE: 'STORAGE',
  IAM: 'IAM',
  SECRETMANAGER: 'SECRETMANAGER',
  RESOURCEMANAGER: 'CLOUDRESOURCEMANAGER',
  LOGGING: 'LOGGING',
  FIRESTORE: 'FIRESTORE',
};

/** The default (real) base URL of each API. */
export const DEFAULT_ENDPOINTS: Record<GcpApi, string> = {
  FUNCTIONS: 'https://cloudfunctions.googleapis.com',
  RUN: 'https://run.googleapis.com',
  PUBSUB: 'https://pubsub.googleapis.com',
  SCHEDULER: 'https://cloudscheduler.googleapis.com',
  STORAGE: 'https://storage.googleapis.com',
  IAM: 'https://iam.googleapis.com',
  SECRETMANAGER: 'https://secretmanager.googleapis.com',
  RESOURCEMANAGER: 'https://cloudresourcemanager.googleapis.com',
  LOGGING: 'https://logging.googleapis.com',
  FIRESTORE: 'https://firestore.googleapis.com',
};

/** The overridden base URL of `api` (no trailing slash), or undefined when none is set. */
export function endpointOverride(api: GcpApi, env: NodeJS.ProcessEnv): string | undefined {
  const own = env[`SLSX_GCP_ENDPOINT_${api}`] ?? env[`CLOUDSDK_API_ENDPOINT_OVERRIDES_${CLOUDSDK[api]}`];
  if (own) return own.replace(/\/+$/, '').replace(/\/v\d+$/, '');
  if (api === 'PUBSUB' && env.PUBSUB_EMULATOR_HOST) return `http://${env.PUBSUB_EMULATOR_HOST}`;
  if (api === 'FIRESTORE' && env.FIRESTORE_EMULATOR_HOST) return `http://${env.FIRESTORE_EMULATOR_HOST}`;
  if (api === 'STORAGE' && env.STORAGE_EMULATOR_HOST) return env.STORAGE_EMULATOR_HOST.replace(/\/+$/, '');
  return undefined;
}

/** The base URL calls to `api` go to. */
export function endpointFor(api: GcpApi, env: NodeJS.ProcessEnv): string {
  return endpointOverride(api, env) ?? DEFAULT_ENDPOINTS[api];
}

/** gax client options for an overridden endpoint: HTTP/JSON (`fallback: 'rest'`) to its host, port and protocol. */
export function gaxOptions(api: GcpApi, env: NodeJS.ProcessEnv, projectId?: string): Record<string, unknown> {
  const base: Record<string, unknown> = { fallback: 'rest', ...(projectId ? { projectId } : {}) };
  const override = endpointOverride(api, env);
  if (!override) return base;
  const url = new URL(override);
  const protocol = url.protocol.replace(':', '');
  return { ...base, apiEndpoint: url.hostname, port: Number(url.port || (protocol === 'https' ? 443 : 80)), protocol };
}
