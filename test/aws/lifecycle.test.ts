import { describe, expect, it } from 'vitest';
import { adapter } from '../../providers/aws/index.js';
import type { Service } from '../../src/model/service.js';
import { FakeAws } from './support/fake-aws.js';
import { artifacts, context, deploy, fn, plan, service, work } from './support/service.js';

/** A service with one of everything. */
function full(): Service {
  return service(
    [
      fn('api', { events: [{ kind: 'http', method: 'GET', path: '/orders/{id}', cors: false }], sends: ['orders'], secrets: ['STRIPE_KEY'] }),
      fn('worker', { events: [{ kind: 'queue', queue: 'orders', batchSize: 10, batchWindowMs: 0 }] }),
      fn('nightly', { events: [{ kind: 'schedule', expression: 'cron(0 3 * * *)', cron: '0 3 * * *', timezone: 'UTC', enabled: true }] }),
      fn('thumbnail', { events: [{ kind: 'storage', bucket: 'uploads', on: ['created', 'deleted'] }] }),
    ],
    { queues: [{ name: 'orders', visibilityTimeoutMs: 60_000, maxRetries: 2, deadLetter: true, retentionMs: 345_600_000 }], buckets: [{ name: 'uploads' }] },
  );
}

function counts(aws: FakeAws) {
  return {
    functions: aws.functions.size,
    roles: aws.roles.size,
    logGroups: aws.logGroups.size,
    queues: aws.queues.size,
    apis: aws.apis.size,
    routes: [...aws.apis.values()].reduce((n, a) => n + a.routes.size, 0),
    integrations: [...aws.apis.values()].reduce((n, a) => n + a.integrations.size, 0),
    mappings: aws.mappings.size,
    schedules: [...aws.scheduleGroups.values()].reduce((n, g) => n + g.schedules.size, 0),
    buckets: aws.buckets.size,
  };
}

const DEPLOYED = { functions: 4, roles: 5, logGroups: 4, queues: 2, apis: 1, routes: 1, integrations: 1, mappings: 1, schedules: 1, buckets: 1 };

