import type { z } from 'zod';
import type { ConfigPath } from './positions.js';
import { valueAt } from './schema-issues.js';

export interface PruneResult {
  /** The input without the parts the schema rejects (valid when `ok`). */
  data: unknown;
  ok: boolean;
  /** Path in `data` -> path in the original input (list items shift when invalid ones go). */
  original(path: ConfigPath): ConfigPath;
}

type Issue = z.core.$ZodIssue;

/**
 * Remove every part of the config the schema rejects, so the rest can still be normalized and
 * checked: one bad key must not hide the other problems (validate reports everything at once).
 * Unknown keys and invalid values are dropped; a container missing a required key is dropped
 * whole. Bounded: each round removes something or stops.
 */
export function pruneInvalid(input: unknown, schema: z.ZodType, maxRounds = 25): PruneResult {
  const data = structuredClone(input);
  const indexMaps = new WeakMap<unknown[], number[]>();
  const original = (path: ConfigPath): ConfigPath => {
    let cur: unknown = data;
    return path.map((seg) => {
      const arr = Array.isArray(cur) ? cur : undefined;
      const mapped = arr && typeof seg === 'number' ? (indexMaps.get(arr)?.[seg] ?? seg) : seg;
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[seg] : undefined;
      return mapped;
    });
  };
  for (let round = 0; round < maxRounds; round++) {
    const parsed = schema.safeParse(data);
    if (parsed.success) return { data, ok: true, original };
    const targets = new Map<string, ConfigPath>();
    let stuck = false;
    const collect = (issue: Issue, prefix: ConfigPath): void => {
      const path = [...prefix, ...(issue.path as Array<string | number>)];
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) targets.set(JSON.stringify([...path, key]), [...path, key]);
        return;
      }
      if (issue.code === 'invalid_union') {
        const branches = issue.errors.filter((errs) => !errs.some((e) => e.code === 'invalid_type' && e.path.length === 0));
        if (branches.length === 1) {
          for (const e of branches[0]!) collect(e, path);
          return;
        }
      }
      const target = issue.code === 'invalid_type' && valueAt(data, path) === undefined ? path.slice(0, -1) : path;
      if (target.length === 0) stuck = true;
      else targets.set(JSON.stringify(target), target);
    };
    for (const issue of parsed.error.issues) collect(issue, []);
    if (stuck || targets.size === 0) return { data, ok: false, original };
    // Deepest first, and higher list indexes first, so earlier removals do not move later targets.
    const ordered = [...targets.values()].sort((a, b) => b.length - a.length || compareLast(b, a));
    for (const path of ordered) remove(data, path, indexMaps);
  }
  return { data, ok: false, original };
}

function compareLast(a: ConfigPath, b: ConfigPath): number {
  const x = a[a.length - 1];
  const y = b[b.length - 1];
  return typeof x === 'number' && typeof y === 'number' ? x - y : 0;
}

function remove(data: unknown, path: ConfigPath, indexMaps: WeakMap<unknown[], number[]>): void {
  const parent = valueAt(data, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof last === 'number') {
    if (last >= parent.length) return;
    const map = indexMaps.get(parent) ?? parent.map((_, i) => i);
    map.splice(last, 1);
    parent.splice(last, 1);
    indexMaps.set(parent, map);
  } else if (parent !== null && typeof parent === 'object') {
    delete (parent as Record<string, unknown>)[String(last)];
  }
}
