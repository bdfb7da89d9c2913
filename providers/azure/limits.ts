import type { TargetLimits } from '../../src/config/limits-types.js';
import type { FunctionSpec } from '../../src/model/service.js';
import { planAzureTriggers } from '../../templates/shims/common/azure-triggers.js';
import { azureNames } from './naming.js';

const S = 1000;

/**
 * Azure Functions on the Flex Consumption plan (Linux, one Function App per service) with
 * Storage queues, Blob storage and timer triggers, as data.
 * Sources: Flex Consumption (instance memory 512 / 2048 / 4096 MB per app, HTTP requests cut
 * at 230 s by the load balancer, functionTimeout in host.json for the whole app, maximum
 * instance count 1..1000), host.json queues (batchSize max 32, maxDequeueCount, one setting per app; failing
 * messages always go to `<queue>-poison`), timer triggers (6-field NCRONTAB, no rates, time zones
 * via WEBSITE_TIME_ZONE are not supported on Linux), Storage naming (queues and containers 3-63,
 * lowercase, digits, single hyphens).
 */
export const limits: TargetLimits = {
  target: 'azure',
  label: 'Azure Functions (Flex Consumption)',
  runtimes: { node20: 'ga', node22: 'ga', node24: 'preview' },
  memory: { min: 512, max: 4096, sizes: [512, 2048, 4096], perService: true },
  timeout: { maxMs: Number.POSITIVE_INFINITY, httpMaxMs: 230 * S, perService: true },
  architectures: ['x86_64'],
  env: {
    reserved: ['FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION', 'AzureWebJobsStorage', 'AzureWebJobsScriptRoot'],
    reservedPrefixes: ['WEBSITE_', 'FUNCTIONS_', 'AzureWebJobs', 'APPSETTING_', 'SLSX_'],
  },
  names: {
    service: {
      label: 'Function App name',
      min: 2,
      max: 60,
      pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
      allowed: 'lowercase letters, digits and `-`',
      physical: (service, stage) => azureNames(service, stage).app,
    },
    // The Functions host takes ^[a-z][a-z0-9_-]{0,127}$ (case-insensitive) and refuses `host`.
    // A function with several triggers is registered once per trigger, as `<name>-<kind>-<n>`:
    // the longest of those is the name the host must take.
    function: { label: 'function name', max: 127, pattern: /^(?!host$)[a-z][a-z0-9_-]*$/i, allowed: 'letters, digits, `-` and `_`, starting with a letter, not `host`', physical: (_s, _t, name, fn) => registeredName(name, fn) },
    queue: {
      label: 'Storage queue name (with its `-poison`)',
      min: 3,
      max: 63,
      pattern: /^[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]$/,
      allowed: 'lowercase letters, digits and single `-`',
      // Both `<queue>` and `<queue>-poison` must be 3-63: the queue itself is the one a minimum
      // can refuse, its `-poison` the one a maximum can.
      physical: (_s, _t, name) => azureNames(_s, _t).queue(name, name.length >= 3),
    },
    bucket: {
      label: 'Blob container name',
      min: 3,
      max: 63,
      pattern: /^[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]$/,
      allowed: 'lowercase letters, digits and single `-`',
      physical: (_s, _t, name) => azureNames(_s, _t).container(name),
    },
  },
  queue: {
    batchSizeMax: 32,
    batchWindowMaxMs: 0,
    batchPerService: true,
    visibilityTimeoutMaxMs: 7 * 24 * 3600 * S,
    retentionMinMs: 1 * S,
    retentionMaxMs: Number.POSITIVE_INFINITY,
    maxRetriesMin: 0,
    maxRetriesMax: 999,
    retriesPerService: true,
    deadLetterOptional: false,
  },
  schedule: { rates: 'cron', extensions: false, timezones: false },
  storage: { filters: 'native' },
  concurrency: { maxMin: 1, maxMax: 1000, warmMax: 1000 },
  notes: ['Memory, timeout, queue batch size and retries are settings of the Function App, shared by all its functions.'],
};

/** The longest Functions host registration name of a function (its own name when it has one trigger). */
function registeredName(name: string, fn?: FunctionSpec): string {
  if (!fn) return name;
  try {
    return planAzureTriggers(name, fn.events).reduce((longest, t) => (t.name.length > longest.length ? t.name : longest), name);
  } catch {
    return name; // a schedule NCRONTAB cannot express: reported by its own check
  }
}
