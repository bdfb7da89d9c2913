import { SlsxError } from '../../src/errors/slsx-error.js';
import { unreachable } from '../../src/errors/network.js';

/** HTTP status of an Azure SDK RestError, when it has one. */
export function azureStatus(err: unknown): number | undefined {
  return (err as { statusCode?: number })?.statusCode;
}

/** The ARM error code (`ResourceNotFound`, `AuthorizationFailed`, ...) of an SDK error. */
export function azureCode(err: unknown): string {
  return String((err as { code?: string })?.code ?? '');
}

export function isNotFound(err: unknown): boolean {
  return azureStatus(err) === 404 || /NotFound$/.test(azureCode(err));
}

const CREDENTIALS = ['CredentialUnavailableError', 'AuthenticationError', 'AggregateAuthenticationError', 'ExpiredAuthenticationToken', 'InvalidAuthenticationToken', 'InvalidAuthenticationTokenTenant'];

/** The action named in an AuthorizationFailed message (`... perform action 'Microsoft.Web/sites/write' ...`). */
export function deniedAction(message: string): string | undefined {
  return /action '([^']+)'/.exec(message)?.[1];
}

/** Turn an SDK or identity error into an SlsxError saying what happened and what to do. */
export function mapAzureError(err: unknown, doing: string): SlsxError {
  if (err instanceof SlsxError) return err;
  const name = (err as { name?: string })?.name ?? '';
  const code = azureCode(err);
  const status = azureStatus(err);
  const message = err instanceof Error ? err.message : String(err);
  if (CREDENTIALS.includes(name) || CREDENTIALS.includes(code) || status === 401) {
    return new SlsxError('CREDENTIALS', `Azure credentials are missing, expired or invalid (${doing}): ${message}`, {
      hint: 'Log in with `az login`, or set AZURE_CLIENT_ID + AZURE_TENANT_ID + AZURE_CLIENT_SECRET, or AZURE_FEDERATED_TOKEN_FILE for workload identity (CI OIDC).',
      cause: err,
    });
  }
  if (code === 'AuthorizationFailed' || code === 'LinkedAuthorizationFailed' || status === 403) {
    const action = deniedAction(message);
    return new SlsxError('ACCESS_DENIED', `Azure refused ${doing}${action ? `: missing permission ${action}` : ''}. ${message}`, {
      hint: action ? `Grant ${action} to the identity deploying (see docs/azure.md for the roles sls-x needs).` : 'See docs/azure.md for the roles sls-x needs.',
      cause: err,
    });
  }
  if (status === 429 || /Quota|LimitExceeded|TooMany/i.test(code)) {
    return new SlsxError('QUOTA_EXCEEDED', `An Azure limit or quota was hit during ${doing}: ${message}`, {
      hint: 'Run the command again later, or request a higher quota for the subscription.',
      cause: err,
    });
  }
  if (status === 409 || /Conflict|AlreadyExists|InUse|Taken/i.test(code)) {
    return new SlsxError('RESOURCE_CONFLICT', `Azure reported a conflict during ${doing}: ${message}`, {
      hint: 'A resource with that name exists and is not this service and stage\'s, or is busy: rename it, or wait and deploy again.',
      cause: err,
    });
  }
  const offline = unreachable(err, 'Azure', doing, 'AZURE_RESOURCE_MANAGER_ENDPOINT, AZURE_AUTHORITY_HOST');
  if (offline) return offline;
  return new SlsxError('CLOUD_ERROR', `Azure call failed: ${doing}: ${code ? `${code}: ` : ''}${message}`, { cause: err });
}

export async function call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapAzureError(err, doing);
  }
}

/** Run a call, answering `undefined` when the thing does not exist. */
export async function callOrMissing<T>(doing: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw mapAzureError(err, doing);
  }
}

/** Collect an SDK paged iterator (bounded). */
export async function all<T>(doing: string, iter: AsyncIterable<T>, max = 10_000): Promise<T[]> {
  return call(doing, async () => {
    const out: T[] = [];
    for await (const item of iter) {
      out.push(item);
      if (out.length >= max) break;
    }
    return out;
  });
}

/** Collect a paged list, answering none when what it lists under does not exist (a scope that is gone). */
export async function allOrMissing<T>(doing: string, list: () => AsyncIterable<T>, max = 10_000): Promise<T[]> {
  try {
    const out: T[] = [];
    for await (const item of list()) {
      out.push(item);
      if (out.length >= max) break;
    }
    return out;
  } catch (err) {
    if (isNotFound(err)) return [];
    throw mapAzureError(err, doing);
  }
}
