import type { FirestoreApi, FirestoreDatabase, FirestoreDocument, IamPolicyApi, Operation, ProjectsApi, ServiceAccount, ServiceAccountsApi } from './clients.js';
import { endpointFor } from './endpoints.js';

/** What the REST wrappers need from google-auth-library: an authorized request. */
export interface Requester {
  request<T>(opts: { url: string; method: string; data?: unknown }): Promise<{ data: T }>;
}

const status = (err: unknown): number | undefined => (err as { status?: number; response?: { status?: number } })?.status ?? (err as { response?: { status?: number } })?.response?.status;

async function orMissing<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (err) {
    if (status(err) === 404) return undefined;
    throw err;
  }
}

/**
 * IAM service accounts over REST (iam.googleapis.com v1): no Google client library for Node
 * covers them without the whole `googleapis` package.
 */
export function serviceAccountsRest(auth: Requester, env: NodeJS.ProcessEnv): ServiceAccountsApi {
  const base = `${endpointFor('IAM', env)}/v1`;
  return {
    async listServiceAccounts({ name }) {
      const out: ServiceAccount[] = [];
      let token = '';
      for (let page = 0; page < 100; page++) {
        const res = await auth.request<{ accounts?: ServiceAccount[]; nextPageToken?: string }>({ url: `${base}/${name}/serviceAccounts?pageSize=100${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`, method: 'GET' });
        out.push(...(res.data.accounts ?? []));
        token = res.data.nextPageToken ?? '';
        if (!token) break;
      }
      return out;
    },
    getServiceAccount: ({ name }) => orMissing(async () => (await auth.request<ServiceAccount>({ url: `${base}/${name}`, method: 'GET' })).data),
    async createServiceAccount({ name, accountId, serviceAccount }) {
      return (await auth.request<ServiceAccount>({ url: `${base}/${name}/serviceAccounts`, method: 'POST', data: { accountId, serviceAccount } })).data;
    },
    async patchServiceAccount({ name, serviceAccount, updateMask }) {
      return (await auth.request<ServiceAccount>({ url: `${base}/${name}`, method: 'PATCH', data: { serviceAccount, updateMask } })).data;
    },
    async deleteServiceAccount({ name }) {
      await auth.request({ url: `${base}/${name}`, method: 'DELETE' });
    },
  };
}

/** `getIamPolicy` / `setIamPolicy` of a REST resource (Cloud Run v2 services, Secret Manager v1 secrets). */
export function iamPolicyRest(auth: Requester, baseUrl: string): IamPolicyApi {
  return {
    async getIamPolicy({ resource, options }) {
      // REST: the requested version is the `options.requestedPolicyVersion` query parameter.
      const version = options?.requestedPolicyVersion ? `?options.requestedPolicyVersion=${options.requestedPolicyVersion}` : '';
      return [(await auth.request<Record<string, unknown>>({ url: `${baseUrl}/${resource}:getIamPolicy${version}`, method: 'GET' })).data];
    },
    async setIamPolicy({ resource, policy }) {
      return [(await auth.request<Record<string, unknown>>({ url: `${baseUrl}/${resource}:setIamPolicy`, method: 'POST', data: { policy } })).data];
    },
  };
}

/**
 * `projects.serviceAccounts.getIamPolicy` / `setIamPolicy` (iam.googleapis.com v1): both are
 * POSTs there; getIamPolicy takes no body: the requested version is the
 * `options.requestedPolicyVersion` query parameter (Discovery: iam v1).
 */
export function accountPoliciesRest(auth: Requester, env: NodeJS.ProcessEnv): IamPolicyApi {
  const base = `${endpointFor('IAM', env)}/v1`;
  return {
    async getIamPolicy({ resource, options }) {
      const version = options?.requestedPolicyVersion ? `?options.requestedPolicyVersion=${options.requestedPolicyVersion}` : '';
      return [(await auth.request<Record<string, unknown>>({ url: `${base}/${resource}:getIamPolicy${version}`, method: 'POST' })).data];
    },
    async setIamPolicy({ resource, policy }) {
      return [(await auth.request<Record<string, unknown>>({ url: `${base}/${resource}:setIamPolicy`, method: 'POST', data: { policy } })).data];
    },
  };
}

