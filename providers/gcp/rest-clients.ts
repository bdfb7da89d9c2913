import type { IamPolicyApi, ProjectsApi, ServiceAccount, ServiceAccountsApi } from './clients.js';
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
