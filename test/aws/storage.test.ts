import { describe, expect, it } from 'vitest';
import type { StorageEventSpec } from '../../src/model/service.js';
import { adapter } from '../../providers/aws/index.js';
import { FakeAws, ACCOUNT } from './support/fake-aws.js';
import { artifacts, context, deploy, fn, plan, service, work } from './support/service.js';

const created: StorageEventSpec = { kind: 'storage', bucket: 'uploads', on: ['created'], prefix: 'images/' };

describe('aws adapter: S3 buckets and notifications', () => {
  it('creates the bucket, the S3 invoke permission and the notification, and grants read on the bucket', async () => {
    const aws = new FakeAws();
    const s = service([fn('thumbnail', { events: [created] })], { buckets: [{ name: 'uploads' }] });
    const p = await deploy(s, artifacts(s), context(aws));
    const bucket = [...aws.buckets.keys()][0];
    expect(bucket).toMatch(/^shop-dev-uploads-[0-9a-f]{8}$/);
    expect(work(p.changes).filter((w) => /bucket|notification|permission/.test(w))).toEqual([
      'create bucket:uploads',
      `create notification:${bucket}`,
      `create permission:thumbnail:s3-${bucket}`,
    ]);
    expect(aws.inputs('s3:CreateBucket')).toEqual([{ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }]);
    expect(aws.inputs('s3:PutBucketTagging')).toEqual([
      { Bucket: bucket, ExpectedBucketOwner: ACCOUNT, Tagging: { TagSet: [{ Key: 'slsx:service', Value: 'shop' }, { Key: 'slsx:stage', Value: 'dev' }, { Key: 'slsx:id', Value: 'bucket:uploads' }] } },
    ]);
    expect(aws.inputs('lambda:AddPermission')).toEqual([
      {
        FunctionName: 'shop-dev-thumbnail',
        StatementId: `slsx-s3-${bucket}`,
        Action: 'lambda:InvokeFunction',
        Principal: 's3.amazonaws.com',
        SourceArn: `arn:aws:s3:::${bucket}`,
        SourceAccount: ACCOUNT,
      },
    ]);
    expect(aws.inputs('s3:PutBucketNotificationConfiguration')).toEqual([
      {
        Bucket: bucket,
        ExpectedBucketOwner: ACCOUNT,
        NotificationConfiguration: {
          LambdaFunctionConfigurations: [
            {
              Id: 'slsx-shop-dev-thumbnail-0',
              LambdaFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-thumbnail',
              Events: ['s3:ObjectCreated:*'],
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'images/' }] } },
            },
          ],
        },
      },
    ]);
    const policy = JSON.parse(aws.inputs('iam:PutRolePolicy')[0].PolicyDocument);
    expect(policy.Statement.slice(1)).toEqual([
      { Sid: 'ReadBuckets', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/*`] },
      { Sid: 'ListBuckets', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [`arn:aws:s3:::${bucket}`] },
    ]);
    // The permission exists before S3 is told to call the function.
    const names = aws.calls.map((c) => c.name);
    expect(names.indexOf('lambda:AddPermission')).toBeLessThan(names.indexOf('s3:PutBucketNotificationConfiguration'));
  });

  it('uses an existing bucket without creating or deleting it, keeping its other notifications', async () => {
    const aws = new FakeAws();
    const other = { Id: 'someone-elses', LambdaFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:other', Events: ['s3:ObjectRemoved:*'] };
    aws.buckets.set('team-assets', { owner: ACCOUNT, notification: { LambdaFunctionConfigurations: [other] }, objects: new Map([['a', { body: 'x', etag: '"1"' }]]) });
    const s = service([fn('thumbnail', { events: [{ ...created, prefix: undefined, suffix: '.png' }] })], { buckets: [{ name: 'uploads', existing: 'team-assets' }] });
    const arts = artifacts(s);
    const p = await deploy(s, arts, context(aws));
    expect(work(p.changes).some((w) => w.includes('bucket:'))).toBe(false);
    expect(aws.inputs('s3:CreateBucket')).toEqual([]);
    expect(aws.buckets.get('team-assets')!.notification.LambdaFunctionConfigurations).toEqual([
      other,
      { Id: 'slsx-shop-dev-thumbnail-0', LambdaFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-thumbnail', Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.png' }] } } },
    ]);
    aws.resetCalls();
    expect(work((await deploy(s, arts, context(aws))).changes)).toEqual([]);
    expect(aws.mutatingCalls()).toEqual([]);
    // remove: our notification and permission go, the bucket and the other notification stay.
    const r = await deploy(s, arts, context(aws), true);
    expect(work(r.changes)).toEqual(['delete function:thumbnail', 'delete logs:thumbnail', 'delete notification:team-assets', 'delete permission:thumbnail:s3-team-assets', 'delete role:thumbnail']);
    expect(aws.buckets.get('team-assets')!.notification.LambdaFunctionConfigurations).toEqual([other]);
    expect(aws.buckets.has('team-assets')).toBe(true);
  });

  it('refuses at plan time, before any write, a bucket owned by another account or missing', async () => {
    const aws = new FakeAws();
    aws.buckets.set('their-bucket', { owner: '999999999999', notification: {}, objects: new Map() });
    const s = service([fn('thumbnail', { events: [created] })], { buckets: [{ name: 'uploads', existing: 'their-bucket' }] });
    await expect(plan(s, artifacts(s), context(aws))).rejects.toMatchObject({
      code: 'RESOURCE_CONFLICT',
      diagnostics: [expect.objectContaining({ code: 'bucket-owned-elsewhere', path: 'buckets.uploads' })],
    });
    const s2 = service([fn('thumbnail', { events: [created] })], { buckets: [{ name: 'uploads', existing: 'nope' }] });
    await expect(adapter.scope(s2, context(aws))).rejects.toMatchObject({ diagnostics: [expect.objectContaining({ code: 'bucket-missing' })] });
    expect(aws.mutatingCalls()).toEqual([]);
  });
});
