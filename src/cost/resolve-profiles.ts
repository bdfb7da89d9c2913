import { SlsxError } from '../errors/slsx-error.js';
import type { Adapter, AdapterContext } from '../core/adapter.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { TARGETS, type Service, type TargetName } from '../model/service.js';
import { hypotheticalProfile, withOverrides } from './flag-profile.js';
import { trafficFromInvocations } from './from-metrics.js';
import { configOf, profilesFromService } from './from-service.js';
import { INPUT_BOUNDS } from './input-bounds.js';
import { PROFILE_DEFAULTS, type CostProfile } from './profile.js';

/** What profile resolution needs from the outside world (injected, so tests pass fakes). */
export interface ResolveDeps {
  loadService(opts: { cwd: string; configPath?: string; stage?: string; target?: string; env: NodeJS.ProcessEnv }): Promise<{ service: Service; target: TargetName; diagnostics: Diagnostic[] }>;
  loadAdapter(target: TargetName): Promise<Adapter>;
}

export interface ResolveInput {
  cwd: string;
  env: NodeJS.ProcessEnv;
  configPath?: string;
  stage?: string;
  /** `--target`, already checked to be a target name. */
  target?: TargetName;
  fromMetrics: boolean;
  sinceMs?: number;
  /** Parsed profile flags; they win over config and measurements. */
  flags: Partial<CostProfile>;
  secondsPerMonth: number;
  adapterContext: Omit<AdapterContext, 'env' | 'cwd'>;
}

/**
 * Where the profiles come from, in order: measured records (`--from-metrics`), else each
 * function's `traffic:` in faas.yaml, else one hypothetical function from the flags alone
 * (no faas.yaml needed). Flags override whatever the other sources say.
 */
export async function resolveProfiles(input: ResolveInput, deps: ResolveDeps): Promise<{ profiles: CostProfile[]; notes: string[] }> {
  if (input.fromMetrics) return fromMetrics(input, deps);
  let service: Service | undefined;
  try {
    service = (await deps.loadService({ cwd: input.cwd, configPath: input.configPath, stage: input.stage, target: input.target, env: input.env })).service;
  } catch (err) {
    // No config is fine when the flags describe a function; any other config error is the user's to fix.
    if (!(err instanceof SlsxError && err.code === 'CONFIG_NOT_FOUND' && !input.configPath)) throw err;
  }
  if (!service) return { profiles: [hypotheticalProfile(input.flags)], notes: [] };

  const { profiles, withoutTraffic } = profilesFromService(service);
  const notes: string[] = [];
  const flagsDescribe = input.flags.requestsPerMonth !== undefined && input.flags.durationMs !== undefined;
  for (const name of withoutTraffic) {
    const fn = service.functions.find((f) => f.name === name)!;
    if (flagsDescribe) profiles.push({ ...configOf(fn), requestsPerMonth: 0, durationMs: 0, source: 'faas.yaml' });
    else notes.push(`${name} has no traffic: entry in faas.yaml and is left out (add traffic.${name}, or pass --requests and --duration).`);
  }
  if (profiles.length === 0) {
    throw new SlsxError('COST_INPUT', `Nothing to estimate: no function in ${service.configFile} has a traffic: entry.`, {
      hint: 'Add e.g. `traffic: { api: { requests: 10M/month, duration: 120ms } }`, or pass --requests and --duration.',
    });
  }
  const out = profiles.map((p) => withOverrides(p, input.flags));
  for (const p of out) checkConfigProfile(p, service.configFile);
  return { profiles: out, notes };
}

