import { SlsxError } from '../errors/slsx-error.js';
import { TARGETS, type TargetName } from '../model/service.js';
import type { Adapter } from './adapter.js';

export function parseTarget(value: string | undefined, fallback: TargetName): TargetName {
  if (value === undefined) return fallback;
  if ((TARGETS as readonly string[]).includes(value)) return value as TargetName;
  throw new SlsxError('USAGE', `Unknown target '${value}'.`, { hint: `Use one of: ${TARGETS.join(', ')}.` });
}

/** Load a target's adapter lazily, so only the SDKs of the target in use are ever imported. */
export async function loadAdapter(target: TargetName): Promise<Adapter> {
  switch (target) {
    case 'local':
      return (await import('../../providers/local/index.js')).adapter;
    case 'aws':
      return (await import('../../providers/aws/index.js')).adapter;
    case 'azure':
      return (await import('../../providers/azure/index.js')).adapter;
    case 'gcp':
      return (await import('../../providers/gcp/index.js')).adapter;
    default:
      throw new SlsxError('USAGE', `Unknown target '${String(target)}'.`, { hint: `Use one of: ${TARGETS.join(', ')}.` });
  }
}
