import type { GcpClients, GcsBucket, HttpApi, IamPolicy, IamPolicyApi, StorageApi } from './clients.js';
import { withMethods } from '../../src/core/call-pool.js';
import { endpointFor, endpointOverride, gaxOptions, type GcpApi } from './endpoints.js';
import { accountPoliciesRest, firestoreRest, iamPolicyRest, projectPoliciesRest, projectsRest, serviceAccountsRest, type Requester } from './rest-clients.js';

const SCOPES = ['https://www.googleapis.com/auth/cloud-platform'];

/**
 * The real clients. Credentials: Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS,
 * a workload identity federation config for CI OIDC, `gcloud auth application-default login`, or
 * the metadata server), so nothing here reads a secret. gax clients speak HTTP/JSON
 * (`fallback: 'rest'`) so the same requests reach emulators and recorders (endpoints.ts).
 * Every SDK is imported here, lazily, when a command first needs the cloud.
 */
export async function createClients(env: NodeJS.ProcessEnv, projectId: string): Promise<GcpClients> {
  const [functions, pubsub, scheduler, logging, storage, gal] = await Promise.all([
    import('@google-cloud/functions'),
    import('@google-cloud/pubsub'),
    import('@google-cloud/scheduler'),
    import('@google-cloud/logging'),
    import('@google-cloud/storage'),
    import('google-auth-library'),
  ]);
  const auth = new gal.GoogleAuth({ scopes: SCOPES, projectId });
  // Real credentials never go over plain HTTP: an emulator or recorder at an http:// override
  // gets a placeholder token instead (and needs no credentials at all).
  const anonymous = new gal.OAuth2Client();
  anonymous.setCredentials({ access_token: 'emulator' });
  const plain = (api: GcpApi): boolean => endpointFor(api, env).startsWith('http://');
  const requester = (api: GcpApi): Requester => ({ request: (o) => (plain(api) ? anonymous : auth).request(o as never) as never });
  const opts = (api: GcpApi) => ({ ...gaxOptions(api, env, projectId), ...(plain(api) ? { authClient: anonymous } : {}) }) as never;
  const storageApi = storageClient(new storage.Storage({ projectId, ...(endpointOverride('STORAGE', env) ? { apiEndpoint: endpointFor('STORAGE', env) } : {}) }));
  return {
    functions: new functions.v2.FunctionServiceClient(opts('FUNCTIONS')) as never,
    run: iamPolicyRest(requester('RUN'), `${endpointFor('RUN', env)}/v2`),
    // Topic and subscription IAM over plain REST as Pub/Sub defines it (GET :getIamPolicy with the
    // version as a query parameter): gax's generic IAM mixin over HTTP/JSON POSTs a body there,
    // which is not a Pub/Sub method (found by the contract tests, test/contracts/gcp).
    publisher: withIam(new pubsub.v1.PublisherClient(opts('PUBSUB')), iamPolicyRest(requester('PUBSUB'), `${endpointFor('PUBSUB', env)}/v1`)) as never,
    subscriber: withIam(new pubsub.v1.SubscriberClient(opts('PUBSUB')), iamPolicyRest(requester('PUBSUB'), `${endpointFor('PUBSUB', env)}/v1`)) as never,
    scheduler: new scheduler.CloudSchedulerClient(opts('SCHEDULER')) as never,
    logging: new logging.v2.LoggingServiceV2Client(opts('LOGGING')) as never,
    storage: storageApi,
    serviceAccounts: serviceAccountsRest(requester('IAM'), env),
    secrets: iamPolicyRest(requester('SECRETMANAGER'), `${endpointFor('SECRETMANAGER', env)}/v1`),
    accountPolicies: accountPoliciesRest(requester('IAM'), env),
    projects: projectsRest(requester('RESOURCEMANAGER'), env),
    projectPolicies: projectPoliciesRest(requester('RESOURCEMANAGER'), env),
    firestore: firestoreRest(requester('FIRESTORE'), env),
    http: httpClient(auth),
  };
}

