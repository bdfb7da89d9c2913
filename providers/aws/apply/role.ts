import { stableJson } from '../../../src/plan/diff.js';
import { call } from '../errors.js';
import { ROLE_POLICY_NAME } from '../observe-other.js';
import { TAG_SERVICE, TAG_STAGE } from '../naming.js';
import { changed, ignoreMissing, notOurs, tagList, type ApplyContext, type ResourceApply } from './context.js';
import { resolve } from '../session.js';

/** Services that act for any caller, so their trust is pinned to our account (confused-deputy guard). */
const PIN_TO_ACCOUNT = new Set(['scheduler.amazonaws.com']);

/** The trust policy letting `services` assume the role. */
export function trustDocument(services: string[], account?: string): string {
  return stableJson({
    Version: '2012-10-17',
    Statement: services.map((Service) => ({
      Effect: 'Allow',
      Principal: { Service },
      Action: 'sts:AssumeRole',
      ...(account && PIN_TO_ACCOUNT.has(Service) ? { Condition: { StringEquals: { 'aws:SourceAccount': account } } } : {}),
    })),
  });
}

async function putPolicy(c: ApplyContext): Promise<void> {
  const iam = await import('@aws-sdk/client-iam');
  const name = String(c.after.name);
  await call(`iam:PutRolePolicy ${name}`, () =>
    c.session.clients.iam.send(new iam.PutRolePolicyCommand({ RoleName: name, PolicyName: ROLE_POLICY_NAME, PolicyDocument: stableJson(c.after.policy) })),
  );
}

async function create(c: ApplyContext): Promise<void> {
  const iam = await import('@aws-sdk/client-iam');
  const client = c.session.clients.iam;
  const name = String(c.after.name);
  const trust = trustDocument(c.after.trust as string[], c.session.account);
  try {
    await client.send(new iam.CreateRoleCommand({ RoleName: name, Path: String(c.after.path), AssumeRolePolicyDocument: trust, Tags: tagList(c.tags) }));
  } catch (err) {
    if ((err as Error).name !== 'EntityAlreadyExistsException') return call(`iam:CreateRole ${name}`, () => Promise.reject(err));
    // A previous, interrupted run created it: take it over only if it is ours.
    const got = await call(`iam:GetRole ${name}`, () => client.send(new iam.GetRoleCommand({ RoleName: name })));
    const tags = Object.fromEntries((got.Role?.Tags ?? []).map((t) => [t.Key, t.Value]));
    if (tags[TAG_SERVICE] !== c.session.service || tags[TAG_STAGE] !== c.session.stage) {
      throw notOurs('IAM role', name, 'Another service uses this role name: rename the function or stage, or delete the role.');
    }
    await call(`iam:UpdateAssumeRolePolicy ${name}`, () => client.send(new iam.UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: trust })));
  }
  await putPolicy(c);
}

async function update(c: ApplyContext): Promise<void> {
  const iam = await import('@aws-sdk/client-iam');
  const name = String(c.after.name);
  if (changed(c, 'trust')) {
    await call(`iam:UpdateAssumeRolePolicy ${name}`, () =>
      c.session.clients.iam.send(new iam.UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: trustDocument(c.after.trust as string[], c.session.account) })),
    );
  }
  if (changed(c, 'policy')) await putPolicy(c);
  await stripForeign(c, c.before);
}

/**
 * Detach the managed policies and delete the inline policies sls-x did not put on the role (the
 * plan listed them under [IAM]): the role grants exactly its `slsx` policy.
 */
async function stripForeign(c: ApplyContext, observed: Record<string, unknown>): Promise<void> {
  const iam = await import('@aws-sdk/client-iam');
  const name = String(observed.name ?? c.after.name);
  for (const arn of (observed.managedPolicies as string[] | undefined) ?? []) {
    const PolicyArn = resolve(arn, c.session);
    await ignoreMissing(`iam:DetachRolePolicy ${name} ${PolicyArn}`, () => c.session.clients.iam.send(new iam.DetachRolePolicyCommand({ RoleName: name, PolicyArn })));
  }
  for (const policy of (observed.otherInlinePolicies as string[] | undefined) ?? []) {
    await ignoreMissing(`iam:DeleteRolePolicy ${name} ${policy}`, () => c.session.clients.iam.send(new iam.DeleteRolePolicyCommand({ RoleName: name, PolicyName: policy })));
  }
}

async function remove(c: ApplyContext): Promise<void> {
  const iam = await import('@aws-sdk/client-iam');
  const name = String(c.before.name);
  await stripForeign(c, c.before);
  await ignoreMissing(`iam:DeleteRolePolicy ${name}`, () => c.session.clients.iam.send(new iam.DeleteRolePolicyCommand({ RoleName: name, PolicyName: ROLE_POLICY_NAME })));
  await ignoreMissing(`iam:DeleteRole ${name}`, () => c.session.clients.iam.send(new iam.DeleteRoleCommand({ RoleName: name })));
}

/** IAM role with one inline policy (`slsx`). */
export const roleApply: ResourceApply = { create, update, delete: remove };
