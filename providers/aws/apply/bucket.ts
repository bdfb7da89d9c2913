import { SlsxError } from '../../../src/errors/slsx-error.js';
import { call, isAwsError } from '../errors.js';
import { tagList, type ApplyContext, type ResourceApply } from './context.js';

async function create(c: ApplyContext): Promise<void> {
  const s3 = await import('@aws-sdk/client-s3');
  const { session } = c;
  const bucket = String(c.after.name);
  try {
    await session.clients.s3.send(
      new s3.CreateBucketCommand({ Bucket: bucket, ...(session.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: session.region as never } }) }),
    );
  } catch (err) {
    if (isAwsError(err, 'BucketAlreadyExists')) {
      throw new SlsxError('RESOURCE_CONFLICT', `The bucket name '${bucket}' is taken by another AWS account.`, {
        hint: 'Bucket names are global: set `targets.aws.account` (it changes the name hash) or point the bucket at one you own with `existing:`.',
      });
    }
    // BucketAlreadyOwnedByYou: an interrupted run created it; tagging below adopts it.
    if (!isAwsError(err, 'BucketAlreadyOwnedByYou')) await call(`s3:CreateBucket ${bucket}`, () => Promise.reject(err));
  }
  await call(`s3:PutBucketTagging ${bucket}`, () =>
    session.clients.s3.send(new s3.PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: tagList(c.tags) }, ExpectedBucketOwner: session.account })),
  );
}

async function remove(c: ApplyContext): Promise<void> {
  const { DeleteBucketCommand } = await import('@aws-sdk/client-s3');
  const bucket = String(c.before.name);
  try {
    await c.session.clients.s3.send(new DeleteBucketCommand({ Bucket: bucket, ExpectedBucketOwner: c.session.account }));
  } catch (err) {
    if (isAwsError(err, 'NoSuchBucket')) return;
    if (isAwsError(err, 'BucketNotEmpty')) {
      // sls-x never deletes user data: the bucket stays (tagged) until it is emptied.
      throw new SlsxError('RESOURCE_CONFLICT', `The bucket '${bucket}' still holds objects, so it was not deleted.`, {
        hint: `Empty it (aws s3 rm s3://${bucket} --recursive) and run remove again.`,
      });
    }
    await call(`s3:DeleteBucket ${bucket}`, () => Promise.reject(err));
  }
}

/** An S3 bucket sls-x creates (buckets named `existing:` in the config are never created or deleted). */
export const bucketApply: ResourceApply = { create, update: async () => {}, delete: remove };
