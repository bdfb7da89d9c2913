import { SlsxError } from '../errors/slsx-error.js';
import type { Architecture } from '../model/service.js';
import { INPUT_BOUNDS as B } from './input-bounds.js';
import { parseCount, parseDuration, parseFraction, parseInteger, parseMemory, parseNumber, periodsPerMonth } from './parse-input.js';
import { PROFILE_DEFAULTS, type CostProfile, type ProfileEvents } from './profile.js';

/** The profile flags of `sls-x cost estimate`, as commander hands them over (strings). */
export interface ProfileFlags {
  requests?: string;
  duration?: string;
  memory?: string;
  arch?: string;
  per?: string;
  coldRate?: string;
  init?: string;
  warm?: string;
  maxConcurrency?: string;
  perInstance?: string;
  ephemeral?: string;
  events?: string;
  batchSize?: string;
  messageKb?: string;
  peak?: string;
}

/** Parse `--arch`: arm64 or x86_64 (x86 accepted). */
export function parseArch(value: string): Architecture {
  const v = value.trim().toLowerCase();
  if (v === 'arm64' || v === 'arm') return 'arm64';
  if (v === 'x86_64' || v === 'x86' || v === 'amd64') return 'x86_64';
  throw new SlsxError('COST_INPUT', `--arch '${value}': unknown architecture.`, { hint: 'Use --arch arm64 or --arch x86_64.' });
}

const EVENT_NAMES = ['http', 'queue', 'schedule', 'none'];

/**
 * Parse every profile flag that was given into a partial profile (flags override config and
 * measurements field by field). Throws COST_INPUT naming the flag for anything malformed.
 */
export function parseProfileFlags(f: ProfileFlags, hoursPerMonth: number): Partial<CostProfile> {
  const out: Partial<CostProfile> = {};
  if (f.requests !== undefined) {
    const perMonth = periodsPerMonth('--per', f.per ?? 'month', hoursPerMonth);
    const n = parseCount('--requests', f.requests, B.maxRequestsPerMonth / perMonth);
    out.requestsPerMonth = n * perMonth;
  } else if (f.per !== undefined) {
    periodsPerMonth('--per', f.per, hoursPerMonth);
  }
  if (f.duration !== undefined) out.durationMs = parseDuration('--duration', f.duration, B.maxDurationMs);
  if (f.memory !== undefined) out.memoryMb = parseMemory('--memory', f.memory, B.maxMemoryMb);
  if (f.arch !== undefined) out.architecture = parseArch(f.arch);
  if (f.coldRate !== undefined) out.coldStartRate = parseFraction('--cold-rate', f.coldRate);
  if (f.init !== undefined) out.initMs = parseDuration('--init', f.init, B.maxInitMs, true);
  if (f.warm !== undefined) out.warm = parseInteger('--warm', f.warm, 0, B.maxInstances);
  if (f.maxConcurrency !== undefined) out.maxConcurrency = parseInteger('--max-concurrency', f.maxConcurrency, 1, B.maxInstances);
  if (f.perInstance !== undefined) out.perInstanceConcurrency = parseInteger('--per-instance', f.perInstance, 1, B.maxInstances);
  if (f.ephemeral !== undefined) out.ephemeralStorageMb = parseMemory('--ephemeral', f.ephemeral, B.maxMemoryMb);
  if (f.peak !== undefined) out.peakFactor = parseNumber('--peak', f.peak, 1, B.maxPeakFactor);
  if (f.events !== undefined || f.batchSize !== undefined || f.messageKb !== undefined) {
    out.events = parseEvents(f);
  }
  return out;
}

function parseEvents(f: ProfileFlags): ProfileEvents {
  const names = (f.events ?? 'queue').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const n of names) {
    if (!EVENT_NAMES.includes(n)) {
      throw new SlsxError('COST_INPUT', `--events '${f.events}': unknown event kind '${n}'.`, { hint: 'Use a comma-separated list of http, queue, schedule (or none), e.g. --events http,queue.' });
    }
  }
  const batchSize = f.batchSize !== undefined ? parseInteger('--batch-size', f.batchSize, 1, B.maxBatchSize) : 1;
  const messageKb = f.messageKb !== undefined ? parseNumber('--message-kb', f.messageKb, 0, B.maxMessageKb) : PROFILE_DEFAULTS.messageKb;
  return {
    http: names.includes('http'),
    ...(names.includes('queue') ? { queue: { batchSize, messageKb } } : {}),
    ...(names.includes('schedule') ? { schedule: { jobs: 1 } } : {}),
  };
}

/** A hypothetical function from flags alone (no faas.yaml): --requests and --duration are required. */
export function hypotheticalProfile(o: Partial<CostProfile>): CostProfile {
  if (o.requestsPerMonth === undefined || o.durationMs === undefined) {
    const missing = [o.requestsPerMonth === undefined ? '--requests' : '', o.durationMs === undefined ? '--duration' : ''].filter(Boolean).join(' and ');
    throw new SlsxError('COST_INPUT', `Nothing to estimate: ${missing} missing and no faas.yaml with a traffic: block was found.`, {
      hint: 'Pass a profile, e.g. `sls-x cost estimate --requests 10M --duration 120ms --memory 1536`, or add `traffic:` to faas.yaml.',
    });
  }
  return {
    function: 'fn',
    memoryMb: B.defaultMemoryMb,
    architecture: PROFILE_DEFAULTS.architecture,
    coldStartRate: PROFILE_DEFAULTS.coldStartRate,
    initMs: PROFILE_DEFAULTS.initMs,
    warm: PROFILE_DEFAULTS.warm,
    peakFactor: PROFILE_DEFAULTS.peakFactor,
    events: { http: false },
    source: 'flags',
    ...o,
    requestsPerMonth: o.requestsPerMonth,
    durationMs: o.durationMs,
  };
}

/** Flags win over config or measurements, field by field. */
export function withOverrides(p: CostProfile, o: Partial<CostProfile>): CostProfile {
  const given = Object.keys(o).length > 0;
  return { ...p, ...o, source: given ? `${p.source} + flags` : p.source };
}
