import type { ObservedResource } from '../../src/core/resources.js';
import { IAM_POLICY_VERSION, type IamCondition, type IamPolicy, type IamPolicyApi } from './clients.js';
import { callOrMissing } from './errors.js';
import { parseMarker, PLACEHOLDERS, TYPES } from './naming.js';
import { accountResource, PUBSUB_AGENT, ROLES, type BindingKind } from './desired-iam.js';
import { DATABASE_ID, TABLES_GRANT_ID } from './desired.js';
import { resolve, templatize, type Session } from './session.js';
import { grantsOf, hatchTarget, type HatchTarget } from './extra-iam.js';

/** The policy API of each kind of binding. */
export const POLICY_API: Record<BindingKind, PolicyApi> = {
  run: 'run',
  topic: 'publisher',
  subscription: 'subscriber',
  bucket: 'storage',
  secret: 'secrets',
  sa: 'accountPolicies',
  project: 'projectPolicies',
  'project-extra': 'projectPolicies',
};

const MANAGED_ROLES: Record<BindingKind, string[]> = {
  run: [ROLES.invoker],
  topic: [ROLES.publisher],
  // Escape-hatch kinds only: their roles are the config's, so they are read by member (hatchBindings).
  subscription: [],
  'project-extra': [],
  bucket: [ROLES.objectViewer, ROLES.objectUser],
  secret: [ROLES.secretAccessor],
  sa: [ROLES.tokenCreator],
  project: [ROLES.datastoreUser, ROLES.datastoreViewer],
};

/** True when a condition is sls-x's own for this service and stage (its description is the marker). */
export function isOurCondition(condition: IamCondition | null | undefined, s: { service: string; stage: string }): boolean {
  const m = parseMarker(condition?.description);
  return !!m && m.service === s.service && m.stage === s.stage && m.id === TABLES_GRANT_ID;
}

/**
 * sls-x's Firestore grants in the project's policy: the members it manages (its own service
 * accounts) in the conditional bindings whose condition carries its marker, and that condition.
 * Every other binding, conditional or not, is someone else's and is neither read nor touched.
 */
export function ourConditionalBindings(policy: IamPolicy | undefined, s: { service: string; stage: string }, ours: Set<string>): { condition?: IamCondition; bindings: Record<string, string[]> } {
  const out: Record<string, string[]> = {};
  let condition: IamCondition | undefined;
  for (const b of policy?.bindings ?? []) {
    const role = String(b.role ?? '');
    if (!MANAGED_ROLES.project.includes(role) || !isOurCondition(b.condition, s)) continue;
    const members = (b.members ?? []).filter((m) => ours.has(m));
    if (members.length === 0) continue;
    condition ??= { title: b.condition?.title ?? undefined, description: b.condition?.description ?? undefined, expression: b.condition?.expression ?? undefined };
    out[role] = [...new Set([...(out[role] ?? []), ...members])].sort();
  }
  return { ...(condition ? { condition } : {}), bindings: Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b))) };
}

/**
 * sls-x's escape-hatch grants in a policy: every role, unconditional bindings only, held by one of
 * `accounts` (this stage's function service accounts, nobody else). The roles are whatever the
 * config asked for, so these are found by member; `except` are roles another binding of sls-x
 * manages on the same policy (an escape hatch on one of sls-x's own topics, buckets or secrets):
 * those stay that binding's.
 */
