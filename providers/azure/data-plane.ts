import { SlsxError } from '../../src/errors/slsx-error.js';
import type { AzureClients } from './clients.js';
import { mapAzureError } from './errors.js';

export interface DataPlaneResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One request to a non-ARM endpoint (the app's Kudu/SCM site, its admin API) with a bearer token
 * for the Resource Manager audience, through the same injected HttpClient the SDKs use, so
 * tests see these requests too. Retries of throttled/5xx calls are the caller's concern.
 */
export async function dataPlaneRequest(
  clients: AzureClients,
  doing: string,
  req: { method: 'GET' | 'POST' | 'PUT'; url: string; body?: Uint8Array | string; contentType?: string; headers?: Record<string, string>; scope?: string },
): Promise<DataPlaneResponse> {
  const p = await import('@azure/core-rest-pipeline');
  const http = clients.httpClient ?? p.createDefaultHttpClient();
  const scope = req.scope ?? `${clients.endpoint}/.default`;
  let token: string;
  try {
    const t = await clients.credential.getToken(scope);
    if (!t) throw new Error('no token returned');
    token = t.token;
  } catch (err) {
    throw mapAzureError(err, doing);
  }
  const headers = p.createHttpHeaders({ authorization: `Bearer ${token}`, ...(req.contentType ? { 'content-type': req.contentType } : {}), ...req.headers });
  const request = p.createPipelineRequest({ url: req.url, method: req.method, headers, body: req.body, allowInsecureConnection: req.url.startsWith('http://') });
  let res;
  try {
    res = await http.sendRequest(request);
  } catch (err) {
    throw new SlsxError('CLOUD_ERROR', `Azure call failed: ${doing}: ${(err as Error).message}`, { cause: err });
  }
  const body = res.bodyAsText ?? '';
  if (res.status === 401 || res.status === 403) {
    throw mapAzureError(Object.assign(new Error(body.slice(0, 300) || `HTTP ${res.status}`), { statusCode: res.status }), doing);
  }
  return { status: res.status, headers: res.headers.toJSON(), body };
}
