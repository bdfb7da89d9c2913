import { call, isAwsError } from '../errors.js';
import { retryPropagation, type ApplyContext, type ResourceApply } from './context.js';

type Config = { id: string; function: string; events: string[]; prefix?: string; suffix?: string };

/**
 * Rewrite the bucket's notification configuration: keep everything not ours (other tools'
 * notifications, topics, queues, EventBridge) and replace the entries whose id carries our
 * prefix with `ours`. S3 has one configuration per bucket, so this is read-modify-write.
 */
async function write(c: ApplyContext, bucket: string, ours: Config[]): Promise<void> {
  const s3 = await import('@aws-sdk/client-s3');
  const client = c.session.clients.s3;
  const current = await call(`s3:GetBucketNotificationConfiguration ${bucket}`, () =>
    client.send(new s3.GetBucketNotificationConfigurationCommand({ Bucket: bucket, ExpectedBucketOwner: c.session.account })),
  );
  const { $metadata: _m, ...rest } = current;
  const others = (rest.LambdaFunctionConfigurations ?? []).filter((l) => !l.Id?.startsWith(c.session.names.notificationPrefix));
  const mine = ours.map((o) => ({
    Id: o.id,
    LambdaFunctionArn: o.function,
    Events: o.events as never[],
    ...(o.prefix || o.suffix
      ? { Filter: { Key: { FilterRules: [...(o.prefix ? [{ Name: 'prefix' as const, Value: o.prefix }] : []), ...(o.suffix ? [{ Name: 'suffix' as const, Value: o.suffix }] : [])] } } }
      : {}),
  }));
  const configuration = { ...rest, LambdaFunctionConfigurations: [...others, ...mine] };
  await retryPropagation(
    c.session,
    `s3:PutBucketNotificationConfiguration ${bucket}`,
    () => client.send(new s3.PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: configuration, ExpectedBucketOwner: c.session.account })),
    // S3 checks it may invoke the function; a just-added Lambda permission can take a moment.
    (err) => isAwsError(err, 'InvalidArgument') && /validate the following destination/i.test((err as Error).message),
  );
}

async function put(c: ApplyContext): Promise<void> {
  await write(c, String(c.after.bucket), c.after.configs as Config[]);
}

async function remove(c: ApplyContext): Promise<void> {
  const bucket = String(c.before.bucket);
  try {
    await write(c, bucket, []);
  } catch (err) {
    if (isAwsError((err as { cause?: unknown }).cause, 'NoSuchBucket')) return;
    throw err;
  }
}

/** This service's entries in a bucket's notification configuration (created or existing bucket). */
export const notificationApply: ResourceApply = { create: put, update: put, delete: remove };
