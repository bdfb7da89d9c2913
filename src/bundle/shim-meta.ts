import type { ShimMeta } from '../model/shim.js';
import type { FunctionSpec, Service, TargetName } from '../model/service.js';

/**
 * The metadata baked into a function's generated entry. Built field by field (never by
 * spreading the FunctionSpec) so nothing else, in particular env values or secret names,
 * can end up in a bundle.
 */
export function shimMeta(service: Service, fn: FunctionSpec, target: TargetName): ShimMeta {
  const region = service.targets[target]?.region;
  return {
    service: service.service,
    stage: service.stage,
    functionName: fn.name,
    target,
    ...(typeof region === 'string' ? { region } : {}),
    timeoutMs: fn.timeoutMs,
    memory: fn.memory,
    events: fn.events,
  };
}