export function hatchBindings(policy: IamPolicy | undefined, accounts: Set<string>, except: string[] = []): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const b of policy?.bindings ?? []) {
    const role = String(b.role ?? '');
    if (b.condition || except.includes(role)) continue;
    const members = (b.members ?? []).filter((m) => accounts.has(m));
    if (members.length > 0) out[role] = [...new Set([...(out[role] ?? []), ...members])].sort();
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** The members sls-x manages in a policy: its own service accounts, `allUsers` on its functions, the Pub/Sub agent on its topics. */
export function ourBindings(policy: IamPolicy | undefined, kind: BindingKind, ours: Set<string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const b of policy?.bindings ?? []) {
    const role = String(b.role ?? '');
    // A conditional binding is someone else's (sls-x grants none): not read as sls-x's, never removed.
    if (!MANAGED_ROLES[kind].includes(role) || b.condition) continue;
    const members = (b.members ?? []).filter((m) => ours.has(m) || (kind === 'run' && m === 'allUsers'));
    if (members.length > 0) out[role] = [...new Set([...(out[role] ?? []), ...members])].sort();
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

interface Observed {
  accounts: ObservedResource[];
  functions: ObservedResource[];
  topics: ObservedResource[];
  buckets: ObservedResource[];
  /** The stage's Firestore database, when observed. */
  databases?: ObservedResource[];
}

/**
 * sls-x's grants: on its functions' Cloud Run services, its topics and buckets, and on the
 * existing buckets and secrets the config names (session.external). Only sls-x's own members
 * are read, so grants others made are neither shown nor touched.
 */
export async function observeBindings(session: Session, seen: Observed): Promise<ObservedResource[]> {
  const emails = new Map(seen.accounts.map((a) => [`serviceAccount:${a.physicalId}`, a.id]));
  const ours = new Set([...emails.keys(), resolve(PUBSUB_AGENT, session)]);
  const targets: Array<{ id: string; kind: BindingKind; resource: string; api: PolicyApi; deps: string[]; hatch?: boolean }> = [];
  for (const a of seen.accounts) {
    const fn = a.id.slice('sa:'.length);
    if (fn === 'invoker' || !a.physicalId) continue;
    targets.push({ id: `iam:sa:${fn}`, kind: 'sa', resource: accountResource(String(a.physicalId)), api: 'accountPolicies', deps: [a.id] });
  }
  for (const f of seen.functions) {
    const fn = f.id.slice('function:'.length);
    targets.push({ id: `iam:run:${fn}`, kind: 'run', resource: `projects/${session.project}/locations/${session.region}/services/${String(f.props.name)}`, api: 'run', deps: [f.id] });
  }
  for (const t of seen.topics) targets.push({ id: `iam:${t.id}`, kind: 'topic', resource: String(t.physicalId), api: 'publisher', deps: [t.id] });
  const bucketKeys = new Set<string>();
  for (const b of seen.buckets) {
    const key = b.id.slice('bucket:'.length);
    bucketKeys.add(key);
    targets.push({ id: `iam:bucket:${key}`, kind: 'bucket', resource: String(b.props.name), api: 'storage', deps: [b.id] });
  }
  // Grants on things sls-x does not own: those the config names, and those the deployed
  // functions still use (so a grant the config no longer wants is found and removed).
  const external = referenced(session, seen.functions);
  for (const b of external.buckets) {
    if (!bucketKeys.has(b.key)) targets.push({ id: `iam:bucket:${b.key}`, kind: 'bucket', resource: b.name, api: 'storage', deps: [] });
  }
  for (const s of external.secrets) {
    targets.push({ id: `iam:secret:${s}`, kind: 'secret', resource: resolve(session.names.secretPath(s), session), api: 'secrets', deps: [] });
  }
  // The Firestore grants: only when the config has tables, or the stage has a database or functions that still use tables.
  const tablesUsed = seen.functions.some((f) => (f.props.env as Record<string, string> | undefined)?.SLSX_TABLES);
  if (session.tables || seen.databases?.length || tablesUsed) {
    targets.push({ id: TABLES_GRANT_ID, kind: 'project', resource: `projects/${session.project}`, api: 'projectPolicies', deps: seen.databases?.length ? [DATABASE_ID] : [] });
  }
  // Escape-hatch grants: on the resources the config names, and those the deployed functions
  // still list in SLSX_GRANTS (so a grant the config no longer wants is found and removed).
  // Only this stage's function accounts count as sls-x's there (not the invoker, not the agent).
  const accounts = new Set([...emails].filter(([, id]) => id !== 'sa:invoker').map(([m]) => m));
  // (The Firestore grant's roles in the project's policy are conditional bindings: never read here anyway.)
  const managed = new Map(targets.filter((t) => t.kind !== 'project').map((t) => [`${t.api} ${t.resource}`, MANAGED_ROLES[t.kind]]));
  for (const h of hatchTargets(session, seen.functions)) {
    targets.push({ id: h.id, kind: h.kind, resource: h.resource, api: POLICY_API[h.kind], deps: [], hatch: true });
  }
  const results = await Promise.all(
    targets.map(async (t): Promise<ObservedResource | undefined> => {
      if (t.kind === 'project') return observeProjectBinding(session, t, ours, emails);
      if (t.hatch) {
        const found = hatchBindings(await readPolicy(session, t.api, t.resource), accounts, managed.get(`${t.api} ${t.resource}`) ?? []);
        if (Object.keys(found).length === 0) return undefined;
        return {
          id: t.id,
          type: TYPES.binding,
          security: true,
          // The resource is kept as written (it is the config's, not sls-x's): only the members' emails get placeholders.
          props: { kind: t.kind, resource: t.resource, bindings: templatize(found, session) },
          physicalId: t.resource,
          dependsOn: [...new Set(Object.values(found).flat().map((m) => emails.get(m) as string))],
        };
      }
      const policy = await readPolicy(session, t.api, t.resource);
      const bindings = ourBindings(policy, t.kind, ours);
      if (Object.keys(bindings).length === 0) return undefined;
      const memberDeps = Object.values(bindings).flat().flatMap((m) => (emails.has(m) ? [emails.get(m) as string] : []));
      return {
        id: t.id,
        type: TYPES.binding,
        security: true,
        props: templatize({ kind: t.kind, resource: t.resource, bindings }, session),
        physicalId: t.resource,
        dependsOn: [...new Set([...t.deps, ...memberDeps])],
      };
    }),
  );
  return results.filter((r): r is ObservedResource => r !== undefined);
}

async function observeProjectBinding(session: Session, t: { id: string; resource: string; deps: string[] }, ours: Set<string>, emails: Map<string, string>): Promise<ObservedResource | undefined> {
  const policy = await readPolicy(session, 'projectPolicies', t.resource);
  const { condition, bindings } = ourConditionalBindings(policy, session, ours);
  if (!condition) return undefined;
  const memberDeps = Object.values(bindings).flat().flatMap((m) => (emails.has(m) ? [emails.get(m) as string] : []));
  return {
    id: t.id,
    type: TYPES.binding,
    security: true,
    // `projects/<id>` has no trailing `/` for templatize to find: the placeholder is put back here.
    props: { ...templatize({ kind: 'project', condition, bindings }, session), resource: `projects/${PLACEHOLDERS.project}` },
    physicalId: t.resource,
    dependsOn: [...new Set([...t.deps, ...memberDeps])],
  };
}

/** Escape-hatch resources named by the config or listed by a deployed function (SLSX_GRANTS), once each. */
function hatchTargets(session: Session, functions: ObservedResource[]): HatchTarget[] {
  const names = new Set(session.external.grants ?? []);
  for (const f of functions) for (const r of grantsOf(f.props.env as Record<string, string> | undefined)) names.add(r);
  const byId = new Map<string, HatchTarget>();
  for (const n of [...names].sort()) {
    const t = hatchTarget(n);
    if (t && !byId.has(t.id)) byId.set(t.id, t);
  }
  return [...byId.values()];
}

/** Existing buckets and secrets named by the config or used by a deployed function. */
function referenced(session: Session, functions: ObservedResource[]): Session['external'] {
  const buckets = new Map(session.external.buckets.map((b) => [b.key, b.name]));
  const secrets = new Set(session.external.secrets);
  const prefix = `${session.names.prefix}-`;
  for (const f of functions) {
    for (const s of (f.props.secrets as Array<{ secret?: string }> | undefined) ?? []) {
      if (s.secret?.startsWith(prefix)) secrets.add(s.secret.slice(prefix.length));
    }
    try {
      const map = JSON.parse(String((f.props.env as Record<string, string> | undefined)?.SLSX_BUCKETS ?? '{}')) as Record<string, string>;
      for (const [key, name] of Object.entries(map)) if (!buckets.has(key)) buckets.set(key, name);
    } catch {
      // Not ours to judge: a hand-edited variable just means no bucket grants are looked up from it.
    }
  }
  return { buckets: [...buckets].map(([key, name]) => ({ key, name })).sort((a, b) => a.key.localeCompare(b.key)), secrets: [...secrets].sort() };
}

/** A resource's IAM policy; undefined when the resource does not exist. */
export type PolicyApi = 'run' | 'publisher' | 'subscriber' | 'secrets' | 'storage' | 'accountPolicies' | 'projectPolicies';

export async function readPolicy(session: Session, api: PolicyApi, resource: string): Promise<IamPolicy | undefined> {
  if (api === 'storage') return callOrMissing(`storage.buckets.getIamPolicy ${resource}`, () => session.clients.storage.getIamPolicy(resource));
  const client: IamPolicyApi = session.clients[api];
  const got = await callOrMissing(`${api}.getIamPolicy ${resource}`, () => client.getIamPolicy({ resource, options: { requestedPolicyVersion: IAM_POLICY_VERSION } }));
  return got?.[0];
}
