import type { Architecture } from '../model/service.js';
import { limit, rate, type AwsCatalog } from './catalog.js';
import { allocateProRata, ceilTo, MB_PER_GB, MS_PER_S, PER_MILLION, tieredCost } from './money.js';
import { line } from './line.js';
import type { CostProfile } from './profile.js';
import type { LineItem } from './result.js';

export interface AwsOptions {
  /** Force every function onto one architecture (the `AWS x86` / `AWS arm64` options); default: each profile's own. */
  arch?: Architecture;
  freeTier: boolean;
  secondsPerMonth: number;
}

interface Usage {
  p: CostProfile;
  arch: Architecture;
  gb: number;
  /** On-demand GB-s (INIT included for cold invocations). */
  odGbS: number;
  /** Invocations served by provisioned concurrency. */
  pcInvocations: number;
  pcDurationGbS: number;
  pcEnabledGbS: number;
  billedSeconds: number;
  freeEligible: boolean;
}

/**
 * AWS Lambda for a set of functions of one account and region. Rules (docs/cost.md#aws-lambda):
 * duration rounded up to 1 ms with no minimum; a cold invocation bills memory x (init +
 * duration); on-demand duration is priced in tiers on the month's total GB-s of each
 * architecture; the free tier (1M requests, 400,000 GB-s) is shared by every function of the
 * account except those with provisioned concurrency, and split across them in proportion to
 * their usage; provisioned concurrency bills its enabled time and the duration it serves, and
 * traffic beyond it spills over to on-demand; ephemeral storage above the included 512 MB is
 * billed per GB-s of duration.
 */
export function estimateAws(profiles: CostProfile[], cat: AwsCatalog, opts: AwsOptions): Map<string, LineItem[]> {
  const step = rate(cat, 'durationGranularityMs');
  const usages: Usage[] = profiles.map((p) => {
    const arch = opts.arch ?? p.architecture;
    const gb = p.memoryMb / MB_PER_GB;
    const avgConcurrency = (p.requestsPerMonth / opts.secondsPerMonth) * (p.durationMs / MS_PER_S);
    // Provisioned concurrency serves up to `warm` concurrent executions; the rest spills over.
    const pcShare = p.warm <= 0 ? 0 : avgConcurrency <= p.warm ? 1 : p.warm / avgConcurrency;
    const pcInvocations = p.requestsPerMonth * pcShare;
    const od = p.requestsPerMonth - pcInvocations;
    const warmMs = ceilTo(p.durationMs, step);
    const coldMs = ceilTo(p.initMs + p.durationMs, step);
    const odCold = od * p.coldStartRate;
    const odMs = (od - odCold) * warmMs + odCold * coldMs;
    const pcMs = pcInvocations * warmMs;
    const enabledSeconds = ceilTo(opts.secondsPerMonth, rate(cat, 'pcEnabledGranularitySeconds'));
    return {
      p,
      arch,
      gb,
      odGbS: (gb * odMs) / MS_PER_S,
      pcInvocations,
      pcDurationGbS: (gb * pcMs) / MS_PER_S,
      pcEnabledGbS: p.warm > 0 ? p.warm * gb * enabledSeconds : 0,
      billedSeconds: (odMs + pcMs) / MS_PER_S,
      freeEligible: p.warm <= 0,
    };
  });

  // The account's free tier, split across eligible functions in proportion to their usage.
  const freeGb = allocateProRata(opts.freeTier ? rate(cat, 'freeGbS') : 0, usages.map((u) => (u.freeEligible ? u.odGbS : 0)));
  const freeReq = allocateProRata(opts.freeTier ? rate(cat, 'freeRequests') : 0, usages.map((u) => (u.freeEligible ? u.p.requestsPerMonth : 0)));

  // Tiers apply to the month's billable total per architecture; each function pays its share.
  const tierCost = new Map<Architecture, { total: number; cost: number; list: number }>();
  for (const arch of ['x86_64', 'arm64'] as Architecture[]) {
    const tiers = durationTiers(cat, arch);
    const billable = usages.reduce((s, u, i) => s + (u.arch === arch ? u.odGbS - freeGb[i] : 0), 0);
    tierCost.set(arch, { total: billable, cost: tieredCost(billable, tiers), list: tiers[0].rate });
  }

  const out = new Map<string, LineItem[]>();
  usages.forEach((u, i) => {
    const reqRate = rate(cat, 'requestPerMillion') / PER_MILLION;
    const billableReq = u.p.requestsPerMonth - freeReq[i];
    const t = tierCost.get(u.arch)!;
    const billableGb = u.odGbS - freeGb[i];
    const computeExact = t.total > 0 ? (t.cost * billableGb) / t.total : 0;
    const archKey = u.arch === 'arm64' ? 'Arm' : 'X86';
    const items: LineItem[] = [
      line('requests', 'requests', {
        quantity: billableReq,
        unit: 'requests',
        exact: billableReq * reqRate,
        freeQuantity: freeReq[i],
        freeValue: freeReq[i] * reqRate,
        rates: ['aws.requestPerMillion', 'aws.freeRequests'],
      }),
      line('compute', `duration ${u.arch}`, {
        quantity: billableGb,
        unit: 'GB-s',
        exact: computeExact,
        freeQuantity: freeGb[i],
        freeValue: freeGb[i] * t.list,
        rates: [`aws.duration${archKey}Tier1PerGbS`, `aws.duration${archKey}Tier2PerGbS`, `aws.duration${archKey}Tier3PerGbS`, 'aws.freeGbS'],
      }),
    ];
    if (u.p.warm > 0) {
      const enabled = u.pcEnabledGbS * rate(cat, u.arch === 'arm64' ? 'pcEnabledArmPerGbS' : 'pcEnabledX86PerGbS');
      const served = u.pcDurationGbS * rate(cat, u.arch === 'arm64' ? 'pcDurationArmPerGbS' : 'pcDurationX86PerGbS');
      items.push(
        line('warm', `provisioned concurrency ${u.p.warm}`, {
          quantity: u.pcEnabledGbS + u.pcDurationGbS,
          unit: 'GB-s',
          exact: enabled + served,
          rates: [`aws.pcEnabled${archKey}PerGbS`, `aws.pcDuration${archKey}PerGbS`, 'aws.pcEnabledGranularitySeconds'],
        }),
      );
    }
    const extraMb = (u.p.ephemeralStorageMb ?? rate(cat, 'ephemeralIncludedMb')) - rate(cat, 'ephemeralIncludedMb');
    if (extraMb > 0) {
      const gbS = (extraMb / MB_PER_GB) * u.billedSeconds;
      items.push(line('storage', `ephemeral storage +${extraMb} MB`, { quantity: gbS, unit: 'GB-s', exact: gbS * rate(cat, 'ephemeralPerGbS'), rates: ['aws.ephemeralPerGbS', 'aws.ephemeralIncludedMb'] }));
    }
    out.set(u.p.function, items);
  });
  return out;
}

