import { describe, expect, it } from 'vitest';
import { FakeAws } from './support/fake-aws.js';
import { awsError } from './support/fake-errors.js';
import { artifacts, context, deploy, fn, plan, service, work } from './support/service.js';
import { renderPlan } from '../../src/ui/render-plan.js';

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const ATTACKER = 'arn:aws:iam::999999999999:root';

/** Issue 8.4: what grants a role permissions outside its `slsx` policy is observed, shown and removed. */
describe('aws IAM drift on sls-x roles', () => {
  it('an attached AdministratorAccess, an extra inline policy and an extra trust principal are a change under [IAM], and deploy removes them', async () => {
    const aws = new FakeAws();
    const s = service([fn('api')]);
    await deploy(s, artifacts(s), context(aws));
    const role = [...aws.roles.entries()].find(([name]) => name === 'shop-dev-api')![1];

    // Changes made outside sls-x, e.g. in the console.
    (role.attached ??= new Set()).add(ADMIN);
    role.policies.set('debug-everything', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }));
    const trust = JSON.parse(role.trust);
    trust.Statement.push({ Effect: 'Allow', Principal: { AWS: ATTACKER }, Action: 'sts:AssumeRole' });
    role.trust = JSON.stringify(trust);

    const drifted = await plan(s, artifacts(s), context(aws));
    expect(work(drifted.changes)).toEqual(['update role:api']);
    const change = drifted.changes.find((c) => c.id === 'role:api')!;
    const reasons = change.reasons.join('\n');
    expect(reasons).toContain('AdministratorAccess');
    expect(reasons).toContain('debug-everything');
    expect(reasons).toContain(`AWS:${ATTACKER}`);
    expect(renderPlan(drifted)).toMatch(/\[IAM\]/);

    aws.resetCalls();
    await deploy(s, artifacts(s), context(aws));
    expect(role.attached?.has(ADMIN)).toBe(false);
    expect([...role.policies.keys()]).toEqual(['slsx']);
    expect(JSON.stringify(JSON.parse(role.trust))).not.toContain(ATTACKER);
    expect(work((await plan(s, artifacts(s), context(aws))).changes)).toEqual([]);
  });

  it('remove detaches what was attached by hand, so the role can be deleted', async () => {
    const aws = new FakeAws();
    const s = service([fn('api')]);
    await deploy(s, artifacts(s), context(aws));
    const role = aws.roles.get('shop-dev-api')!;
    (role.attached ??= new Set()).add(ADMIN);
    role.policies.set('extra', '{}');
    await deploy(s, [], context(aws), true);
    expect(aws.roles.has('shop-dev-api')).toBe(false);
  });
});

describe('aws observe while a role is being deleted', () => {
  it('a role gone between listing it and reading its policies is observed as absent, not an error', async () => {
    const aws = new FakeAws();
    const s = service([fn('api')]);
    await deploy(s, artifacts(s), context(aws));
    aws.failNext('iam:ListAttachedRolePolicies', awsError('NoSuchEntity', 'The role with name shop-dev-api cannot be found.', 404));
    const p = await plan(s, artifacts(s), context(aws));
    expect(p.changes.find((c) => c.id === 'role:api')?.action).toBe('create');
  });
});
