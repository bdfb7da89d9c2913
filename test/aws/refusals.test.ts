import { describe, expect, it } from 'vitest';
import { adapter } from '../../providers/aws/index.js';
import { mapAwsError } from '../../providers/aws/errors.js';
import { LOCK_TTL_MS } from '../../providers/aws/lock.js';
import { awsError } from './support/fake-errors.js';
import { FakeAws } from './support/fake-aws.js';
import { artifacts, context, deploy, fn, plan, service } from './support/service.js';

describe('aws plan-time refusals (before any write)', () => {
  it('validate() refuses memory, timeout, /tmp and env size over Lambda limits, with where and how', () => {
    const s = service([fn('api', { memory: 20_000, timeoutMs: 1_000_000, ephemeralStorage: 20_000, env: { BIG: 'x'.repeat(5000) } })]);
    const errors = adapter.validate(s).filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.path])).toEqual([
      ['limit-memory', 'functions.api.memory'],
      ['limit-timeout', 'functions.api.timeout'],
      ['limit-ephemeral-storage', 'functions.api.ephemeralStorage'],
      ['limit-env-size', 'functions.api.env'],
    ]);
    expect(errors.every((d) => d.hint && d.file === '/project/faas.yaml')).toBe(true);
    expect(adapter.validate(service([fn('api')]))).toEqual([]);
  });

  it('counts the SLSX_* maps sls-x adds in the 4 KB environment limit', () => {
    const queues = Array.from({ length: 40 }, (_, i) => `queue-with-a-long-name-${i}`);
    const s = service([fn('api', { env: { A: 'x'.repeat(2000) }, sends: queues })], {
      queues: queues.map((name) => ({ name, visibilityTimeoutMs: 30_000, maxRetries: 1, deadLetter: false, retentionMs: 86_400_000 })),
    });
    expect(adapter.validate(s).filter((d) => d.severity === 'error').map((d) => [d.code, d.path])).toEqual([['limit-env-size', 'functions.api.env']]);
  });

  it('has nothing to say about secrets: the shim puts their values into process.env at cold start', () => {
    expect(adapter.validate(service([fn('api', { secrets: ['STRIPE_KEY'] })]))).toEqual([]);
  });

  it('refuses queues whose visibility timeout is shorter than the consumer timeout, and big batches without a window', () => {
    const s = service([fn('worker', { timeoutMs: 120_000, events: [{ kind: 'queue', queue: 'q', batchSize: 100, batchWindowMs: 0 }] })], {
      queues: [{ name: 'q', visibilityTimeoutMs: 30_000, maxRetries: 1, deadLetter: false, retentionMs: 86_400_000 }],
    });
    expect(adapter.validate(s).map((d) => d.code)).toEqual(['batch-window-required', 'queue-visibility-timeout']);
  });

  it('refuses an unknown region and a missing region', async () => {
    const aws = new FakeAws();
    await expect(adapter.scope(service([fn('api')], { targets: { aws: { region: 'eu-middle-7' } } }), context(aws))).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining("'eu-middle-7'") });
    await expect(adapter.scope(service([fn('api')], { targets: {} }), context(aws))).rejects.toMatchObject({ code: 'USAGE' });
    expect(aws.calls).toEqual([]);
  });

  it('refuses a role or function name taken by another service, listing each', async () => {
    const aws = new FakeAws();
    aws.roles.set('shop-dev-api', { path: '/', arn: 'arn:aws:iam::123456789012:role/shop-dev-api', trust: '{}', tags: { team: 'other' }, policies: new Map() });
    const other = service([fn('worker')], { service: 'shop', stage: 'dev' });
    await deploy(other, artifacts(other), context(aws));
    // Same names, but the function was created by "someone else": retag it.
    aws.functions.get('shop-dev-worker').tags = { 'slsx:service': 'other', 'slsx:stage': 'dev' };
    aws.resetCalls();
    const s = service([fn('api'), fn('worker')]);
    const err = await plan(s, artifacts(s), context(aws)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RESOURCE_CONFLICT' });
    expect((err as { diagnostics: Array<{ code: string }> }).diagnostics.map((d) => d.code).sort()).toEqual(['function-name-taken', 'role-name-taken']);
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it('refuses when the credentials are for another account than the config pins', async () => {
    const aws = new FakeAws();
    await expect(adapter.scope(service([fn('api')], { targets: { aws: { region: 'eu-west-1', account: '999999999999' } } }), context(aws))).rejects.toMatchObject({ code: 'CREDENTIALS' });
  });
});

describe('aws error mapping', () => {
  it('names the missing permission of an AccessDenied', () => {
    const e = mapAwsError(
      awsError('AccessDeniedException', 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: lambda:CreateFunction on resource: arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-api because no identity-based policy allows the lambda:CreateFunction action', 403),
      'lambda:CreateFunction shop-dev-api',
    );
    expect(e.code).toBe('ACCESS_DENIED');
    expect(e.message).toContain('missing permission lambda:CreateFunction');
    expect(e.hint).toContain('Grant lambda:CreateFunction');
  });

  it('maps credentials, throttling, quotas and conflicts to their codes', () => {
    expect(mapAwsError(awsError('CredentialsProviderError', 'Could not load credentials from any providers'), 'x').code).toBe('CREDENTIALS');
    expect(mapAwsError(awsError('ExpiredTokenException', 'The security token included in the request is expired'), 'x').code).toBe('CREDENTIALS');
    expect(mapAwsError(awsError('TooManyRequestsException', 'Rate exceeded', 429), 'x')).toMatchObject({ code: 'QUOTA_EXCEEDED', hint: expect.stringContaining('AWS_MAX_ATTEMPTS') });
    expect(mapAwsError(awsError('CodeStorageExceededException', 'Code storage limit exceeded.'), 'x').code).toBe('QUOTA_EXCEEDED');
    expect(mapAwsError(awsError('ResourceConflictException', 'Function already exist', 409), 'x').code).toBe('RESOURCE_CONFLICT');
    expect(mapAwsError(awsError('InternalFailure', 'oops', 500), 'x').code).toBe('CLOUD_ERROR');
  });
});

describe('aws deploy lock', () => {
  it('refuses a concurrent deploy of the same stage, and frees the lock on release', async () => {
    const aws = new FakeAws();
    const s = service([fn('api')]);
    const p = await plan(s, artifacts(s), context(aws));
    const release = await adapter.lock!(p.scope, context(aws));
    const second = adapter.lock!(p.scope, context(aws));
    await expect(second).rejects.toMatchObject({ code: 'DEPLOY_LOCKED', message: expect.stringContaining('shop/dev') });
    // Another stage is not blocked.
    const releaseProd = await adapter.lock!({ ...p.scope, stage: 'prod' }, context(aws));
    await release();
    const again = await adapter.lock!(p.scope, context(aws));
    await again();
    await releaseProd();
    expect([...aws.buckets.get('slsx-deploy-123456789012-eu-west-1')!.objects.keys()]).toEqual([]);
    expect(aws.inputs('s3:PutObject')[0]).toMatchObject({ Key: 'locks/shop/dev.json', IfNoneMatch: '*' });
  });

  it('takes over a lock whose holder died (expired)', async () => {
    const aws = new FakeAws();
    const s = service([fn('api')]);
    const p = await plan(s, artifacts(s), context(aws));
    const t0 = new Date('2026-11-27T10:00:00Z');
    await adapter.lock!(p.scope, context(aws, () => t0)); // never released: the holder "died"
    const later = new Date(t0.getTime() + LOCK_TTL_MS + 1000);
    const release = await adapter.lock!(p.scope, context(aws, () => later));
    await release();
  });
});
