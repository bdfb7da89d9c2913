import type { TargetLimits } from '../../src/config/limits-types.js';

const S = 1000;

/**
 * The embedded local cloud: generous limits, so everything that works in a cloud works here.
 * It runs functions on the Node.js that runs sls-x (see the runtime check in the config checks).
 */
export const limits: TargetLimits = {
  target: 'local',
  label: 'local cloud',
  runtimes: { node20: 'ga', node22: 'ga', node24: 'ga' },
  memory: { min: 64, max: 65536 },
  timeout: { maxMs: 24 * 3600 * S },
  architectures: ['arm64', 'x86_64'],
  ephemeralStorage: { min: 1, max: 1_048_576 },
  env: { reserved: [], reservedPrefixes: ['SLSX_'] },
  names: {
    function: { label: 'local function name', max: 128, pattern: /^[A-Za-z0-9_-]+$/, allowed: 'letters, digits, `-` and `_`', physical: (_s, _t, n) => n },
    queue: { label: 'local queue name', max: 128, pattern: /^[A-Za-z0-9_-]+$/, allowed: 'letters, digits, `-` and `_`', physical: (_s, _t, n) => n },
    bucket: { label: 'local bucket folder', max: 255, pattern: /^[A-Za-z0-9._-]+$/, allowed: 'letters, digits, `.`, `-` and `_`', physical: (_s, _t, n) => n },
  },
  queue: {
    batchSizeMax: 10000,
    batchWindowMaxMs: 3600 * S,
    visibilityTimeoutMaxMs: 7 * 24 * 3600 * S,
    retentionMinMs: 1 * S,
    retentionMaxMs: Number.POSITIVE_INFINITY,
    maxRetriesMin: 0,
    maxRetriesMax: 10000,
    deadLetterOptional: true,
  },
  schedule: { rates: 'native', extensions: true, timezones: true },
  storage: { filters: 'native' },
  concurrency: { maxMax: 10000, warmMax: 1000 },
};
