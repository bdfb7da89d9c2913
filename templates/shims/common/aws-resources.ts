/**
 * The queue, bucket and table clients on AWS Lambda: SQS, S3 and DynamoDB through the AWS SDK
 * v3 that the Node.js runtime already has (non-literal imports: esbuild leaves the SDK out of the
 * zip, and nothing is loaded until a handler first sends, reads or uses a table). Credentials,
 * region and endpoints are the function's own (its role; `AWS_ENDPOINT_URL*` for emulators).
 * Signed URLs are SigV4 query-string signatures made here with node:crypto from the role's
 * credentials. Table items are marshalled to DynamoDB attribute values here (no util-dynamodb in
 * the zip), so they are ordinary items in the console.
 */
import { createHash, createHmac } from 'node:crypto';
import { encodeRfc3986 } from './uri.js';
import type { ListResult, ObjectInfo, OutgoingMessage, ResourceDriver, ResourceRef } from '../../../src/runtime/resources.js';
import type { TableDriver, TableItem, TablePage, TableRef } from '../../../src/runtime/tables.js';

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
  let dynamo: Promise<{ sdk: Sdk; client: Client }> | undefined;
  const urls = new Map<string, Promise<string>>();
  const sqsClient = () =>
    (sqs ??= load('client-sqs').then((sdk) => ({ sdk, client: new sdk.SQSClient!({}) as Client })));
  const s3Client = () =>
    (s3 ??= load('client-s3').then((sdk) => {
      const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
      return { sdk, client: new sdk.S3Client!(endpoint ? { forcePathStyle: true } : {}) as Client };
    }));
  const dynamoClient = () => (dynamo ??= load('client-dynamodb').then((sdk) => ({ sdk, client: new sdk.DynamoDBClient!({}) as Client })));
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
    table: dynamoTables(dynamoClient),
  };
}

const conditionFailed = (err: unknown): boolean => (err as { name?: string })?.name === 'ConditionalCheckFailedException';

/** `#k` in expressions: the key attribute's name, whatever it is (reserved words included). */
const keyName = (t: TableRef): Record<string, string> => ({ '#k': t.key });

/**
 * The table client's calls on DynamoDB. get: GetItem, strongly consistent. put: PutItem, with
 * `attribute_not_exists` / `attribute_exists` on the key for `absent` / `exists` (a failed
 * condition writes nothing: false). delete: DeleteItem (`attribute_exists` for `exists`).
 * list: a key prefix cannot be a Query on a partition key, so it is a Scan (strongly consistent)
 * with `begins_with` as a filter, page after page until `limit` + 1 items are found or the table
 * ends; the cursor is the last returned item's key, from which the next Scan starts
 * (ExclusiveStartKey). A Scan is in DynamoDB's order, not key order, and reads (and bills) every
 * item it passes, matching or not.
 */
export function dynamoTables(dynamoClient: () => Promise<{ sdk: Sdk; client: Client }>): TableDriver {
  const keyOf = (t: TableRef, key: string) => ({ [t.key]: { S: key } });
  return {
    async get(t, key) {
      const { sdk, client } = await dynamoClient();
      const res = await client.send(new sdk.GetItemCommand!({ TableName: t.physical, Key: keyOf(t, key), ConsistentRead: true }));
      return res.Item ? unmarshalItem(res.Item) : undefined;
    },
    async put(t, _key, item, condition) {
      const { sdk, client } = await dynamoClient();
      try {
        await client.send(
          new sdk.PutItemCommand!({
            TableName: t.physical,
            Item: marshalItem(item),
            ...(condition ? { ConditionExpression: condition === 'absent' ? 'attribute_not_exists(#k)' : 'attribute_exists(#k)', ExpressionAttributeNames: keyName(t) } : {}),
          }),
        );
        return true;
      } catch (err) {
        if (condition && conditionFailed(err)) return false;
        throw err;
      }
    },
    async delete(t, key, condition) {
      const { sdk, client } = await dynamoClient();
      try {
        const res = await client.send(
          new sdk.DeleteItemCommand!({
            TableName: t.physical,
            Key: keyOf(t, key),
            ...(condition === 'exists' ? { ConditionExpression: 'attribute_exists(#k)', ExpressionAttributeNames: keyName(t), ReturnValues: 'ALL_OLD' } : {}),
          }),
        );
        return condition === 'exists' ? res.Attributes !== undefined : true;
      } catch (err) {
        if (condition === 'exists' && conditionFailed(err)) return false;
        throw err;
      }
    },
    async list(t, { prefix, cursor, limit }): Promise<TablePage> {
      const { sdk, client } = await dynamoClient();
      const items: TableItem[] = [];
      let start: Record<string, unknown> | undefined = cursor ? keyOf(t, cursor) : undefined;
      // One more than the page, so the cursor is given only when there is a next page.
      while (items.length <= limit) {
        const res = await client.send(
          new sdk.ScanCommand!({
            TableName: t.physical,
            ConsistentRead: true,
            // A filter is applied after a page is read: `Limit` would bound the items read, not those found.
            ...(prefix
              ? { FilterExpression: 'begins_with(#k, :p)', ExpressionAttributeNames: keyName(t), ExpressionAttributeValues: { ':p': { S: prefix } } }
              : { Limit: limit + 1 - items.length }),
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const it of res.Items ?? []) items.push(unmarshalItem(it));
        if (!res.LastEvaluatedKey) break;
        start = res.LastEvaluatedKey;
      }
      const out = items.slice(0, limit);
      return { items: out, ...(items.length > limit ? { cursor: String(out[out.length - 1]![t.key]) } : {}) };
    },
  };
}

/** A DynamoDB attribute value (the shapes sls-x writes, and the sets and binaries others may). */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> }
  | { B: Uint8Array }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: Uint8Array[] };