/** A gax client whose getIamPolicy / setIamPolicy go through `iam` instead. */
function withIam<T extends object>(client: T, iam: IamPolicyApi): T {
  return withMethods(client, (name) => (name === 'getIamPolicy' || name === 'setIamPolicy' ? iam[name] : undefined));
}

type Storage = InstanceType<typeof import('@google-cloud/storage').Storage>;

const code = (err: unknown): number | undefined => (err as { code?: number })?.code;

/** `@google-cloud/storage` behind the StorageApi port. */
function storageClient(storage: Storage): StorageApi {
  const meta = (m: Record<string, unknown>): GcsBucket => ({
    name: String(m.name),
    location: m.location as string | undefined,
    labels: (m.labels as Record<string, string> | undefined) ?? {},
    projectNumber: m.projectNumber === undefined ? undefined : String(m.projectNumber),
  });
  return {
    async getBucket(name) {
      try {
        const [m] = await storage.bucket(name).getMetadata();
        return meta(m as Record<string, unknown>);
      } catch (err) {
        if (code(err) === 404) return undefined;
        throw err;
      }
    },
    async listBuckets({ labels }) {
      const [buckets] = await storage.getBuckets({ autoPaginate: true });
      return buckets
        .map((b) => meta(b.metadata as Record<string, unknown>))
        .filter((b) => Object.entries(labels).every(([k, v]) => b.labels?.[k] === v));
    },
    async createBucket({ name, location, labels }) {
      const [bucket] = await storage.createBucket(name, { location, labels, iamConfiguration: { uniformBucketLevelAccess: { enabled: true }, publicAccessPrevention: 'enforced' } } as never);
      return meta(bucket.metadata as Record<string, unknown>);
    },
    async setBucketLabels(name, labels) {
      await storage.bucket(name).setMetadata({ labels });
    },
    async deleteBucket(name) {
      await storage.bucket(name).delete();
    },
    async getIamPolicy(bucket) {
      const [policy] = await storage.bucket(bucket).iam.getPolicy({ requestedPolicyVersion: 3 });
      return policy as IamPolicy;
    },
    async setIamPolicy(bucket, policy) {
      await storage.bucket(bucket).iam.setPolicy(policy as never);
    },
    async createObject(bucket, key, body) {
      try {
        await storage.bucket(bucket).file(key).save(body, { contentType: 'application/json', resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
        return true;
      } catch (err) {
        if (code(err) === 412) return false;
        throw err;
      }
    },
    async readObject(bucket, key) {
      try {
        const file = storage.bucket(bucket).file(key);
        const [[body], [m]] = await Promise.all([file.download(), file.getMetadata()]);
        return { body: body.toString('utf8'), generation: String(m.generation) };
      } catch (err) {
        if (code(err) === 404) return undefined;
        throw err;
      }
    },
    async deleteObject(bucket, key, generation) {
      try {
        await storage.bucket(bucket).file(key).delete(generation ? { ifGenerationMatch: generation } : {});
      } catch (err) {
        if (code(err) !== 404 && code(err) !== 412) throw err;
      }
    },
  };
}

/** fetch for the signed upload URL and function URLs; identity tokens from the same credentials. */
function httpClient(auth: InstanceType<typeof import('google-auth-library').GoogleAuth>): HttpApi {
  return {
    async put(url, body, headers) {
      const res = await fetch(url, { method: 'PUT', body, headers });
      return { status: res.status, text: await res.text() };
    },
    async request(url, init) {
      const res = await fetch(url, init);
      return { status: res.status, headers: Object.fromEntries(res.headers.entries()), text: await res.text() };
    },
    async idToken(audience) {
      const client = await auth.getIdTokenClient(audience);
      return client.idTokenProvider.fetchIdToken(audience);
    },
  };
}
