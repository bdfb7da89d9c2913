import type { TargetLimits } from '../../src/config/limits-types.js';
import { fullBucketName, names } from './naming.js';

const S = 1000;
const prefixed = (service: string, stage: string, name: string) => `${service}-${stage}-${name}`;

/**
 * Google Cloud Functions 2nd gen (Cloud Run functions) with Pub/Sub, Cloud Storage (Eventarc)
 * and Cloud Scheduler, as data.
 * Sources: memory 128 MiB-32 GiB; timeout 60 min for HTTP, 9 min for event-driven functions;
 * names 63 lowercase; Pub/Sub push delivers one message per request, ack deadline 10-600 s,
 * subscription retention 10 min-31 days, dead-lettering needs 5-100 delivery attempts; Cloud Scheduler takes
 * Unix cron and time zones but no rates; Eventarc Cloud Storage triggers filter by bucket only.
 */
export const limits: TargetLimits = {
  target: 'gcp',
  label: 'Google Cloud Functions (2nd gen)',
  runtimes: { node20: 'ga', node22: 'ga', node24: 'ga' },
  memory: { min: 128, max: 32768 },
  timeout: { maxMs: 3600 * S, httpMaxMs: 3600 * S, eventMaxMs: 540 * S },
  architectures: ['x86_64'],
  env: {
    reserved: ['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION', 'FUNCTION_TARGET', 'FUNCTION_SIGNATURE_TYPE'],
    reservedPrefixes: ['X_GOOGLE_', 'SLSX_'],
  },
  names: {
    function: {
      label: 'Cloud Functions name',
      max: 63,
      pattern: /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/,
      allowed: 'lowercase letters, digits and `-`, starting with a letter',
      // Checked unshortened: a function name over 63 characters is an error, not silently hashed.
      physical: prefixed,
    },
    queue: {
      label: 'Pub/Sub topic name',
      min: 3,
      max: 255,
      pattern: /^(?!goog)[A-Za-z][A-Za-z0-9._~+%-]*$/,
      allowed: 'letters, digits and `-._~+%`, starting with a letter and not with `goog`',
      // The longest topic sls-x makes for a queue: its dead-letter topic.
      physical: (service, stage, name) => names(service, stage).topicName(name, true),
    },
    bucket: {
      label: 'Cloud Storage bucket name',
      min: 3,
      max: 63,
      pattern: /^(?!goog)(?!.*google)[a-z0-9][a-z0-9_.-]*[a-z0-9]$/,
      allowed: 'lowercase letters, digits, `-`, `_` and `.`, not containing `google`',
      // Bucket names are global: `<service>-<stage>-<bucket>-<hash>` (naming.ts).
      physical: fullBucketName,
    },
  },
  queue: {
    batchSizeMax: 1000,
    batchWindowMaxMs: 0,
    singleMessage: true,
    visibilityTimeoutMaxMs: 600 * S,
    retentionMinMs: 600 * S,
    retentionMaxMs: 31 * 24 * 3600 * S,
    maxRetriesMin: 4,
    maxRetriesMax: 99,
    deadLetterOptional: true,
  },
  schedule: { rates: 'cron', extensions: false, timezones: true },
  storage: { filters: 'in-function' },
  concurrency: { maxMax: 1000, warmMax: 1000 },
};
