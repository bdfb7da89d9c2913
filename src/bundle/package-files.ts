import type { FunctionSpec, QueueSpec, Service } from '../model/service.js';

/** Extra (non-bundled) files of an artifact, keyed by path inside the zip. */
export type ExtraFiles = Record<string, string>;

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

/**
 * gcp: Cloud Functions starts `functions-framework --target=<name>` from the package's
 * `main`; the framework is a dependency the platform installs (see TargetProfile.external).
 */
export function gcpPackageFiles(service: Service, fn: FunctionSpec, frameworkRange: string): ExtraFiles {
  return {
    'package.json': json({
      name: `${service.service}-${fn.name}`.toLowerCase(),
      version: '1.0.0',
      private: true,
      type: 'module',
      main: 'index.mjs',
      engines: { node: fn.runtime.replace('node', '') },
      dependencies: { '@google-cloud/functions-framework': frameworkRange },
    }),
  };
}

/** `hh:mm:ss` as host.json wants it. */
export function hostTimeSpan(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}

export interface AzureHostResult {
  files: ExtraFiles;
  /** Settings the Function App applies to every queue although the config asked differently per queue. */
  warnings: string[];
}

/**
 * The host settings of the one azure Function App that come from the config: the function
 * timeout and the queue settings. Queue settings are app-wide, so when queues disagree the
 * strictest reading is taken and a warning says so. Retries of queue messages are the storage
 * queue's own (maxDequeueCount, then `<queue>-poison`, with visibilityTimeout as the delay
 * between attempts); a host-level `retry` section is not written, because in Functions v4 it
 * does not apply to queue triggers and would only multiply attempts where it does.
 *
 * They are not written into host.json (the package) but set as app settings that override it
 * (`AzureFunctionsJobHost__functionTimeout`, `AzureFunctionsJobHost__extensions__queues__batchSize`,
 * ...: https://learn.microsoft.com/azure/azure-functions/functions-host-json#override-hostjson-values),
 * so a timeout or batch size change is a settings update and the package stays byte for byte.
 */
export function azureHostSettings(service: Service, functions: FunctionSpec[]): { settings: Record<string, string>; warnings: string[] } {
  const warnings: string[] = [];
  const settings: Record<string, string> = {};
  const prefix = 'AzureFunctionsJobHost__';
  if (functions.length > 0) settings[`${prefix}functionTimeout`] = hostTimeSpan(Math.max(...functions.map((f) => f.timeoutMs)));
  const usedQueues = new Set<string>();
  const batchSizes: number[] = [];
  for (const fn of functions) {
    for (const ev of fn.events) {
      if (ev.kind === 'queue') {
        usedQueues.add(ev.queue);
        batchSizes.push(ev.batchSize);
      }
    }
  }
  const queues: QueueSpec[] = service.queues.filter((q) => usedQueues.has(q.name));
  if (queues.length > 0) {
    const dequeue = [...new Set(queues.map((q) => q.maxRetries + 1))];
    const visibility = [...new Set(queues.map((q) => q.visibilityTimeoutMs))];
    const batches = [...new Set(batchSizes)];
    const maxDequeueCount = Math.max(...dequeue);
    // Azure storage queues fetch at most 32 messages per batch.
    const batchSize = Math.min(32, Math.max(...batches));
    if (dequeue.length > 1) warnings.push(`azure: queues ask for different maxRetries; the Function App uses one maxDequeueCount (${maxDequeueCount}) for all of them.`);
    if (batches.length > 1) warnings.push(`azure: queue events ask for different batch sizes; the Function App uses one batchSize (${batchSize}) for all of them.`);
    if (Math.max(...batches) > 32) warnings.push(`azure: storage queues deliver at most 32 messages per batch; batchSize ${Math.max(...batches)} becomes 32.`);
    if (visibility.length > 1) warnings.push(`azure: queues ask for different visibility timeouts; the Function App uses one (${hostTimeSpan(Math.max(...visibility))}) as the delay between attempts.`);
    settings[`${prefix}extensions__queues__maxDequeueCount`] = String(maxDequeueCount);
    settings[`${prefix}extensions__queues__batchSize`] = String(batchSize);
    settings[`${prefix}extensions__queues__visibilityTimeout`] = hostTimeSpan(Math.max(...visibility));
  }
  return { settings, warnings };
}

/**
 * host.json and package.json of the one azure Function App: only what does not come from the
 * config (the config's host settings are app settings: `azureHostSettings`). The warnings about
 * app-wide settings are returned here too, so `package` shows them.
 */
export function azureAppFiles(service: Service, functions: FunctionSpec[]): AzureHostResult {
  const { warnings } = azureHostSettings(service, functions);
  const host: Record<string, unknown> = {
    version: '2.0',
    extensionBundle: { id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' },
    logging: { logLevel: { default: 'Information' } },
  };
  const pkg = {
    name: service.service,
    version: '1.0.0',
    private: true,
    type: 'module',
    main: 'index.mjs',
    dependencies: {},
  };
  return { files: { 'host.json': json(host), 'package.json': json(pkg) }, warnings };
}
