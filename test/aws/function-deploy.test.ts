import { describe, expect, it } from 'vitest';
import { adapter } from '../../providers/aws/index.js';
import { FakeAws } from './support/fake-aws.js';
import { artifacts, context, deploy, fn, plan, service, work } from './support/service.js';

const svc = () =>
  service([fn('api', { env: { TABLE: 'orders-dev' }, concurrency: { max: 5, warm: 0 } }), fn('worker', { memory: 1024, timeoutMs: 30_000, architecture: 'x86_64' })]);

describe('aws adapter: functions, roles, log groups', () => {
  it('desired() is pure and deterministic, with placeholders instead of account and region', () => {
    const s = svc();
    const arts = artifacts(s);
    const a = adapter.desired(s, arts);
    expect(adapter.desired(s, arts)).toEqual(a);
    expect(a.map((r) => r.id)).toEqual(['role:api', 'logs:api', 'function:api', 'role:worker', 'logs:worker', 'function:worker']);
    const f = a.find((r) => r.id === 'function:api')!;
    expect(f.dependsOn).toEqual(['role:api', 'logs:api']);
    expect(f.props.role).toBe('arn:${AWS::Partition}:iam::${AWS::AccountId}:role/slsx/shop/dev/shop-dev-api');
    expect(a.find((r) => r.id === 'role:api')!.security).toBe(true);
  });

  it('first deploy sends exactly these requests (policy documents included) and only then', async () => {
    const aws = new FakeAws();
    const ctx = context(aws);
    const s = svc();
    const arts = artifacts(s);
    const p = await deploy(s, arts, ctx);
    expect(work(p.changes)).toEqual(['create function:api', 'create function:worker', 'create logs:api', 'create logs:worker', 'create role:api', 'create role:worker']);

    expect(aws.inputs('iam:CreateRole').find((i) => i.RoleName === 'shop-dev-api')).toEqual({
      RoleName: 'shop-dev-api',
      Path: '/slsx/shop/dev/',
      AssumeRolePolicyDocument: '{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"}}],"Version":"2012-10-17"}',
      Tags: [
        { Key: 'slsx:service', Value: 'shop' },
        { Key: 'slsx:stage', Value: 'dev' },
        { Key: 'slsx:id', Value: 'role:api' },
      ],
    });
    const policy = aws.inputs('iam:PutRolePolicy').find((i) => i.RoleName === 'shop-dev-api');
    expect(policy.PolicyName).toBe('slsx');
    expect(JSON.parse(policy.PolicyDocument)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Logs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: ['arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/shop-dev-api:*'],
        },
      ],
    });
    expect(aws.inputs('logs:CreateLogGroup')).toContainEqual({ logGroupName: '/aws/lambda/shop-dev-api', tags: { 'slsx:service': 'shop', 'slsx:stage': 'dev', 'slsx:id': 'logs:api' } });
    expect(aws.inputs('logs:PutRetentionPolicy')).toContainEqual({ logGroupName: '/aws/lambda/shop-dev-api', retentionInDays: 14 });

    const create = aws.inputs('lambda:CreateFunction').find((i) => i.FunctionName === 'shop-dev-api');
    const { Code, ...rest } = create;
    expect(Buffer.from(Code.ZipFile).toString()).toBe('zip of api: v1');
    expect(rest).toEqual({
      FunctionName: 'shop-dev-api',
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 10,
      EphemeralStorage: { Size: 512 },
      // The config's env, and the function's events and timeout for the shim (never in the zip).
      Environment: { Variables: { TABLE: 'orders-dev', SLSX_FUNCTIONS: '{"api":{"events":[],"region":"eu-west-1","service":"shop","stage":"dev"}}' } },
      Role: 'arn:aws:iam::123456789012:role/slsx/shop/dev/shop-dev-api',
      Architectures: ['arm64'],
      PackageType: 'Zip',
      Publish: false,
      Tags: { 'slsx:service': 'shop', 'slsx:stage': 'dev', 'slsx:id': 'function:api' },
    });
    expect(aws.inputs('lambda:CreateFunction').find((i) => i.FunctionName === 'shop-dev-worker')).toMatchObject({ MemorySize: 1024, Timeout: 30, Architectures: ['x86_64'] });
    expect(aws.inputs('lambda:PutFunctionConcurrency')).toEqual([{ FunctionName: 'shop-dev-api', ReservedConcurrentExecutions: 5 }]);

    // Dependencies: each role and log group before its function.
    const order = aws.calls.map((c) => `${c.name} ${c.input.RoleName ?? c.input.FunctionName ?? c.input.logGroupName ?? ''}`);
    expect(order.indexOf('iam:PutRolePolicy shop-dev-api')).toBeLessThan(order.indexOf('lambda:CreateFunction shop-dev-api'));
    expect(order.indexOf('logs:PutRetentionPolicy /aws/lambda/shop-dev-api')).toBeLessThan(order.indexOf('lambda:CreateFunction shop-dev-api'));
  });

  it('planning makes only read calls', async () => {
    const aws = new FakeAws();
    const ctx = context(aws);
    const s = svc();
    const p = await plan(s, artifacts(s), ctx);
    expect(p.scope).toEqual({ target: 'aws', service: 'shop', stage: 'dev', region: 'eu-west-1', account: '123456789012' });
    expect(aws.calls.length).toBeGreaterThan(0);
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it('a second deploy with no change plans only noops and makes no mutating call', async () => {
    const aws = new FakeAws();
    const s = svc();
    const arts = artifacts(s);
    await deploy(s, arts, context(aws));
    aws.resetCalls();
    const p = await deploy(s, arts, context(aws));
    expect(p.changes.map((c) => [c.id, c.action, c.reasons])).toEqual(p.changes.map((c) => [c.id, 'noop', []]));
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it('a changed handler updates only that function\'s code, with the reason', async () => {
    const aws = new FakeAws();
    const s = svc();
    await deploy(s, artifacts(s), context(aws));
    aws.resetCalls();
    const p = await deploy(s, artifacts(s, { worker: 'v2' }), context(aws));
    const changes = p.changes.filter((c) => c.action !== 'noop');
    expect(changes.map((c) => [c.action, c.id, c.reasons])).toEqual([['update', 'function:worker', ['codeSha256 changed (code changed)']]]);
    expect(aws.mutatingCalls()).toEqual(['lambda:UpdateFunctionCode']);
    const [update] = aws.inputs('lambda:UpdateFunctionCode');
    expect(update.FunctionName).toBe('shop-dev-worker');
    expect(Buffer.from(update.ZipFile).toString()).toBe('zip of worker: v2');
  });

  it('a config change updates configuration only, and says which field', async () => {
    const aws = new FakeAws();
    const s = svc();
    const arts = artifacts(s);
    await deploy(s, arts, context(aws));
    aws.resetCalls();
    const s2 = svc();
    s2.functions[0].memory = 1024;
    s2.functions[0].concurrency = { warm: 0 };
    const p = await deploy(s2, arts, context(aws));
    const change = p.changes.find((c) => c.id === 'function:api')!;
    expect(change.action).toBe('update');
    expect(change.reasons).toEqual(['memory: 512 -> 1024', 'reservedConcurrency: 5 -> (none)']);
    expect(aws.mutatingCalls().sort()).toEqual(['lambda:DeleteFunctionConcurrency', 'lambda:UpdateFunctionConfiguration']);
    expect(aws.inputs('lambda:UpdateFunctionConfiguration')[0]).toMatchObject({ FunctionName: 'shop-dev-api', MemorySize: 1024 });
  });

  it('a removed function is deleted with its role and log group, and nothing else', async () => {
    const aws = new FakeAws();
    const s = svc();
    await deploy(s, artifacts(s), context(aws));
    aws.resetCalls();
    const s2 = service([svc().functions[0]]);
    const p = await deploy(s2, artifacts(s2), context(aws));
    expect(work(p.changes)).toEqual(['delete function:worker', 'delete logs:worker', 'delete role:worker']);
    expect(aws.mutatingCalls().sort()).toEqual(['iam:DeleteRole', 'iam:DeleteRolePolicy', 'lambda:DeleteFunction', 'logs:DeleteLogGroup']);
    expect(aws.functions.has('shop-dev-worker')).toBe(false);
    expect(aws.roles.has('shop-dev-worker')).toBe(false);
    expect(aws.functions.has('shop-dev-api')).toBe(true);
    // The function goes before its role.
    const names = aws.calls.map((c) => c.name);
    expect(names.indexOf('lambda:DeleteFunction')).toBeLessThan(names.indexOf('iam:DeleteRole'));
  });

  it('retries CreateFunction while a new role propagates, with backoff through the injected sleep', async () => {
    const aws = new FakeAws();
    aws.rolePropagationDelay = 2;
    const s = service([fn('api')]);
    await deploy(s, artifacts(s), context(aws));
    expect(aws.inputs('lambda:CreateFunction')).toHaveLength(3);
    expect(aws.sleeps).toEqual([1000, 2000]);
    expect(aws.functions.has('shop-dev-api')).toBe(true);
  });
});
