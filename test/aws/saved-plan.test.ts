import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAws } from './support/fake-aws.js';
import { cleanup, cli, shopProject } from './support/cli.js';

/** Issue 8.3: `deploy plan.json` re-derives the plan from faas.yaml and the code and refuses any difference. */
describe('a saved plan that was edited is refused, with nothing written', () => {
  const dirs: string[] = [];
  afterEach(() => cleanup(dirs));

  async function planned() {
    const aws = new FakeAws();
    const dir = shopProject(dirs);
    expect((await cli(['plan', '--target', 'aws', '--out', 'plan.json'], dir, aws)).code).toBe(0);
    const file = join(dir, 'plan.json');
    return { aws, dir, file, plan: JSON.parse(readFileSync(file, 'utf8')) };
  }

  const refused = async (aws: FakeAws, dir: string, id: string) => {
    aws.resetCalls();
    const out = await cli(['deploy', 'plan.json'], dir, aws);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`error PLAN_STALE: plan.json does not match what faas.yaml and the code give now (${id}`);
    // Only the deploy lock's own object may have been written; nothing of the service.
    expect(aws.mutatingCalls().filter((n) => !/^s3:(PutObject|DeleteObject|CreateBucket)$/.test(n))).toEqual([]);
    expect(aws.roles.size).toBe(0);
  };

  it('a role policy widened to *:*', async () => {
    const { aws, dir, file, plan } = await planned();
    const role = plan.changes.find((c: { id: string }) => c.id === 'role:api');
    role.after.policy.Statement.push({ Sid: 'Everything', Effect: 'Allow', Action: '*', Resource: '*' });
    writeFileSync(file, JSON.stringify(plan));
    await refused(aws, dir, 'role:api');
  });

  it('a new trust principal', async () => {
    const { aws, dir, file, plan } = await planned();
    const role = plan.changes.find((c: { id: string }) => c.id === 'role:api');
    role.after.trust.push('AWS:arn:aws:iam::999999999999:root');
    writeFileSync(file, JSON.stringify(plan));
    await refused(aws, dir, 'role:api');
  });

  it('an added delete of something the stage does not own', async () => {
    const { aws, dir, file, plan } = await planned();
    plan.changes.push({ id: 'role:admin', type: 'aws:iam:role', action: 'delete', reasons: ['not in config'], before: { name: 'OrganizationAccountAccessRole', path: '/' }, dependsOn: [], security: true });
    writeFileSync(file, JSON.stringify(plan));
    await refused(aws, dir, 'role:admin');
  });

  it('an untouched saved plan still applies', async () => {
    const { aws, dir } = await planned();
    const out = await cli(['deploy', 'plan.json'], dir, aws);
    expect(out.code).toBe(0);
    expect(aws.roles.has('shop-dev-api')).toBe(true);
  });
});
