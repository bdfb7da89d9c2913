/**
 * The queue and bucket clients on AWS Lambda: SQS and S3 through the AWS SDK v3 that the
 * Node.js runtime already has (non-literal imports: esbuild leaves the SDK out of the zip, and
 * nothing is loaded until a handler first sends or reads). Credentials, region and endpoints are
 * the function's own (its role; `AWS_ENDPOINT_URL*` for emulators). Signed URLs are SigV4
 * query-string signatures made here with node:crypto from the role's credentials.
 */
import { createHash, createHmac } from 'node:crypto';
import { encodeRfc3986 } from './uri.js';
import type { ListResult, ObjectInfo, OutgoingMessage, ResourceDriver, ResourceRef } from '../../../src/runtime/resources.js';

type Env = Record<string, string | undefined>;
type Sdk = Record<string, new (input?: object) => unknown>;
interface Client {
  send(command: unknown): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function load(name: string): Promise<Sdk> {
  const spec = `@aws-sdk/${name}`;
  return (await import(spec)) as Sdk;
}

const notFound = (err: unknown): boolean => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
};

/** SQS message attributes from the neutral ones (all strings). */
function sqsAttributes(attributes: Record<string, string>): Record<string, { DataType: string; StringValue: string }> | undefined {
  const entries = Object.entries(attributes);
  return entries.length ? Object.fromEntries(entries.map(([k, v]) => [k, { DataType: 'String', StringValue: v }])) : undefined;
}

const strip = (etag: string | undefined): string | undefined => etag?.replace(/^"|"$/g, '');

