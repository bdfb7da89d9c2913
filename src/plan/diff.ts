import type { Change, DesiredResource, ObservedResource, Props } from '../core/resources.js';

/** Stable JSON: object keys sorted, so equal values compare equal whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

function show(value: unknown): string {
  const text = value === undefined ? '(none)' : stableJson(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Which top-level props differ, each as `field: before -> after`. */
export function changedFields(before: Props, after: Props): Array<{ field: string; reason: string }> {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const out: Array<{ field: string; reason: string }> = [];
  for (const field of keys) {
    if (stableJson(before[field]) === stableJson(after[field])) continue;
    const reason = /sha256|hash/i.test(field)
      ? `${field} changed (code changed)`
      : `${field}: ${show(before[field])} -> ${show(after[field])}`;
    out.push({ field, reason });
  }
  return out;
}

/**
 * The plan's heart, pure: what to create, update, replace or delete, and why.
 * Changes come out in a stable order: creates/updates/replaces/noops in desired order, then deletes.
 */
export function diff(desired: DesiredResource[], observed: ObservedResource[]): Change[] {
  const seen = new Map(observed.map((o) => [o.id, o]));
  const changes: Change[] = [];
  for (const want of desired) {
    const have = seen.get(want.id);
    const base = { id: want.id, type: want.type, dependsOn: want.dependsOn ?? [], security: want.security ?? false, ...(want.inputs ? { inputs: want.inputs } : {}) };
    if (!have) {
      changes.push({ ...base, action: 'create', reasons: ['not deployed yet'], after: want.props });
      continue;
    }
    seen.delete(want.id);
    if (have.type !== want.type) {
      changes.push({ ...base, action: 'replace', reasons: [`type: ${have.type} -> ${want.type}`], before: have.props, after: want.props, physicalId: have.physicalId });
      continue;
    }
    const fields = changedFields(have.props, want.props);
    const forced = fields.filter((f) => want.replaceOn?.includes(f.field));
    const action = fields.length === 0 ? 'noop' : forced.length > 0 ? 'replace' : 'update';
    const reasons = forced.length > 0 ? forced.map((f) => `${f.reason} (forces replacement)`) : fields.map((f) => f.reason);
    changes.push({ ...base, action, reasons, before: have.props, after: want.props, physicalId: have.physicalId });
  }
  for (const have of seen.values()) {
    changes.push({
      id: have.id,
      type: have.type,
      action: 'delete',
      reasons: ['no longer in config'],
      before: have.props,
      physicalId: have.physicalId,
      dependsOn: have.dependsOn ?? [],
      security: have.security ?? false,
    });
  }
  return changes;
}

/** True when the plan has anything to do. */
export function hasWork(changes: Change[]): boolean {
  return changes.some((c) => c.action !== 'noop');
}
