import type { TargetLimits } from '../../src/config/limits-types.js';

const S = 1000;
const prefixed = (service: string, stage: string, name: string) => `${service}-${stage}-${name}`;

/**
 * AWS Lambda + API Gateway HTTP API + SQS + S3 + EventBridge Scheduler, as data.
 * Sources: Lambda quotas (memory 128-10240 MB, timeout 900 s, env 4 KB, /tmp 512-10240 MB,
 * names 64), API Gateway HTTP API (30 s integration timeout), SQS (batch 1-10000, >10 needs a
 * batching window, window <= 300 s, visibility <= 12 h, retention 60 s-14 d, maxReceiveCount
 * 1-1000, names 80), S3 bucket naming (3-63, lowercase, no `xn--` prefix, no `-s3alias` or
 * `--ol-s3` suffix), EventBridge Scheduler (cron with
 * `?` and L/W/#, rates, time zones).
 */
export const limits: TargetLimits = {
  target: 'aws',
  label: 'AWS Lambda',
  runtimes: { node20: 'ga', node22: 'ga', node24: 'ga' },
  memory: { min: 128, max: 10240 },
  timeout: { maxMs: 900 * S, httpMaxMs: 30 * S },
  architectures: ['arm64', 'x86_64'],
  ephemeralStorage: { min: 512, max: 10240 },
  env: {
    maxBytes: 4096,
    reserved: [
      '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
      'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
      'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
      'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
    ],
    reservedPrefixes: ['SLSX_'],
  },
  names: {
    function: { label: 'Lambda function name', max: 64, pattern: /^[A-Za-z0-9_-]+$/, allowed: 'letters, digits, `-` and `_`', physical: prefixed },
    queue: {
      label: 'SQS queue name (with its `-dlq`)',
      max: 80,
      pattern: /^[A-Za-z0-9_-]+$/,
      allowed: 'letters, digits, `-` and `_`',
      physical: (service, stage, name) => `${service}-${stage}-${name}-dlq`,
    },
    bucket: {
      label: 'S3 bucket name',
      min: 3,
      max: 63,
      pattern: /^(?!xn--)(?!.*\.\.)(?!.*-s3alias$)(?!.*--ol-s3$)[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
      allowed: 'lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit',
      physical: prefixed,
    },
  },
  queue: {
    batchSizeMax: 10000,
    batchSizeNeedsWindowAbove: 10,
    batchWindowMaxMs: 300 * S,
    visibilityTimeoutMaxMs: 43200 * S,
    retentionMinMs: 60 * S,
    retentionMaxMs: 1209600 * S,
    maxRetriesMin: 0,
    maxRetriesMax: 999,
    deadLetterOptional: true,
    visibilityCoversTimeout: true,
  },
  schedule: { rates: 'native', extensions: true, domOrDow: true, timezones: true },
  storage: { filters: 'native', noOverlap: true },
  concurrency: { maxMax: 900, warmMax: 900 },
  notes: ['The default account concurrency quota is 1000, of which 100 must stay unreserved.'],
};