export function awsResources(env: Env = process.env): ResourceDriver {
  let sqs: Promise<{ sdk: Sdk; client: Client }> | undefined;
  let s3: Promise<{ sdk: Sdk; client: Client }> | undefined;
  const urls = new Map<string, Promise<string>>();
  const sqsClient = () =>
    (sqs ??= load('client-sqs').then((sdk) => ({ sdk, client: new sdk.SQSClient!({}) as Client })));
  const s3Client = () =>
    (s3 ??= load('client-s3').then((sdk) => {
      const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
      return { sdk, client: new sdk.S3Client!(endpoint ? { forcePathStyle: true } : {}) as Client };
    }));
  const queueUrl = (queue: ResourceRef): Promise<string> => {
    let url = urls.get(queue.physical);
    if (!url) {
      url = sqsClient().then(async ({ sdk, client }) => (await client.send(new sdk.GetQueueUrlCommand!({ QueueName: queue.physical }))).QueueUrl as string);
      url.catch(() => urls.delete(queue.physical));
      urls.set(queue.physical, url);
    }
    return url;
  };

  return {
    maxBatch: 10,
    async sendBatch(queue, messages: OutgoingMessage[]) {
      const [{ sdk, client }, QueueUrl] = await Promise.all([sqsClient(), queueUrl(queue)]);
      const fifo = queue.physical.endsWith('.fifo');
      const res = await client.send(
        new sdk.SendMessageBatchCommand!({
          QueueUrl,
          Entries: messages.map((m, i) => ({
            Id: String(i),
            MessageBody: m.body,
            ...(m.delay && !fifo ? { DelaySeconds: m.delay } : {}),
            ...(sqsAttributes(m.attributes) ? { MessageAttributes: sqsAttributes(m.attributes) } : {}),
            ...(fifo ? { MessageGroupId: 'default', ...(m.dedupeId ? { MessageDeduplicationId: m.dedupeId } : {}) } : {}),
          })),
        }),
      );
      const out: Array<{ id?: string; error?: string }> = messages.map(() => ({ error: 'not acknowledged by SQS' }));
      for (const ok of res.Successful ?? []) out[Number(ok.Id)] = { id: ok.MessageId };
      for (const bad of res.Failed ?? []) out[Number(bad.Id)] = { error: `${bad.Code ?? 'Failed'}: ${bad.Message ?? ''}`.trim() };
      return out;
    },
    async put(bucket, key, data, contentType) {
      const { sdk, client } = await s3Client();
      const res = await client.send(new sdk.PutObjectCommand!({ Bucket: bucket.physical, Key: key, Body: data, ...(contentType ? { ContentType: contentType } : {}) }));
      return { key, size: data.length, ...(res.ETag ? { etag: strip(res.ETag) } : {}), ...(contentType ? { contentType } : {}) };
    },
    async get(bucket, key) {
      const { sdk, client } = await s3Client();
      try {
        const res = await client.send(new sdk.GetObjectCommand!({ Bucket: bucket.physical, Key: key }));
        const data = new Uint8Array(await res.Body.transformToByteArray());
        return { ...objectInfo(key, res, data.length), data };
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
    },
    async head(bucket, key) {
      const { sdk, client } = await s3Client();
      try {
        const res = await client.send(new sdk.HeadObjectCommand!({ Bucket: bucket.physical, Key: key }));
        return objectInfo(key, res, Number(res.ContentLength ?? 0));
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
    },
    async delete(bucket, key) {
      const { sdk, client } = await s3Client();
      await client.send(new sdk.DeleteObjectCommand!({ Bucket: bucket.physical, Key: key }));
    },
    async list(bucket, { prefix, cursor, limit }): Promise<ListResult> {
      const { sdk, client } = await s3Client();
      const res = await client.send(new sdk.ListObjectsV2Command!({ Bucket: bucket.physical, MaxKeys: limit, ...(prefix ? { Prefix: prefix } : {}), ...(cursor ? { ContinuationToken: cursor } : {}) }));
      return {
        objects: (res.Contents ?? []).map((o: { Key: string; Size?: number; ETag?: string; LastModified?: Date }) => ({
          key: o.Key,
          size: Number(o.Size ?? 0),
          ...(o.ETag ? { etag: strip(o.ETag) } : {}),
          ...(o.LastModified ? { lastModified: new Date(o.LastModified).toISOString() } : {}),
        })),
        ...(res.IsTruncated && res.NextContinuationToken ? { cursor: res.NextContinuationToken } : {}),
      };
    },
    async signedUrl(bucket, key, { method, expiresIn }) {
      return presignS3({ env, bucket: bucket.physical, key, method, expiresIn, now: new Date() });
    },
  };
}

function objectInfo(key: string, res: { ContentLength?: number; ETag?: string; ContentType?: string; LastModified?: Date }, size: number): ObjectInfo {
  return {
    key,
    size,
    ...(res.ETag ? { etag: strip(res.ETag) } : {}),
    ...(res.ContentType ? { contentType: res.ContentType } : {}),
    ...(res.LastModified ? { lastModified: new Date(res.LastModified).toISOString() } : {}),
  };
}

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/**
 * A SigV4 presigned S3 URL (query-string authentication):
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html. Virtual-hosted
 * style on AWS; path style under an endpoint override (emulators). Payload unsigned.
 */
export function presignS3(o: { env: Env; bucket: string; key: string; method: 'GET' | 'PUT'; expiresIn: number; now: Date }): string {
  const accessKey = o.env.AWS_ACCESS_KEY_ID;
  const secret = o.env.AWS_SECRET_ACCESS_KEY;
  const region = o.env.AWS_REGION ?? o.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  if (!accessKey || !secret) throw new Error('sls-x: signing a URL needs the function\'s credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), which Lambda sets');
  const override = o.env.AWS_ENDPOINT_URL_S3 ?? o.env.AWS_ENDPOINT_URL;
  // us-east-1 answers on the global host too (and the AWS documentation's worked example uses it).
  const host = region === 'us-east-1' ? `${o.bucket}.s3.amazonaws.com` : `${o.bucket}.s3.${region}.amazonaws.com`;
  const base = override ? new URL(override) : new URL(`https://${host}`);
  const path = `${override ? `${base.pathname.replace(/\/$/, '')}/${encodeRfc3986(o.bucket)}` : ''}/${encodeRfc3986(o.key, true)}`;
  const amzDate = o.now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/s3/aws4_request`;
  const query: Record<string, string> = {
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${accessKey}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(o.expiresIn),
    ...(o.env.AWS_SESSION_TOKEN ? { 'X-Amz-Security-Token': o.env.AWS_SESSION_TOKEN } : {}),
    'X-Amz-SignedHeaders': 'host',
  };
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((k) => `${encodeRfc3986(k)}=${encodeRfc3986(query[k]!)}`)
    .join('&');
  const canonicalRequest = [o.method, path, canonicalQuery, `host:${base.host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(toSign, 'utf8').digest('hex');
  return `${base.protocol}//${base.host}${path}?${canonicalQuery}&X-Amz-Signature=${signature}`;
}
