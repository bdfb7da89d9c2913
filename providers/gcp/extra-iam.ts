import type { DesiredResource } from '../../src/core/resources.js';
import type { FunctionSpec, Service } from '../../src/model/service.js';
import { stableJson } from '../../src/plan/diff.js';
import { TYPES, type Names } from './naming.js';

/**
 * The GCP escape hatch: `functions.<fn>.targets.gcp.roles: [{ role, resource }]` (normalized to
 * `FunctionSpec.extraIam.gcp`, checked by src/config/checks/extra-iam.ts). Each entry grants the
 * function's service account `role` on an existing resource sls-x does not manage (named directly
 * or through `${ref:...}`): a binding in that resource's own IAM policy, sls-x's member only. The
 * resource itself is never created, changed or deleted.
 */

/** Kinds of binding an escape-hatch entry becomes (desired-iam.ts BindingKind), by resource pattern. */
export type HatchKind = 'topic' | 'subscription' | 'secret' | 'bucket' | 'project-extra';

/**
 * Variable on each deployed function listing the resources its escape hatch grants on (a JSON
 * array of resource names as written): how observe finds sls-x's grants on them after the entry
 * is gone from faas.yaml (or the whole function is), so they are planned for deletion.
 */
export const GRANTS_ENV = 'SLSX_GRANTS';

const PATTERNS: Array<{ pattern: RegExp; kind: HatchKind; short: string; target: (m: RegExpMatchArray) => string }> = [
  { pattern: /^projects\/[^/\s]+\/topics\/[^/\s]+$/, kind: 'topic', short: 'topic', target: (m) => m[0] },
  { pattern: /^projects\/[^/\s]+\/subscriptions\/[^/\s]+$/, kind: 'subscription', short: 'subscription', target: (m) => m[0] },
  { pattern: /^projects\/[^/\s]+\/secrets\/[^/\s]+$/, kind: 'secret', short: 'secret', target: (m) => m[0] },
  // Cloud Storage's IAM takes the bucket's name, not its resource name.
  { pattern: /^projects\/_\/buckets\/([^/\s]+)$/, kind: 'bucket', short: 'bucket', target: (m) => m[1]! },
  // Unconditional bindings in the project's policy: kept apart from the conditional Firestore grant (kind 'project').
  { pattern: /^projects\/[^/\s]+$/, kind: 'project-extra', short: 'project', target: (m) => m[0] },
];

export interface HatchTarget {
  /** Plan id: `iam:extra:<topic|subscription|secret|bucket|project>:<the name the IAM API takes>`. */
  id: string;
  kind: HatchKind;
  /** What the policy API takes: the resource name, or the bucket's name for Cloud Storage. */
  resource: string;
  /** As written in faas.yaml. */
  name: string;
}

/** Where an escape-hatch resource's policy is; undefined for a kind sls-x cannot bind on (validate refuses those). */
export function hatchTarget(name: string): HatchTarget | undefined {
  for (const p of PATTERNS) {
    const m = name.match(p.pattern);
    if (m) return { id: `iam:extra:${p.short}:${p.target(m)}`, kind: p.kind, resource: p.target(m), name };
  }
  return undefined;
}

export const isHatchId = (id: string): boolean => id.startsWith('iam:extra:');

/** The resources a function's escape hatch names, sorted, once each. */
export function hatchResources(fn: FunctionSpec): string[] {
  return [...new Set((fn.extraIam?.gcp ?? []).map((r) => r.resource))].sort();
}

/** `SLSX_GRANTS` of a function, or nothing when it has no escape hatch. */
export function grantsEnv(fn: FunctionSpec): Record<string, string> {
  const resources = hatchResources(fn);
  return resources.length ? { [GRANTS_ENV]: stableJson(resources) } : {};
}

/** The resources a deployed function's `SLSX_GRANTS` lists (a hand-edited value is ignored). */
export function grantsOf(env: Record<string, string> | undefined): string[] {
  try {
    const v = JSON.parse(String(env?.[GRANTS_ENV] ?? '[]')) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * One binding resource per external resource, merging every function's entries on it: the
 * function's service account gets each `role`. It depends on the accounts (they must exist to be
 * granted); the resource it names is not a resource of the plan.
 */
export function desiredHatchBindings(service: Service, names: Names): DesiredResource[] {
  const byId = new Map<string, { t: HatchTarget; roles: Map<string, Set<string>>; deps: Set<string> }>();
  for (const fn of service.functions) {
    for (const entry of fn.extraIam?.gcp ?? []) {
      const t = hatchTarget(entry.resource);
      if (!t) continue; // validate refuses it (extra-iam-unsupported-resource)
      const slot = byId.get(t.id) ?? { t, roles: new Map(), deps: new Set<string>() };
      byId.set(t.id, slot);
      const members = slot.roles.get(entry.role) ?? new Set<string>();
      slot.roles.set(entry.role, members);
      members.add(`serviceAccount:${names.serviceAccountEmail(fn.name)}`);
      slot.deps.add(`sa:${fn.name}`);
    }
  }
  return [...byId.values()]
    .sort((a, b) => a.t.id.localeCompare(b.t.id))
    .map(({ t, roles, deps }) => ({
      id: t.id,
      type: TYPES.binding,
      security: true,
      props: {
        kind: t.kind,
        resource: t.resource,
        bindings: Object.fromEntries([...roles].sort(([a], [b]) => a.localeCompare(b)).map(([role, members]) => [role, [...members].sort()])),
      },
      dependsOn: [...deps].sort(),
    }));
}
