import { limit, rate, type GcpCatalog } from './catalog.js';
import { allocateProRata, ceilTo, MB_PER_GB, MS_PER_S, PER_MILLION } from './money.js';
import { line } from './line.js';
import type { CostProfile } from './profile.js';
import type { LineItem } from './result.js';

/** The vCPU paired with a memory size by default: the row of the smallest memory >= it. */
export function gcpVcpu(memoryMb: number, cat: GcpCatalog): number | undefined {
  return [...cat.tables.memoryToCpu.rows].sort((a, b) => a.memoryMb - b.memoryMb).find((r) => r.memoryMb >= memoryMb)?.vcpu;
}

/**
 * GCP Cloud Run functions with request-based billing (docs/cost.md#gcp-cloud-run-functions):
 * billable instance time, rounded up to 100 ms and including start-up on a cold request, is
 * priced per vCPU-s (vCPU from the memory-to-CPU table) plus per GiB-s of memory, and requests
 * per million. With concurrency > 1, requests in flight on one instance share its billed time
 * (same sharing model as Azure Flex). The billing account's free tier (180,000 vCPU-s,
 * 360,000 GiB-s, 2M requests) is split across functions in proportion to their usage. Minimum
 * instances bill the time they are idle at the idle rates.
 */
export function estimateGcp(profiles: CostProfile[], cat: GcpCatalog, opts: { freeTier: boolean; secondsPerMonth: number }): Map<string, LineItem[]> {
  const step = rate(cat, 'granularityMs');
  const usage = profiles.map((p) => {
    const vcpu = gcpVcpu(p.memoryMb, cat)!;
    const gib = p.memoryMb / MB_PER_GB;
    const warmMs = ceilTo(p.durationMs, step);
    const coldMs = ceilTo(p.initMs + p.durationMs, step);
    const avgMs = (1 - p.coldStartRate) * warmMs + p.coldStartRate * coldMs;
    const concurrency = p.perInstanceConcurrency ?? limit(cat, 'defaultConcurrencyPerInstance');
    const inFlight = (p.requestsPerMonth / opts.secondsPerMonth) * (avgMs / MS_PER_S);
    const sharing = Math.min(concurrency, Math.max(1, inFlight));
    const activeSeconds = (p.requestsPerMonth * avgMs) / MS_PER_S / sharing;
    const minInstanceSeconds = p.warm * opts.secondsPerMonth;
    const idleSeconds = Math.max(0, minInstanceSeconds - Math.min(activeSeconds, minInstanceSeconds));
    return { p, vcpu, gib, vcpuS: vcpu * activeSeconds, gibS: gib * activeSeconds, idleSeconds };
  });
  const free = opts.freeTier;
  const freeCpu = allocateProRata(free ? rate(cat, 'freeVcpuS') : 0, usage.map((u) => u.vcpuS));
  const freeMem = allocateProRata(free ? rate(cat, 'freeGibS') : 0, usage.map((u) => u.gibS));
  const freeReq = allocateProRata(free ? rate(cat, 'freeRequests') : 0, usage.map((u) => u.p.requestsPerMonth));

  const out = new Map<string, LineItem[]>();
  usage.forEach((u, i) => {
    const reqRate = rate(cat, 'requestsPerMillion') / PER_MILLION;
    const cpuRate = rate(cat, 'cpuPerVcpuS');
    const memRate = rate(cat, 'memoryPerGibS');
    const items: LineItem[] = [
      line('requests', 'requests', {
        quantity: u.p.requestsPerMonth - freeReq[i],
        unit: 'requests',
        exact: (u.p.requestsPerMonth - freeReq[i]) * reqRate,
        freeQuantity: freeReq[i],
        freeValue: freeReq[i] * reqRate,
        rates: ['gcp.requestsPerMillion', 'gcp.freeRequests'],
      }),
      line('compute', `${u.vcpu} vCPU + ${u.gib} GiB`, {
        quantity: u.vcpuS - freeCpu[i] + (u.gibS - freeMem[i]),
        unit: 'vCPU-s + GiB-s',
        exact: (u.vcpuS - freeCpu[i]) * cpuRate + (u.gibS - freeMem[i]) * memRate,
        freeQuantity: freeCpu[i] + freeMem[i],
        freeValue: freeCpu[i] * cpuRate + freeMem[i] * memRate,
        rates: ['gcp.cpuPerVcpuS', 'gcp.memoryPerGibS', 'gcp.freeVcpuS', 'gcp.freeGibS', 'gcp.granularityMs'],
      }),
    ];
    if (u.p.warm > 0) {
      const idle = u.idleSeconds * (u.vcpu * rate(cat, 'idleCpuPerVcpuS') + u.gib * rate(cat, 'idleMemoryPerGibS'));
      items.push(
        line('warm', `min instances ${u.p.warm} (idle)`, {
          quantity: u.idleSeconds,
          unit: 'instance-s idle',
          exact: idle,
          rates: ['gcp.idleCpuPerVcpuS', 'gcp.idleMemoryPerGibS'],
        }),
      );
    }
    out.set(u.p.function, items);
  });
  return out;
}

/** Why Cloud Run functions cannot run this profile, or undefined. */
export function gcpUnavailable(p: CostProfile, cat: GcpCatalog): string | undefined {
  const min = limit(cat, 'memoryMinMb');
  const max = limit(cat, 'memoryMaxMb');
  if (p.memoryMb < min || p.memoryMb > max) return `GCP Cloud Run functions give ${min}-${max} MiB; ${p.memoryMb} MB is out of range`;
  const timeout = p.events.http ? limit(cat, 'httpTimeoutMaxSeconds') : limit(cat, 'eventTimeoutMaxSeconds');
  if (p.durationMs > timeout * MS_PER_S) return `GCP ${p.events.http ? 'HTTP' : 'event-driven'} functions run at most ${timeout} s`;
  if ((p.perInstanceConcurrency ?? 0) > limit(cat, 'maxConcurrencyPerInstance')) return `GCP takes at most ${limit(cat, 'maxConcurrencyPerInstance')} concurrent requests per instance`;
  return undefined;
}
