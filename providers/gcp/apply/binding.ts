import { SlsxError } from '../../../src/errors/slsx-error.js';
import type { IamCondition, IamPolicy } from '../clients.js';
import { call, errorKind, mapGcpError } from '../errors.js';
import type { BindingKind } from '../desired-iam.js';
import { isOurCondition, POLICY_API, readPolicy } from '../observe-iam.js';
import { isHatchId } from '../extra-iam.js';
import { IAM_POLICY_VERSION, waitOptions } from '../clients.js';
import { isPropagation, type ApplyContext, type ResourceApply } from './context.js';
import { withBackoff } from '../../../src/apply/backoff.js';

type Bindings = Record<string, string[]>;

/**
 * The policy with sls-x's members changed from `before` to `after`, every other member kept:
 * grants others made on a shared bucket or secret are never touched.
 */
export function mergePolicy(policy: IamPolicy, before: Bindings, after: Bindings): IamPolicy {
  // Conditional bindings (IAM Conditions) are never sls-x's: kept exactly as they are. Folding
  // them into the unconditional binding of their role would drop the condition and widen
  // someone else's access (e.g. a prefix-limited reader would read the whole bucket).
  const conditional = (policy.bindings ?? []).filter((b) => b.condition);
  const plain = (policy.bindings ?? []).filter((b) => !b.condition);
  const roles = new Set([...plain.map((b) => String(b.role)), ...Object.keys(after)]);
  const bindings = [...roles]
    .map((role) => {
      const current = plain.filter((b) => b.role === role).flatMap((b) => b.members ?? []);
      const kept = current.filter((m) => !(before[role] ?? []).includes(m));
      return { role, members: [...new Set([...kept, ...(after[role] ?? [])])].sort() };
    })
    .filter((b) => b.members.length > 0);
  // A policy with conditions must be written as version 3, or the write is refused.
  return { ...policy, ...(conditional.length ? { version: IAM_POLICY_VERSION } : {}), bindings: [...bindings, ...conditional] };
}

const sameCondition = (a: IamCondition | null | undefined, b: IamCondition | null | undefined): boolean =>
  (a?.title ?? '') === (b?.title ?? '') && (a?.description ?? '') === (b?.description ?? '') && (a?.expression ?? '') === (b?.expression ?? '');

/**
 * The project's policy with sls-x's Firestore grants changed: its members (`before`, and members
 * of deleted accounts) leave every binding whose condition carries this stage's marker, the
 * `after` members join the binding of
 * their role with exactly `condition` (made when missing), and bindings left empty go. Every
 * other binding, conditional or not, is kept as it is; the policy is written as version 3.
 */
export function mergeConditional(policy: IamPolicy, owner: { service: string; stage: string }, before: Bindings, after: Bindings, condition: IamCondition | undefined): IamPolicy {
  const bindings = (policy.bindings ?? []).map((b) => {
    if (!b.condition || !isOurCondition(b.condition, owner)) return b;
    const leaving = new Set(before[String(b.role)] ?? []);
    // `deleted:serviceAccount:...` is what IAM leaves of an account deleted while granted: in a
    // binding of sls-x's own, that can only be one of its removed functions.
    return { ...b, members: (b.members ?? []).filter((m) => !leaving.has(m) && !m.startsWith('deleted:')) };
  });
  for (const [role, members] of Object.entries(after)) {
    if (members.length === 0 || !condition) continue;
    const existing = bindings.find((b) => b.role === role && sameCondition(b.condition, condition));
    if (existing) existing.members = [...new Set([...(existing.members ?? []), ...members])].sort();
    else bindings.push({ role, members: [...members].sort(), condition: { ...condition } });
  }
  return { ...policy, version: IAM_POLICY_VERSION, bindings: bindings.filter((b) => (b.members ?? []).length > 0) };
}

async function write(c: ApplyContext, before: Bindings, after: Bindings, resource: string, kind: BindingKind): Promise<void> {
  const api = POLICY_API[kind];
  const wait = waitOptions(c.session.clients);
  const doing = `${api}.setIamPolicy ${resource}`;
  // Each try reads the policy afresh: someone else may have changed it since (etag), or a new
  // service account may not be visible yet.
  const attempt = async (): Promise<void> => {
    const policy = await readPolicy(c.session, api, resource);
    if (!policy) {
      if (Object.keys(after).length === 0) return; // Deleting grants on something already gone.
      if (isHatchId(c.change.id)) {
        // An escape-hatch resource is never sls-x's to create: it must exist before the deploy.
        const shown = kind === 'bucket' ? `projects/_/buckets/${resource}` : resource;
        throw new SlsxError('USAGE', `Cannot grant ${Object.keys(after).join(', ')} on \`${shown}\` (functions.<fn>.targets.gcp.roles): it does not exist, or the credentials in use cannot see it.`, {
          hint: 'sls-x never creates a referenced resource: create it first, or fix its name in `targets.gcp.roles` or in the `references:` entry its `${ref:...}` names.',
        });
      }
      throw new SlsxError('CLOUD_ERROR', `Cannot grant access on ${resource}: it does not exist.`, { hint: 'Deploy again; if it keeps failing, check the resource in the console.' });
    }
    const next = kind === 'project' ? mergeConditional(policy, c.session, before, after, c.after.condition as IamCondition | undefined) : mergePolicy(policy, before, after);
    if (api === 'storage') await c.session.clients.storage.setIamPolicy(resource, next);
    else await c.session.clients[api].setIamPolicy({ resource, policy: next });
  };
  const retryIf = (err: unknown): boolean => !(err instanceof SlsxError) && (errorKind(err) === 'precondition' || errorKind(err) === 'conflict' || isPropagation(err));
  await withBackoff(attempt, { attempts: wait.propagationAttempts, sleep: wait.sleep, baseMs: 1000, maxMs: 15_000, retryIf }).catch((err: unknown) => {
    throw mapGcpError(err, doing);
  });
}

const bindingsOf = (props: Record<string, unknown>): Bindings => (props.bindings as Bindings | undefined) ?? {};

/** IAM grants on one resource (a function's Cloud Run service, a topic, a bucket, a secret): sls-x's members only. */
export const bindingApply: ResourceApply = {
  create: (c) => write(c, {}, bindingsOf(c.after), String(c.after.resource), c.after.kind as BindingKind),
  update: (c) => write(c, bindingsOf(c.before), bindingsOf(c.after), String(c.after.resource), c.after.kind as BindingKind),
  delete: (c) => call(`remove grants on ${String(c.before.resource)}`, () => write(c, bindingsOf(c.before), {}, String(c.before.resource), c.before.kind as BindingKind)),
};
