import { SlsxError } from '../../src/errors/slsx-error.js';
import { ERROR_CODES, type ErrorCode } from '../../src/errors/codes.js';
import type { CloudInfo } from './daemon/server.js';

/** The control API of a running local cloud (JSON over HTTP on 127.0.0.1, token in a header). */
export interface ControlClient {
  readonly info: CloudInfo;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
}

/** Build the control client of a running local cloud; tests may pass their own to the adapter. */
export function controlClient(info: CloudInfo, fetchImpl: typeof fetch = fetch): ControlClient {
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await fetchImpl(`http://127.0.0.1:${info.port}/_slsx/${path}`, {
        method,
        headers: { 'x-slsx-token': info.token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new SlsxError('LOCAL_CLOUD', `The local cloud (pid ${info.pid}, port ${info.port}) did not answer: ${(err as Error).message}.`, {
        hint: 'Run `sls-x deploy` to start it again; its log is .sls-x/local/cloud.log.',
        cause: err,
      });
    }
    const text = await res.text();
    let value: unknown;
    try {
      value = text ? JSON.parse(text) : {};
    } catch {
      throw new SlsxError('LOCAL_CLOUD', `The local cloud answered ${res.status} with something that is not JSON.`, { hint: 'See .sls-x/local/cloud.log.' });
    }
    if (!res.ok) {
      const e = (value as { error?: { code?: string; message?: string; hint?: string } }).error ?? {};
      const code = (e.code && e.code in ERROR_CODES ? e.code : 'LOCAL_CLOUD') as ErrorCode;
      throw new SlsxError(code, e.message ?? `local cloud answered ${res.status}`, { hint: e.hint });
    }
    return value as T;
  };
  return { info, get: (path) => call('GET', path), post: (path, body) => call('POST', path, body ?? {}) };
}
