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

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);
const MAX_DETAILS = 6;

/** An IAM statement in one line: `Allow sqs:SendMessage on arn:...:orders`. */
function statementLine(st: unknown): string {
  if (!isObject(st)) return show(st);
  const list = (v: unknown): string => (Array.isArray(v) ? v.join(', ') : String(v ?? '*'));
  const condition = st.Condition ? ` if ${show(st.Condition)}` : '';
  const who = st.Principal ? ` for ${show(st.Principal)}` : '';
  return `${String(st.Effect ?? 'Allow')} ${list(st.Action)}${st.Resource !== undefined ? ` on ${list(st.Resource)}` : ''}${who}${condition}`;
}

function jsonObject(v: unknown): Record<string, unknown> | undefined {
  if (typeof v !== 'string' || !v.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(v) as unknown;
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Leaf paths that differ between two JSON values, as `path: before -> after`. */
function leafChanges(path: string, before: unknown, after: unknown, out: string[]): void {
  if (stableJson(before) === stableJson(after)) return;
  // A JSON object inside a string (SLSX_FUNCTIONS and the other SLSX_* maps): name the leaves that changed.
  const [b, a] = [jsonObject(before), jsonObject(after)];
  if (b && a) return leafChanges(path, b, a, out);
  if (isObject(before) && isObject(after)) {
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) leafChanges(`${path}.${key}`, before[key], after[key], out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const had = new Set(before.map((v) => stableJson(v)));
    const has = new Set(after.map((v) => stableJson(v)));
    for (const v of after) if (!had.has(stableJson(v))) out.push(`${path}: + ${show(v)}`);
    for (const v of before) if (!has.has(stableJson(v))) out.push(`${path}: - ${show(v)}`);
    if (had.size === has.size && [...had].every((v) => has.has(v))) out.push(`${path}: order changed`);
    return;
  }
  out.push(`${path}: ${show(before)} -> ${show(after)}`);
}

/**
 * Why one field changed, readable: code hashes say so; IAM policy documents list the statements
 * added and removed; other objects and lists name each changed leaf; scalars show both values.
 */
export function describeFieldChange(field: string, before: unknown, after: unknown): string[] {
  if (/sha256|hash/i.test(field)) return [`${field} changed (code changed)`];
  const statements = (v: unknown): unknown[] | undefined => (isObject(v) && Array.isArray(v.Statement) ? v.Statement : undefined);
  const [was, now] = [statements(before), statements(after)];
  let details: string[] = [];
  if (was || now) {
    const had = new Set((was ?? []).map((st) => stableJson(st)));
    const has = new Set((now ?? []).map((st) => stableJson(st)));
    details = [
      ...(now ?? []).filter((st) => !had.has(stableJson(st))).map((st) => `${field}: + ${statementLine(st)}`),
      ...(was ?? []).filter((st) => !has.has(stableJson(st))).map((st) => `${field}: - ${statementLine(st)}`),
    ];
    if (details.length === 0) leafChanges(field, before, after, details);
  } else if ((isObject(before) && isObject(after)) || (Array.isArray(before) && Array.isArray(after))) {
    leafChanges(field, before, after, details);
  } else {
    details = [`${field}: ${show(before)} -> ${show(after)}`];
  }
  return details.length > MAX_DETAILS ? [...details.slice(0, MAX_DETAILS), `${field}: ... and ${details.length - MAX_DETAILS} more change(s)`] : details;
}

/** Which top-level props differ, each with the reasons it changed. */
export function changedFields(before: Props, after: Props): Array<{ field: string; reason: string }> {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const out: Array<{ field: string; reason: string }> = [];
  for (const field of keys) {
    if (stableJson(before[field]) === stableJson(after[field])) continue;
    for (const reason of describeFieldChange(field, before[field], after[field])) out.push({ field, reason });
  }
  return out;
}

/** What a plan shows instead of a value sls-x did not set. */
export const NOT_SHOWN = '(set outside sls-x: not shown)';

const isStringMap = (v: unknown): v is Record<string, string> => isObject(v) && Object.values(v).every((x) => typeof x === 'string');

/**
 * Observed maps of strings (environment variables, app settings, labels) can hold values someone
 * set by hand, a password typed into a console among them. A value the config does not set is
 * never shown in a reason nor written to a plan file: it is replaced by a marker before the diff,
 * which still sees the key and removes it. Values the config sets come from faas.yaml, where
 * secrets cannot be written, so they are shown.
 */
export function maskUnmanaged(observed: Props, desired: Props | undefined): Props {
  const out: Props = {};
  for (const [field, value] of Object.entries(observed)) {
    const wanted = desired?.[field];
    if (isStringMap(value)) {
      const keep = isObject(wanted) ? wanted : {};
      out[field] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k in keep ? v : NOT_SHOWN]));
    } else {
      out[field] = value;
    }
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
    const before = maskUnmanaged(have.props, want.props);
    if (have.type !== want.type) {
      changes.push({ ...base, action: 'replace', reasons: [`type: ${have.type} -> ${want.type}`], before, after: want.props, physicalId: have.physicalId });
      continue;
    }
    const fields = changedFields(before, want.props);
    const forced = fields.filter((f) => want.replaceOn?.includes(f.field));
    const action = fields.length === 0 ? 'noop' : forced.length > 0 ? 'replace' : 'update';
    const reasons = forced.length > 0 ? [...forced.map((f) => `${f.reason} (forces replacement)`), ...(want.replaceNote ? [want.replaceNote] : [])] : fields.map((f) => f.reason);
    changes.push({ ...base, action, reasons, before, after: want.props, physicalId: have.physicalId });
  }
  for (const have of seen.values()) {
    changes.push({
      id: have.id,
      type: have.type,
      action: 'delete',
      reasons: ['no longer in config', ...(have.deleteNote ? [have.deleteNote] : [])],
      before: maskUnmanaged(have.props, undefined),
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