/** Cloud Resource Manager v3 `projects.get`. */
export function projectsRest(auth: Requester, env: NodeJS.ProcessEnv): ProjectsApi {
  const base = `${endpointFor('RESOURCEMANAGER', env)}/v3`;
  return {
    getProject: ({ name }) => orMissing(async () => (await auth.request<{ name?: string; projectId?: string; state?: string }>({ url: `${base}/${name}`, method: 'GET' })).data),
  };
}

/**
 * The project's IAM policy, Resource Manager v3: `projects.getIamPolicy` and `setIamPolicy` are
 * both POSTs, and the requested version goes in the body (`GetIamPolicyRequest.options`), unlike
 * the GET of Cloud Run, Secret Manager and Pub/Sub (Discovery: cloudresourcemanager v3).
 */
export function projectPoliciesRest(auth: Requester, env: NodeJS.ProcessEnv): IamPolicyApi {
  const base = `${endpointFor('RESOURCEMANAGER', env)}/v3`;
  return {
    async getIamPolicy({ resource, options }) {
      return [(await auth.request<Record<string, unknown>>({ url: `${base}/${resource}:getIamPolicy`, method: 'POST', data: options ? { options } : {} })).data];
    },
    async setIamPolicy({ resource, policy }) {
      return [(await auth.request<Record<string, unknown>>({ url: `${base}/${resource}:setIamPolicy`, method: 'POST', data: { policy } })).data];
    },
  };
}

interface LongRunning {
  name?: string;
  done?: boolean;
  error?: { code?: number; message?: string };
  response?: unknown;
}

/**
 * A google.longrunning.Operation awaited like gax's: `promise()` reads it again
 * (`GET v1/{name}`, Firestore's `projects.databases.operations.get`) until it is done, with
 * growing pauses (0.5 s doubling to 10 s, at most about 15 minutes in all); a failed operation
 * rejects with its status code (6 ALREADY_EXISTS, 9 FAILED_PRECONDITION, ...) as gax does.
 */
export function pollOperation<T>(auth: Requester, base: string, first: LongRunning, sleep: (ms: number) => Promise<void>): Operation<T> {
  return {
    name: first.name ?? null,
    async promise() {
      let op = first;
      let pause = 500;
      for (let waited = 0; !op.done; waited += pause, pause = Math.min(pause * 2, 10_000)) {
        if (!op.name) throw new Error('Firestore returned a long-running operation without a name');
        if (waited > 15 * 60_000) throw new Error(`operation ${op.name} did not finish in 15 minutes`);
        await sleep(pause);
        op = (await auth.request<LongRunning>({ url: `${base}/${op.name}`, method: 'GET' })).data;
      }
      if (op.error) throw Object.assign(new Error(op.error.message ?? `operation ${op.name} failed`), { code: op.error.code });
      return [op.response as T];
    },
  };
}

const segment = (s: string): string => encodeURIComponent(s);

/** Firestore v1 over REST (no Firestore client library is a dependency of sls-x). */
export function firestoreRest(auth: Requester, env: NodeJS.ProcessEnv, sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))): FirestoreApi {
  const base = `${endpointFor('FIRESTORE', env)}/v1`;
  return {
    getDatabase: ({ name }) => orMissing(async () => (await auth.request<FirestoreDatabase>({ url: `${base}/${name}`, method: 'GET' })).data),
    async createDatabase({ parent, databaseId, database }) {
      const op = (await auth.request<LongRunning>({ url: `${base}/${parent}/databases?databaseId=${segment(databaseId)}`, method: 'POST', data: database })).data;
      return [pollOperation<FirestoreDatabase>(auth, base, op, sleep)];
    },
    async deleteDatabase({ name }) {
      const op = (await auth.request<LongRunning>({ url: `${base}/${name}`, method: 'DELETE' })).data;
      return [pollOperation(auth, base, op, sleep)];
    },
    getDocument: ({ name }) => orMissing(async () => (await auth.request<FirestoreDocument>({ url: `${base}/${name}`, method: 'GET' })).data),
    async createDocument({ parent, collectionId, documentId, document }) {
      return (await auth.request<FirestoreDocument>({ url: `${base}/${parent}/${segment(collectionId)}?documentId=${segment(documentId)}`, method: 'POST', data: document })).data;
    },
    async listCollectionIds({ parent, pageSize }) {
      return (await auth.request<{ collectionIds?: string[]; nextPageToken?: string }>({ url: `${base}/${parent}:listCollectionIds`, method: 'POST', data: pageSize ? { pageSize } : {} })).data;
    },
  };
}
