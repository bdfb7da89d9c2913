import { createHash } from 'node:crypto';
import type { DesiredResource } from '../../src/core/resources.js';
import type { Service } from '../../src/model/service.js';
import { stableJson } from '../../src/plan/diff.js';
import { TYPES } from './naming.js';
import { BUILTIN_ROLES } from './roles.js';
import { PLACEHOLDERS } from './session.js';

/**
 * The Azure escape hatch: `functions.<fn>.targets.azure.roles: [{ role, scope }]` (normalized to
 * `FunctionSpec.extraIam.azure`, checked by src/config/checks/extra-iam.ts and validate.ts). Each
 * entry assigns the Function App's user-assigned identity (one per app: every function of the
 * service gets it) `role` on `scope`, an ARM resource id sls-x does not manage (named directly or
 * through `${ref:...}`). Only the role assignment is created and deleted; the scope itself never is.
 *
 * `role` is resolved offline, so the plan never depends on a lookup: a built-in role name sls-x
 * knows (roles.ts BUILTIN_ROLES, case-insensitive), a role definition GUID, or a full role
 * definition id (`/subscriptions/<s>/providers/Microsoft.Authorization/roleDefinitions/<guid>`,
 * `/providers/...` too). Any other name (another built-in role, a custom role) is refused at
 * validate (`azure-role-unknown`) with the command that prints its GUID.
 */

/**
 * App setting on the Function App listing the role assignments its escape hatch made (a JSON
 * array of `{ role: <definition GUID>, scope: <ARM id in lower case> }`): how observe finds them on scopes
 * outside the resource group after their entry is gone from faas.yaml, so they are deleted.
 */
export const GRANTS_SETTING = 'SLSX_GRANTS';

/** Plan ids of escape-hatch assignments: `grant:extra:<role>:<type>/<name>:<8 hex of scope and role>`. */
export const HATCH_PREFIX = 'grant:extra:';
export const isHatchId = (id: string): boolean => id.startsWith(HATCH_PREFIX);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFINITION_ID = /^(?:\/subscriptions\/[^/]+)?\/providers\/Microsoft\.Authorization\/roleDefinitions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

const BY_NAME = new Map(Object.entries(BUILTIN_ROLES).map(([name, guid]) => [name.toLowerCase(), guid]));
const BY_GUID = new Map(Object.entries(BUILTIN_ROLES).map(([name, guid]) => [guid, name]));

/** The role definition GUID (lowercase) of an entry's `role`, or undefined for a name sls-x does not know. */
export function roleGuid(role: string): string | undefined {
  const r = role.trim();
  if (GUID.test(r)) return r.toLowerCase();
  const m = DEFINITION_ID.exec(r);
  if (m) return m[1]!.toLowerCase();
  return BY_NAME.get(r.replace(/\s+/g, ' ').toLowerCase());
}

/** What the plan shows as the role: its built-in name when sls-x knows it, else the GUID. */
export function roleLabel(guid: string): string {
  return BY_GUID.get(guid.toLowerCase()) ?? guid.toLowerCase();
}

