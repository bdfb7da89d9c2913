import { SlsxError } from '../../src/errors/slsx-error.js';
import { unreachable } from '../../src/errors/network.js';

/**
 * Google errors come in two shapes: gax (gRPC status `code`: 5 NOT_FOUND, 6 ALREADY_EXISTS,
 * 7 PERMISSION_DENIED, 8 RESOURCE_EXHAUSTED, 16 UNAUTHENTICATED) and HTTP (`code` or `status`
 * 404, 409, 403, 429, 401). Both are folded into one kind here.
 */
export type GcpErrorKind = 'not-found' | 'conflict' | 'denied' | 'credentials' | 'quota' | 'precondition' | 'other';

/**
 * What google-auth-library says when Application Default Credentials cannot be had: none found,
 * a GOOGLE_APPLICATION_CREDENTIALS file missing or not a credential, a refresh token revoked or
 * needing re-authentication. These errors carry no status code.
 */
const CREDENTIAL_TROUBLE = /Could not load the default credentials|Unable to read the credential file|GOOGLE_APPLICATION_CREDENTIALS|does not contain a client_email|The incoming JSON object does not contain|invalid_grant|invalid_rapt|reauth/i;

export function errorKind(err: unknown): GcpErrorKind {
  const e = (err ?? {}) as { code?: unknown; status?: unknown; response?: { status?: number }; message?: string };
  const code = typeof e.code === 'number' ? e.code : undefined;
  const status = typeof e.status === 'number' ? e.status : e.response?.status;
  const message = String(e.message ?? '');
  if (code === 5 || code === 404 || status === 404) return 'not-found';
  if (code === 6 || code === 409 || status === 409) return 'conflict';
  if (code === 16 || code === 401 || status === 401 || CREDENTIAL_TROUBLE.test(message)) return 'credentials';
  if (code === 7 || code === 403 || status === 403) return 'denied';
  if (code === 8 || code === 429 || status === 429) return 'quota';
  if (code === 9 || code === 10 || code === 412 || status === 412) return 'precondition';
  return 'other';
}

export const isNotFound = (err: unknown): boolean => errorKind(err) === 'not-found';

/** The IAM permission named in a PERMISSION_DENIED message (`Permission 'cloudfunctions.functions.create' denied`). */
export function deniedPermission(message: string): string | undefined {
  return /[Pp]ermission ['"]?([a-z]+\.[a-zA-Z]+\.[a-zA-Z]+)['"]?/.exec(message)?.[1] ?? /\b([a-z]+\.[a-z][a-zA-Z]+\.[a-z][a-zA-Z]+)\b/.exec(message)?.[1];
}

/** Turn a Google error into an SlsxError that says what happened and what to do. `doing` names the call. */
export function mapGcpError(err: unknown, doing: string): SlsxError {
  if (err instanceof SlsxError) return err;
  const message = err instanceof Error ? err.message : String(err);
  switch (errorKind(err)) {
    case 'credentials':
      return new SlsxError('CREDENTIALS', `Google Cloud credentials are missing, expired or invalid (${doing}): ${message}`, {
        hint: 'Use Application Default Credentials: `gcloud auth application-default login`, GOOGLE_APPLICATION_CREDENTIALS pointing at a key or a workload identity federation config (CI), or the metadata server.',
        cause: err,
      });
    case 'denied': {
      const permission = deniedPermission(message);
      return new SlsxError('ACCESS_DENIED', `Google Cloud refused ${doing}${permission ? `: missing permission ${permission}` : ''}. ${message}`, {
        hint: permission ? `Grant a role with ${permission} to the identity deploying, and check the API is enabled (see docs/gcp.md).` : 'See docs/gcp.md for the APIs to enable and the roles sls-x needs.',
        cause: err,
      });
    }
    case 'quota':
      return new SlsxError('QUOTA_EXCEEDED', `A Google Cloud quota or rate limit was hit during ${doing}: ${message}`, {
        hint: 'Run the command again later, or request a higher quota (IAM & Admin > Quotas).',
        cause: err,
      });
    case 'conflict':
      return new SlsxError('RESOURCE_CONFLICT', `Google Cloud reported a conflict during ${doing}: ${message}`, {
        hint: "A resource with that name exists and is not this service and stage's, or is being changed: rename it in the config, or wait and deploy again.",
        cause: err,
      });
    default:
      return unreachable(err, 'Google Cloud', doing, 'SLSX_GCP_ENDPOINT_<API>') ?? new SlsxError('CLOUD_ERROR', `Google Cloud call failed: ${doing}: ${message}`, { cause: err });
  }
}

/** Run a Google call, mapping its errors. */
export async function call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapGcpError(err, doing);
  }
}

/** Run a Google call, answering `undefined` when the thing does not exist. */
export async function callOrMissing<T>(doing: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw mapGcpError(err, doing);
  }
}

/** Delete-style call: "it is not there" is success, so deleting twice is fine. */
export async function ignoreMissing(doing: string, fn: () => Promise<unknown>): Promise<void> {
  await callOrMissing(doing, fn);
}
