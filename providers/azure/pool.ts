import type { PipelinePolicy, PipelineResponse } from '@azure/core-rest-pipeline';
import { CallPool, type Rate } from '../../src/core/call-pool.js';

/**
 * Azure Resource Manager throttles per subscription and region with token buckets: reads 250
 * at once refilled at 25 a second, writes and deletes 200 refilled at 10 a second
 * (learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling,
 * "Migrating to regional throttling and token bucket algorithm"). sls-x paces its calls to the
 * same figures, so a large deploy or observe does not spend the subscription's budget (other
 * tools and people share it) and never hits 429 on its own.
 */
const RATES: Record<string, Rate> = {
  read: { perSecond: 25, burst: 250 },
  write: { perSecond: 10, burst: 200 },
  delete: { perSecond: 10, burst: 200 },
  // Log Analytics query API: 200 requests per 30 s per user (learn.microsoft.com/azure/azure-monitor/service-limits, "Query API").
  'data:loganalytics': { perSecond: 6, burst: 10 },
  'data:scm': { perSecond: 10, burst: 10 },
  'data:app': { perSecond: 100, burst: 100 },
};

export const AZURE_CONCURRENCY = 16;

/** `azure:<read|write|delete>:<Provider/type>`, e.g. `azure:read:Microsoft.Web/sites`. */
export function azureCallKey(method: string, url: string): string {
  const kind = method === 'GET' || method === 'HEAD' ? 'read' : method === 'DELETE' ? 'delete' : /\/list[A-Za-z]*$/.test(new URL(url).pathname) ? 'read' : 'write';
  const parts = new URL(url).pathname.split('/');
  const at = parts.map((p) => p.toLowerCase()).lastIndexOf('providers');
  // A path with no provider segment is a subscription or resource group itself.
  const type = at >= 0 && parts[at + 1] ? `${parts[at + 1]}/${parts[at + 2] ?? ''}` : `Microsoft.Resources/${parts.length > 3 ? 'resourceGroups' : 'subscriptions'}`;
  return `azure:${kind}:${type}`;
}

export function azureRate(key: string): Rate {
  const [, kind = 'write', sub] = key.split(':');
  return (kind === 'data' ? RATES[`data:${sub}`] : RATES[kind]) ?? RATES.write!;
}

class Throttled extends Error {
  constructor(readonly response: PipelineResponse) {
    super('Azure Resource Manager answered 429 Too Many Requests');
  }
}

export function azureCallPool(sleep?: (ms: number) => Promise<void>, trace = false): CallPool {
  return new CallPool({ concurrency: AZURE_CONCURRENCY, rate: azureRate, isThrottle: (err) => err instanceof Throttled, ...(sleep ? { sleep } : {}), trace });
}

/**
 * A pipeline policy that puts each attempt of every SDK request through the pool. It sits after
 * the pipeline's retry phase: the SDK's own retry policy (429 and 5xx, honouring Retry-After)
 * still decides when to try again, and each try is paced and bounded here; a 429 also halves
 * the pace of that kind of call.
 */
export function poolPolicy(pool: CallPool): PipelinePolicy {
  return {
    name: 'slsxCallPool',
    async sendRequest(request, next) {
      try {
        return await pool.run(azureCallKey(request.method, request.url), async () => {
          const res = await next(request);
          if (res.status === 429) throw new Throttled(res);
          return res;
        });
      } catch (err) {
        if (err instanceof Throttled) return err.response;
        throw err;
      }
    },
  };
}