/** The duration tiers of one architecture, cumulative. */
export function durationTiers(cat: AwsCatalog, arch: Architecture): Array<{ upTo: number; rate: number }> {
  return arch === 'arm64'
    ? [
        { upTo: rate(cat, 'durationArmTier1LimitGbS'), rate: rate(cat, 'durationArmTier1PerGbS') },
        { upTo: rate(cat, 'durationArmTier2LimitGbS'), rate: rate(cat, 'durationArmTier2PerGbS') },
        { upTo: Infinity, rate: rate(cat, 'durationArmTier3PerGbS') },
      ]
    : [
        { upTo: rate(cat, 'durationX86Tier1LimitGbS'), rate: rate(cat, 'durationX86Tier1PerGbS') },
        { upTo: rate(cat, 'durationX86Tier2LimitGbS'), rate: rate(cat, 'durationX86Tier2PerGbS') },
        { upTo: Infinity, rate: rate(cat, 'durationX86Tier3PerGbS') },
      ];
}

/** Why AWS cannot run this profile, or undefined. */
export function awsUnavailable(p: CostProfile, cat: AwsCatalog): string | undefined {
  const min = limit(cat, 'memoryMinMb');
  const max = limit(cat, 'memoryMaxMb');
  if (p.memoryMb < min || p.memoryMb > max) return `AWS Lambda gives ${min}-${max} MB (1 MB steps); ${p.memoryMb} MB is out of range`;
  if (p.durationMs > limit(cat, 'timeoutMaxSeconds') * MS_PER_S) return `AWS Lambda runs at most ${limit(cat, 'timeoutMaxSeconds')} s per invocation`;
  if ((p.ephemeralStorageMb ?? 0) > limit(cat, 'ephemeralMaxMb')) return `AWS Lambda gives at most ${limit(cat, 'ephemeralMaxMb')} MB of ephemeral storage`;
  return undefined;
}