describe('aws adapter: whole deploys', () => {
  it('an interrupted deploy is completed by deploying again: no duplicates, no orphans, then a no-op', async () => {
    for (const step of ['lambda:CreateFunction', 'iam:PutRolePolicy', 'apigateway:CreateStage', 'apigateway:CreateRoute', 'lambda:CreateEventSourceMapping', 's3:PutBucketTagging', 's3:PutBucketNotificationConfiguration', 'scheduler:CreateSchedule']) {
      const aws = new FakeAws();
      const s = full();
      const arts = artifacts(s);
      aws.failNext(step);
      await expect(deploy(s, arts, context(aws)), step).rejects.toThrow(/injected failure/);
      await deploy(s, arts, context(aws));
      expect(counts(aws), step).toEqual(DEPLOYED);
      aws.resetCalls();
      const again = await deploy(s, arts, context(aws));
      expect(work(again.changes), step).toEqual([]);
      expect(aws.mutatingCalls(), step).toEqual([]);
    }
  });

  it('the least-privilege policy of a function with queues and secrets names exactly those, no wildcards', async () => {
    const aws = new FakeAws();
    const s = full();
    await deploy(s, artifacts(s), context(aws));
    const doc = JSON.parse(aws.inputs('iam:PutRolePolicy').find((i) => i.RoleName === 'shop-dev-api').PolicyDocument);
    expect(doc.Statement).toEqual([
      { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: ['arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/shop-dev-api:*'] },
      { Sid: 'SendQueues', Effect: 'Allow', Action: ['sqs:GetQueueUrl', 'sqs:SendMessage'], Resource: ['arn:aws:sqs:eu-west-1:123456789012:shop-dev-orders'] },
      { Sid: 'ReadSecrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/dev/STRIPE_KEY-??????'] },
    ]);
    for (const input of aws.inputs('iam:PutRolePolicy')) {
      for (const st of JSON.parse(input.PolicyDocument).Statement) {
        expect(st.Action).not.toContain('*');
        expect(st.Resource).not.toContain('*');
      }
    }
  });

  it('remove deletes exactly what carries the service and stage tags', async () => {
    const aws = new FakeAws();
    const s = full();
    const arts = artifacts(s);
    await deploy(s, arts, context(aws));
    // Another stage of the same service, deployed into the same account.
    const prod = { ...full(), stage: 'prod' };
    await deploy(prod, artifacts(prod), context(aws));
    const before = counts(aws);
    aws.resetCalls();
    const p = await deploy(s, arts, context(aws), true);
    expect(p.changes.every((c) => c.action === 'delete')).toBe(true);
    expect(p.changes).toHaveLength(25);
    // Only dev names were touched.
    for (const c of aws.calls.filter((x) => !/:(Get|List|Describe|Head|Filter)/.test(x.name))) {
      expect(JSON.stringify(c.input)).not.toMatch(/shop-prod|prod\b/);
    }
    expect(counts(aws)).toEqual({ ...before, ...Object.fromEntries(Object.entries(DEPLOYED).map(([k, v]) => [k, before[k as keyof typeof before] - v])) });
    expect([...aws.functions.keys()].sort()).toEqual(['shop-prod-api', 'shop-prod-nightly', 'shop-prod-thumbnail', 'shop-prod-worker']);
    expect(await adapter.observe(p.scope, context(aws))).toEqual([]);
  });

  it('keeps warm instances as provisioned concurrency on a `live` alias that events invoke', async () => {
    const aws = new FakeAws();
    const s = service([fn('api', { concurrency: { max: 10, warm: 2 }, events: [{ kind: 'http', method: 'GET', path: '/', cors: false }] })]);
    const arts = artifacts(s);
    await deploy(s, arts, context(aws));
    expect(aws.inputs('lambda:CreateAlias')).toEqual([{ FunctionName: 'shop-dev-api', Name: 'live', FunctionVersion: '1' }]);
    expect(aws.inputs('lambda:PutProvisionedConcurrencyConfig')).toEqual([{ FunctionName: 'shop-dev-api', Qualifier: 'live', ProvisionedConcurrentExecutions: 2 }]);
    expect(aws.inputs('apigateway:CreateIntegration')[0].IntegrationUri).toBe('arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-api:live');
    expect(aws.inputs('lambda:AddPermission')[0]).toMatchObject({ FunctionName: 'shop-dev-api', Qualifier: 'live' });
    aws.resetCalls();
    expect(work((await deploy(s, arts, context(aws))).changes)).toEqual([]);
    // New code: the function is updated, a version published and the alias moved.
    const p = await deploy(s, artifacts(s, { api: 'v2' }), context(aws));
    expect(work(p.changes)).toEqual(['update alias:api', 'update function:api']);
    expect(aws.inputs('lambda:UpdateAlias')).toEqual([{ FunctionName: 'shop-dev-api', Name: 'live', FunctionVersion: '2' }]);
  });

  it('deletes the versions the `live` alias moved away from, keeping those an alias points to', async () => {
    const aws = new FakeAws();
    const s = service([fn('api', { concurrency: { max: 10, warm: 1 } })]);
    await deploy(s, artifacts(s), context(aws));
    // A user's own alias on version 1 keeps that version alive.
    aws.functions.get('shop-dev-api').aliases.set('pinned', { version: '1', statements: [] });
    await deploy(s, artifacts(s, { api: 'v2' }), context(aws));
    await deploy(s, artifacts(s, { api: 'v3' }), context(aws));
    const live = () => aws.functions.get('shop-dev-api').versions.filter((v: any) => !v.deleted).map((v: any) => v.Version);
    expect(aws.inputs('lambda:DeleteFunction')).toEqual([{ FunctionName: 'shop-dev-api', Qualifier: '2' }]);
    expect(live()).toEqual(['1', '3']);
    // Warm instances turned off: the alias goes, and with it the versions only it used.
    aws.functions.get('shop-dev-api').aliases.delete('pinned');
    aws.resetCalls();
    const off = service([fn('api', { concurrency: { max: 10, warm: 0 } })]);
    expect(work((await deploy(off, artifacts(off, { api: 'v3' }), context(aws))).changes)).toEqual(['delete alias:api']);
    expect(aws.inputs('lambda:DeleteFunction')).toEqual([
      { FunctionName: 'shop-dev-api', Qualifier: '1' },
      { FunctionName: 'shop-dev-api', Qualifier: '3' },
    ]);
    expect(aws.functions.has('shop-dev-api')).toBe(true);
  });

  it('stages zips above the direct-upload limit in S3', async () => {
    const aws = new FakeAws();
    const s = service([fn('big')]);
    const [art] = artifacts(s);
    const { writeFileSync } = await import('node:fs');
    const { createHash } = await import('node:crypto');
    const bytes = Buffer.alloc(51 * 1024 * 1024, 7);
    writeFileSync(art.zipPath, bytes);
    const big = { ...art, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    await deploy(s, [big], context(aws));
    const [create] = aws.inputs('lambda:CreateFunction');
    expect(create.Code).toEqual({ S3Bucket: 'slsx-deploy-123456789012-eu-west-1', S3Key: `shop/dev/shop-dev-big/${big.sha256}.zip` });
    expect(aws.functions.get('shop-dev-big').config.CodeSha256).toBe(Buffer.from(big.sha256, 'hex').toString('base64'));
    // Lambda copied the zip: the staged object is deleted, so the shared bucket keeps no code.
    expect(aws.inputs('s3:DeleteObject')).toContainEqual({ Bucket: 'slsx-deploy-123456789012-eu-west-1', Key: create.Code.S3Key, ExpectedBucketOwner: '123456789012' });
    expect([...aws.buckets.get('slsx-deploy-123456789012-eu-west-1')!.objects.keys()]).toEqual([]);
  });

  it('refuses to deploy code that changed since the plan was made', async () => {
    const aws = new FakeAws();
    const s = service([fn('api')]);
    const [art] = artifacts(s);
    const p = await plan(s, [art], context(aws));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(art.zipPath, 'tampered');
    const ctx = context(aws);
    await adapter.scope(s, ctx);
    const change = p.changes.find((c) => c.id === 'function:api')!;
    await expect(adapter.apply(change, ctx)).rejects.toMatchObject({ code: 'PLAN_STALE' });
  });
});
