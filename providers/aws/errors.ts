import { SlsxError } from '../../src/errors/slsx-error.js';
import { unreachable } from '../../src/errors/network.js';

/** The error name (`ResourceNotFoundException`) of an SDK error, or ''. */
export function awsErrorName(err: unknown): string {
  if (!err || typeof err !== 'object') return '';
  const e = err as { name?: string; Code?: string; code?: string };
  return e.name ?? e.Code ?? e.code ?? '';
}

/** True when `err` is an SDK error with one of `names`. */
export function isAwsError(err: unknown, ...names: string[]): boolean {
  const name = awsErrorName(err);
  return names.includes(name);
}

/** HTTP status of an SDK error, when it has one. */
export function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

const NOT_FOUND = ['ResourceNotFoundException', 'NoSuchEntity', 'NoSuchEntityException', 'NotFoundException', 'NotFound', 'NoSuchBucket', 'AWS.SimpleQueueService.NonExistentQueue', 'QueueDoesNotExist', 'NoSuchKey'];

export function isNotFound(err: unknown): boolean {
  return isAwsError(err, ...NOT_FOUND) || httpStatus(err) === 404;
}

const CREDENTIALS = ['CredentialsProviderError', 'ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'InvalidSignatureException', 'TokenRefreshRequired', 'InvalidAccessKeyId'];
const DENIED = ['AccessDenied', 'AccessDeniedException', 'AuthorizationError', 'UnauthorizedOperation', 'Forbidden'];
const THROTTLED = ['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown', 'ProvisionedThroughputExceededException'];
/** True when AWS answered "slow down" (the SDK's retries, if any, already spent). */
export function isThrottled(err: unknown): boolean {
  return THROTTLED.includes(awsErrorName(err)) || httpStatus(err) === 429;
}
const QUOTA = ['LimitExceeded', 'LimitExceededException', 'ServiceQuotaExceededException', 'CodeStorageExceededException', 'TooManyBuckets', 'OverLimit'];
const CONFLICT = ['ResourceConflictException', 'EntityAlreadyExists', 'EntityAlreadyExistsException', 'BucketAlreadyExists', 'ConflictException', 'QueueAlreadyExists', 'QueueNameExists', 'ResourceInUseException'];

/** The IAM action named in an AccessDenied message (`... not authorized to perform: lambda:CreateFunction on ...`). */
export function deniedAction(message: string): string | undefined {
  return /perform:\s*([A-Za-z0-9-]+:[A-Za-z0-9*]+)/.exec(message)?.[1] ?? /\b([a-z0-9-]+:[A-Z][A-Za-z0-9]+)\b/.exec(message)?.[1];
}

/**
 * Turn an SDK error into an SlsxError that says what happened and what to do. `doing` names
 * the call, e.g. `CreateFunction shop-dev-api`. Errors that are already SlsxErrors pass through.
 */
export function mapAwsError(err: unknown, doing: string): SlsxError {
  if (err instanceof SlsxError) return err;
  const name = awsErrorName(err);
  const message = err instanceof Error ? err.message : String(err);
  if (CREDENTIALS.includes(name) || /Could not load credentials|credential.*expired|token.*expired/i.test(message)) {
    return new SlsxError('CREDENTIALS', `AWS credentials are missing, expired or invalid (${doing}): ${message}`, {
      hint: 'Configure credentials the standard way: AWS_PROFILE (run `aws sso login` for SSO profiles), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE) in CI.',
      cause: err,
    });
  }
  if (DENIED.includes(name) || httpStatus(err) === 403) {
    const action = deniedAction(message);
    return new SlsxError('ACCESS_DENIED', `AWS refused ${doing}${action ? `: missing permission ${action}` : ''}. ${message}`, {
      hint: action ? `Grant ${action} to the identity deploying (see docs/aws.md for the full list).` : 'See docs/aws.md for the permissions sls-x needs.',
      cause: err,
    });
  }
  if (THROTTLED.includes(name)) {
    return new SlsxError('QUOTA_EXCEEDED', `AWS kept throttling ${doing} after retries: ${message}`, {
      hint: 'Run the command again later, or raise the retry budget with AWS_MAX_ATTEMPTS=10.',
      cause: err,
    });
  }
  if (QUOTA.includes(name) || /quota|limit exceeded/i.test(message)) {
    return new SlsxError('QUOTA_EXCEEDED', `An AWS quota was hit during ${doing}: ${message}`, {
      hint: 'Free the resource (e.g. old function versions) or request a higher quota in Service Quotas.',
      cause: err,
    });
  }
  if (CONFLICT.includes(name)) {
    return new SlsxError('RESOURCE_CONFLICT', `AWS reported a conflict during ${doing}: ${message}`, {
      hint: 'A resource with that name exists and is not this service and stage\'s, or is busy: rename it in the config, or wait and deploy again.',
      cause: err,
    });
  }
  const offline = unreachable(err, 'AWS', doing, 'AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>');
  if (offline) return offline;
  return new SlsxError('CLOUD_ERROR', `AWS call failed: ${doing}: ${name ? `${name}: ` : ''}${message}`, { cause: err });
}

/** Run an AWS call, mapping its errors. */
export async function call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapAwsError(err, doing);
  }
}

/** Run an AWS call, answering `undefined` when the thing does not exist. */
export async function callOrMissing<T>(doing: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw mapAwsError(err, doing);
  }
}