/** Built-in names a few letters away from `role` (a typo), for a hint. */
export function similarRoles(role: string): string[] {
  const want = role.trim().replace(/\s+/g, ' ').toLowerCase();
  return Object.keys(BUILTIN_ROLES).filter((name) => distance(want, name.toLowerCase()) <= Math.min(3, Math.floor(name.length / 8)));
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** A scope as the plan keeps it: as written, without trailing slashes. */
export function scopeOf(scope: string): string {
  return scope.trim().replace(/\/+$/, '');
}

/** ARM ids are case-insensitive: one assignment per (scope, role) whatever the spelling. */
export function hatchKey(scope: string, guid: string): string {
  return `${scopeOf(scope).toLowerCase()}|${guid.toLowerCase()}`;
}

/** The role definition id as assigned on `scope`: under the scope's own subscription, as ARM lists it. */
export function hatchRoleDefinitionId(scope: string, guid: string): string {
  const sub = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? PLACEHOLDERS.subscription;
  return `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${guid.toLowerCase()}`;
}

/** Stable plan id of one assignment: readable role and resource, plus a hash of the full scope and role (two `legacy` accounts stay apart). */
export function hatchId(scope: string, guid: string): string {
  const label = roleLabel(guid);
  const role = GUID.test(label) ? label.slice(0, 8) : label.replace(/^Storage |^Key Vault /, '').replace(/ /g, '');
  // Lowercase: ARM ids are case-insensitive, and one assignment must keep one id.
  const what = scopeOf(scope).toLowerCase().split('/').slice(-2).join('/');
  const hash = createHash('sha256').update(hatchKey(scope, guid)).digest('hex').slice(0, 8);
  return `${HATCH_PREFIX}${role}:${what}:${hash}`;
}

/** One role assignment the escape hatch asks for, merged over every function that lists it. */
export interface HatchGrant {
  id: string;
  /** The scope as first written in faas.yaml (trailing slashes dropped). */
  scope: string;
  guid: string;
  role: string;
  roleDefinitionId: string;
  functions: string[];
}

/** Every entry of every function, one per (scope, role); entries whose role is unknown are left to validate. */
export function hatchGrants(service: Service): HatchGrant[] {
  const byKey = new Map<string, HatchGrant>();
  for (const fn of service.functions) {
    for (const entry of fn.extraIam?.azure ?? []) {
      const guid = roleGuid(entry.role);
      if (!guid) continue; // validate refuses it (azure-role-unknown)
      const scope = scopeOf(entry.scope);
      const key = hatchKey(scope, guid);
      const slot = byKey.get(key) ?? { id: hatchId(scope, guid), scope, guid, role: roleLabel(guid), roleDefinitionId: hatchRoleDefinitionId(scope, guid), functions: [] };
      if (!slot.functions.includes(fn.name)) slot.functions.push(fn.name);
      byKey.set(key, slot);
    }
  }
  return [...byKey.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** `SLSX_GRANTS` of the app, or nothing when no function has an escape hatch. */
export function grantsSetting(service: Service): Record<string, string> {
  // Scopes in lower case: ARM ids are case-insensitive, and a spelling change is no change.
  const list = hatchGrants(service).map((g) => ({ role: g.guid, scope: g.scope.toLowerCase() }));
  return list.length ? { [GRANTS_SETTING]: stableJson(list) } : {};
}

/** The assignments a deployed app's `SLSX_GRANTS` lists (a hand-edited or unreadable value lists none). */
export function grantsOf(settings: Record<string, unknown> | undefined): Array<{ scope: string; guid: string }> {
  try {
    const v = JSON.parse(String(settings?.[GRANTS_SETTING] ?? '[]')) as unknown;
    if (!Array.isArray(v)) return [];
    return v.flatMap((x) => {
      const scope = (x as { scope?: unknown })?.scope;
      const role = (x as { role?: unknown })?.role;
      return typeof scope === 'string' && typeof role === 'string' && GUID.test(role) && /^\/subscriptions\/[^/]+/i.test(scope) ? [{ scope: scopeOf(scope), guid: role.toLowerCase() }] : [];
    });
  } catch {
    return [];
  }
}

/** Props of an escape-hatch assignment, the same desired and observed. */
export function hatchProps(scope: string, guid: string): Record<string, string> {
  return { scope, role: roleLabel(guid), roleDefinitionId: hatchRoleDefinitionId(scope, guid), principalId: PLACEHOLDERS.principalId };
}

/**
 * One role assignment resource per escape-hatch entry (merged over functions), marked [IAM]. It
 * needs the identity; the scope is not a resource of the plan. Its props carry the subscription
 * of the scope as written (the scope may be in another subscription).
 */
export function desiredHatch(service: Service): DesiredResource[] {
  return hatchGrants(service).map((g) => ({
    id: g.id,
    type: TYPES.roleAssignment,
    security: true,
    props: hatchProps(g.scope, g.guid),
    replaceOn: ['scope', 'roleDefinitionId', 'principalId'],
    dependsOn: ['identity'],
  }));
}