/** A traffic: entry that parses but makes no sense (0 ms, absurd volume) is refused like the same flag would be. */
function checkConfigProfile(p: CostProfile, file: string): void {
  const where = `traffic.${p.function} in ${file}`;
  if (!(p.durationMs > 0) || p.durationMs > INPUT_BOUNDS.maxDurationMs) {
    throw new SlsxError('COST_INPUT', `${where}: duration must be more than 0 and at most a day (got ${p.durationMs} ms).`, { hint: 'Set e.g. `duration: 120ms`, or pass --duration.' });
  }
  if (!(p.requestsPerMonth >= 0) || p.requestsPerMonth > INPUT_BOUNDS.maxRequestsPerMonth) {
    throw new SlsxError('COST_INPUT', `${where}: requests must be between 0 and ${INPUT_BOUNDS.maxRequestsPerMonth.toExponential()} a month.`, { hint: 'Set e.g. `requests: 10M/month`, or pass --requests.' });
  }
}

async function fromMetrics(input: ResolveInput, deps: ResolveDeps): Promise<{ profiles: CostProfile[]; notes: string[] }> {
  const loaded = await deps.loadService({ cwd: input.cwd, configPath: input.configPath, stage: input.stage, target: input.target, env: input.env });
  const target = input.target ?? loaded.target;
  let adapter: Adapter | undefined;
  try {
    adapter = await deps.loadAdapter(target);
  } catch (err) {
    // The target's adapter is not there at all: same answer as an adapter that cannot read records.
    if (!(err instanceof SlsxError && err.code === 'TARGET_NOT_AVAILABLE')) throw err;
  }
  if (!adapter?.invocations) {
    throw new SlsxError('TARGET_NOT_AVAILABLE', `--from-metrics: target '${target}' cannot read invocation records yet.`, {
      hint: `Use --target local (run the functions locally first), or describe the traffic with --requests and --duration.`,
    });
  }
  const records = await adapter.invocations(loaded.service, input.sinceMs !== undefined ? { sinceMs: input.sinceMs } : {}, { ...input.adapterContext, env: input.env, cwd: input.cwd });
  const measured = trafficFromInvocations(records, { secondsPerMonth: input.secondsPerMonth, ...(input.sinceMs !== undefined ? { windowMs: input.sinceMs } : {}) });
  if (measured.length === 0) {
    throw new SlsxError('COST_INPUT', `--from-metrics: no invocation records on target '${target}'${input.sinceMs !== undefined ? ' in that window' : ''}.`, {
      hint: `Invoke the functions first (e.g. \`sls-x invoke <fn> --target ${target}\`), or describe the traffic with --requests and --duration.`,
    });
  }
  const notes = measured.map((m) => `${m.function}: ${m.invocations} invocation(s) over ${Math.round(m.windowMs / 1000)} s from ${m.source}, scaled to a month${input.flags.requestsPerMonth !== undefined ? ' (volume replaced by --requests)' : ''}.`);
  const profiles = measured.map((m) => {
    const fn = loaded.service.functions.find((f) => f.name === m.function);
    const base = fn
      ? configOf(fn)
      : { function: m.function, memoryMb: m.memoryMb || INPUT_BOUNDS.defaultMemoryMb, architecture: PROFILE_DEFAULTS.architecture, coldStartRate: 0, initMs: 0, warm: 0, peakFactor: 1, events: { http: m.triggers.includes('http') } };
    const p: CostProfile = {
      ...base,
      requestsPerMonth: m.requestsPerMonth,
      durationMs: m.durationMs,
      memoryMb: m.memoryMb || base.memoryMb,
      ...(m.observedMemoryMb !== undefined ? { observedMemoryMb: m.observedMemoryMb } : {}),
      coldStartRate: m.coldStartRate,
      initMs: m.initMs,
      source: m.source,
    };
    return withOverrides(p, input.flags);
  });
  return { profiles, notes };
}

/** `--target` for cost: a target name, or COST_INPUT naming the flag. */
export function parseCostTarget(value: string | undefined): TargetName | undefined {
  if (value === undefined) return undefined;
  if ((TARGETS as readonly string[]).includes(value)) return value as TargetName;
  throw new SlsxError('COST_INPUT', `--target '${value}': unknown target.`, { hint: `Use one of: ${TARGETS.filter((t) => t !== 'local').join(', ')} (or local with --from-metrics).` });
}
