import { FUNCTIONS_ENV, type BakedMeta, type FunctionConfig, type RuntimeEventSpec } from '../model/shim.js';
import { corsOf, type EventSpec, type FunctionSpec, type Service, type TargetName } from '../model/service.js';
import { stableJson } from '../plan/diff.js';

/** What a function's generated entry bakes in: its name and target, nothing configurable. */
export function bakedMeta(fn: FunctionSpec, target: TargetName): BakedMeta {
  return { functionName: fn.name, target };
}

/**
 * A function's runtime configuration. Built field by field (never by spreading the
 * FunctionSpec) so nothing else, in particular env values or secret names, can reach it.
 */
export function functionConfig(service: Service, fn: FunctionSpec, target: TargetName): FunctionConfig {
  const region = service.targets[target]?.region;
  return {
    service: service.service,
    stage: service.stage,
    ...(typeof region === 'string' ? { region } : {}),
    // Lambda tells the handler its remaining time itself: there, the timeout stays out of it.
    ...(target === 'aws' ? {} : { timeoutMs: fn.timeoutMs }),
    events: fn.events.map((e) => runtimeEvent(e, target)),
    // One Function App runs every function in one process: each one's own declarations.
    ...(target === 'azure' && fn.sends.length ? { sends: [...fn.sends] } : {}),
    ...(target === 'azure' && fn.buckets.length ? { buckets: Object.fromEntries(fn.buckets.map((b) => [b.name, b.access])) } : {}),
    ...(target === 'azure' && fn.tables?.length ? { tables: Object.fromEntries(fn.tables.map((t) => [t.name, { access: t.access, key: service.tables?.find((d) => d.name === t.name)?.key ?? 'id' }])) } : {}),
  };
}

/**
 * What the shim reads of an event (see RuntimeEventSpec): routes to match paths (with their CORS
 * on Azure and GCP, and their JWT settings except on AWS: the shim enforces them there), the
 * queue's name, a schedule's expression and input (on Azure also its cron or rate and whether it
 * is enabled: the app registers its timers itself), storage filters. Not what only the cloud's
 * wiring uses, so a change of CORS on AWS or local, batch size or a schedule's enabled flag
 * updates that wiring and leaves the function alone. Either way the code is unchanged.
 */
export function runtimeEvent(e: EventSpec, target: TargetName): RuntimeEventSpec {
  switch (e.kind) {
    case 'http':
      // CORS in the shim where no gateway does it (azure, gcp); tokens checked by the shim everywhere but aws (API Gateway's JWT authorizer).
      return { kind: 'http', method: e.method, path: e.path, ...(e.cors && (target === 'azure' || target === 'gcp') ? { cors: corsOf(e) } : {}), ...(e.auth && target !== 'aws' ? { auth: e.auth } : {}) };
    case 'queue':
      return { kind: 'queue', queue: e.queue };
    case 'schedule': {
      const input = e.input === undefined ? {} : { input: e.input };
      if (target !== 'azure') return { kind: 'schedule', expression: e.expression, ...input };
      return { kind: 'schedule', expression: e.expression, ...(e.cron ? { cron: e.cron } : {}), ...(e.rateMs !== undefined ? { rateMs: e.rateMs } : {}), enabled: e.enabled, ...input };
    }
    default:
      return e;
  }
}

/** `{ SLSX_FUNCTIONS: <json> }` for the given functions (one on Lambda, GCP and local; all on Azure). */
export function functionsEnv(service: Service, fns: FunctionSpec[], target: TargetName): Record<string, string> {
  return { [FUNCTIONS_ENV]: stableJson(Object.fromEntries(fns.map((fn) => [fn.name, functionConfig(service, fn, target)]))) };
}
