import { SlsxError } from '../../src/errors/slsx-error.js';
import type { AzureClients } from './clients.js';
import { mapAzureError } from './errors.js';

/** `azure:data:<loganalytics|scm|app>`: the pool's key (and rate) for a data-plane host. */
export function dataPlaneKey(url: string): string {
  const host = new URL(url).host;
  return `azure:data:${host.startsWith('api.loganalytics') || /loganalytics/.test(host) ? 'loganalytics' : host.includes('.scm.') ? 'scm' : 'app'}`;
}

export interface DataPlaneResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One request to a non-ARM endpoint through the same injected HttpClient the SDKs use, so tests
 * see these requests too. Kudu/SCM and Log Analytics calls carry a bearer token for their
 * audience; calls to the function host itself (`anonymous: true`: the app's routes and its admin
 * API, which takes the host key) carry none, because whatever reaches the host reaches user code,
 * and a Resource Manager token is good for the whole subscription. Retries of throttled/5xx calls
 * are the caller's concern.
 */
export async function dataPlaneRequest(
  clients: AzureClients,
  doing: string,
  req: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; body?: Uint8Array | string; contentType?: string; headers?: Record<string, string>; scope?: string; anonymous?: boolean },
): Promise<DataPlaneResponse> {
  const p = await import('@azure/core-rest-pipeline');
  const http = clients.httpClient ?? p.createDefaultHttpClient();
  const auth: Record<string, string> = {};
  if (!req.anonymous) {
    const scope = req.scope ?? `${clients.endpoint}/.default`;
    try {
      const t = await clients.credential.getToken(scope);
      if (!t) throw new Error('no token returned');
      auth.authorization = `Bearer ${t.token}`;
    } catch (err) {
      throw mapAzureError(err, doing);
    }
  }
  // The caller's headers never carry an Authorization of their own to an anonymous host.
  const extra = Object.fromEntries(Object.entries(req.headers ?? {}).filter(([k]) => !(req.anonymous && k.toLowerCase() === 'authorization')));
  const headers = p.createHttpHeaders({ ...auth, ...(req.contentType ? { 'content-type': req.contentType } : {}), ...extra });
  const request = p.createPipelineRequest({ url: req.url, method: req.method, headers, body: req.body, allowInsecureConnection: req.url.startsWith('http://') });
  let res;
  try {
    // Bounded and paced with the Resource Manager calls (Log Analytics queries: 200 per 30 s per user).
    res = await clients.pool.run(dataPlaneKey(req.url), () => http.sendRequest(request));
  } catch (err) {
    throw new SlsxError('CLOUD_ERROR', `Azure call failed: ${doing}: ${(err as Error).message}`, { cause: err });
  }
  const body = res.bodyAsText ?? '';
  if (!req.anonymous && (res.status === 401 || res.status === 403)) {
    throw mapAzureError(Object.assign(new Error(body.slice(0, 300) || `HTTP ${res.status}`), { statusCode: res.status }), doing);
  }
  return { status: res.status, headers: res.headers.toJSON(), body };
}