/** DynamoDB numbers: 38 significant digits, magnitudes from 1E-130 to below 1E+126. */
const MAX_NUMBER = 1e126;
const MIN_NUMBER = 1e-130;

/** A JSON number as DynamoDB's N: plain decimal digits (no exponent), refused when DynamoDB cannot hold it. */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`sls-x: ${n} is not a JSON number`);
  const abs = Math.abs(n);
  if (abs >= MAX_NUMBER || (abs > 0 && abs < MIN_NUMBER)) throw new RangeError(`sls-x: DynamoDB cannot store the number ${n} (magnitudes from 1e-130 to below 1e126)`);
  const text = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, int, frac = '', exp] = m;
  const digits = `${int}${frac}`;
  const point = int!.length + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** One JSON value as a DynamoDB attribute value: strings S, numbers N, booleans BOOL, null NULL, arrays L, objects M. */
export function marshal(value: unknown): AttributeValue {
  if (value === null) return { NULL: true };
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'number':
      return { N: numberText(value) };
    case 'boolean':
      return { BOOL: value };
    case 'object':
      if (Array.isArray(value)) return { L: value.map(marshal) };
      return { M: marshalItem(value as TableItem) };
    default:
      throw new TypeError(`sls-x: a table item holds JSON values only (got ${typeof value})`);
  }
}

/** An item (a JSON object) as DynamoDB's attribute map. */
export function marshalItem(item: TableItem): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(item)) {
    // The AWS SDK v3 reads such an attribute back without its value: refused rather than lost.
    if (k === '__proto__') throw new TypeError('sls-x: on AWS an item cannot hold an attribute named `__proto__` (the AWS SDK drops its value when reading it back); rename it');
    Object.defineProperty(out, k, { value: marshal(v), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** A DynamoDB attribute value as JSON. Sets and binaries (not written by sls-x) become arrays and base64 strings. */
export function unmarshal(value: AttributeValue | Record<string, unknown>): unknown {
  const v = value as Record<string, unknown>;
  if ('S' in v) return v.S;
  if ('N' in v) return Number(v.N);
  if ('BOOL' in v) return v.BOOL;
  if ('NULL' in v) return null;
  if ('L' in v) return (v.L as AttributeValue[]).map(unmarshal);
  if ('M' in v) return unmarshalItem(v.M as Record<string, AttributeValue>);
  if ('SS' in v) return [...(v.SS as string[])];
  if ('NS' in v) return (v.NS as string[]).map(Number);
  if ('B' in v) return b64(v.B as Uint8Array);
  if ('BS' in v) return (v.BS as Uint8Array[]).map(b64);
  throw new TypeError(`sls-x: an attribute value of an unknown type (${Object.keys(v).join(', ')})`);
}

/** DynamoDB's attribute map as an item (a JSON object). */
export function unmarshalItem(item: Record<string, AttributeValue | Record<string, unknown>>): TableItem {
  const out: TableItem = {};
  for (const [k, v] of Object.entries(item)) {
    if (v === undefined || v === null) throw new TypeError(`sls-x: the attribute '${k}' of an item came back from DynamoDB without a value (the AWS SDK drops the value of an attribute named \`__proto__\`)`);
    Object.defineProperty(out, k, { value: unmarshal(v), enumerable: true, writable: true, configurable: true });
  }
  return out;
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
