import { CallPool, withMethods, type Rate } from '../../src/core/call-pool.js';
import type { GcpClients } from './clients.js';

/**
 * The rates sls-x paces Google Cloud control-plane calls at (per project), from the published
 * quotas where there is one:
 * - Cloud Functions: reads 5,000 per 100 s, writes 60 per minute
 *   (cloud.google.com/functions/quotas, "API rate limits");
 * - Cloud Logging `entries.list`: 60 per minute (cloud.google.com/logging/quotas);
 * - IAM: reads 6,000 per minute, writes 600 per minute (cloud.google.com/iam/quotas);
 * - Pub/Sub, Cloud Scheduler, Cloud Storage, Cloud Run and Secret Manager policies, Firestore
 *   databases and the project's IAM policy: conservative
 *   defaults well under their per-minute administrator quotas.
 * Google answers an exceeded quota with 429 / RESOURCE_EXHAUSTED, which gax does not retry for
 * these methods: the pool does (exponential backoff with jitter, 5 tries) and halves the pace.
 */
const RATES: Record<string, Rate> = {
  'functions.read': { perSecond: 50, burst: 50 },
  'functions.write': { perSecond: 1, burst: 5 },
  'logging.read': { perSecond: 1, burst: 3 },
  'serviceAccounts.read': { perSecond: 100, burst: 100 },
  'serviceAccounts.write': { perSecond: 10, burst: 10 },
  'http.read': { perSecond: 100, burst: 100 },
  'http.write': { perSecond: 100, burst: 100 },
};
const DEFAULT: Rate = { perSecond: 10, burst: 20 };

export const GCP_CONCURRENCY = 16;

const READ = /^(get|list|pull|test|request)/;
const CALL = /^(get|list|create|update|delete|patch|set|generate|publish|pull|acknowledge|modify|run|put|request|test)/;

/** `gcp:<port>.<method>`, e.g. `gcp:functions.getFunction`. */
export function gcpRate(key: string): Rate {
  const [port, method] = key.replace(/^gcp:/, '').split('.') as [string, string];
  return RATES[`${port}.${READ.test(method) ? 'read' : 'write'}`] ?? DEFAULT;
}

/** RESOURCE_EXHAUSTED (gRPC 8) or HTTP 429, however the client library shaped it. */
export function isGcpThrottled(err: unknown): boolean {
  const e = err as { code?: unknown; status?: unknown; response?: { status?: unknown } } | undefined;
  return e?.code === 8 || e?.code === 429 || e?.status === 429 || e?.response?.status === 429 || e?.status === 'RESOURCE_EXHAUSTED';
}

const PORTS = ['functions', 'run', 'publisher', 'subscriber', 'scheduler', 'storage', 'serviceAccounts', 'secrets', 'accountPolicies', 'projects', 'projectPolicies', 'firestore', 'logging', 'http'] as const;

const pools = new WeakMap<object, { pool: CallPool; clients: GcpClients }>();

/** The clients with every port method going through one bounded, paced, throttle-retrying pool. */
export function pooledClients(raw: GcpClients, sleep?: (ms: number) => Promise<void>): { pool: CallPool; clients: GcpClients } {
  const known = pools.get(raw);
  if (known) return known;
  const pool = new CallPool({
    concurrency: GCP_CONCURRENCY,
    rate: gcpRate,
    isThrottle: isGcpThrottled,
    retry: { attempts: 5, baseMs: 1000, maxMs: 32_000 },
    ...(sleep ? { sleep } : {}),
    trace: !!sleep,
  });
  const clients = { ...raw } as GcpClients;
  const ports = clients as unknown as Record<string, object>;
  for (const port of PORTS) {
    const api = (raw as unknown as Record<string, object | undefined>)[port];
    if (!api) continue;
    ports[port] = withMethods(api, (name, method) =>
      typeof name === 'string' && CALL.test(name) && !/(Async|Stream)$/.test(name) ? (...args: unknown[]) => pool.run(`gcp:${port}.${name}`, async () => method(...args)) : undefined,
    );
  }
  const entry = { pool, clients };
  pools.set(raw, entry);
  pools.set(clients, entry);
  return entry;
}

export function poolOf(clients: GcpClients): CallPool {
  return pooledClients(clients).pool;
}
