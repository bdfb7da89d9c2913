/**
 * The queue and bucket clients' AWS driver against moto's real SQS and S3 data planes (skipped
 * unless SLSX_MOTO_URL is set): messages sent by the clients are received from SQS and handed
 * to the real AWS queue shim as Lambda would, so bodies are checked byte for byte end to end;
 * objects are written, read, listed, deleted and fetched through signed URLs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installResourceDriver, queueClient, bucketClient } from '../../src/runtime/resources.js';
import { awsResources } from '../../templates/shims/common/aws-resources.js';
import { createAwsHandler } from '../../templates/shims/aws.js';
import type { QueueMessage } from '../../src/runtime/index.js';

const url = process.env.SLSX_MOTO_URL;

describe.skipIf(!url)('queue and bucket clients on AWS (moto SQS and S3)', () => {
  const env = { AWS_ENDPOINT_URL: url!, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' };
  // Names of their own per run: the emulator suites share one moto and run side by side.
  const run = Date.now().toString(36);
  const fnEnv = { ...env, SLSX_FUNCTION_NAME: 'api', SLSX_QUEUES: JSON.stringify({ orders: `res-${run}-orders` }), SLSX_BUCKETS: JSON.stringify({ uploads: `res-${run}-uploads` }) };
  let sqs: typeof import('@aws-sdk/client-sqs');
  let sqsClient: InstanceType<typeof import('@aws-sdk/client-sqs').SQSClient>;
  let queueUrl = '';

  beforeAll(async () => {
    // The driver's SDK clients read the process environment, as on Lambda.
    Object.assign(process.env, env);
    sqs = await import('@aws-sdk/client-sqs');
    const s3 = await import('@aws-sdk/client-s3');
    sqsClient = new sqs.SQSClient({ region: 'us-east-1' });
    queueUrl = (await sqsClient.send(new sqs.CreateQueueCommand({ QueueName: `res-${run}-orders` }))).QueueUrl!;
    await new s3.S3Client({ region: 'us-east-1', forcePathStyle: true }).send(new s3.CreateBucketCommand({ Bucket: `res-${run}-uploads` }));
    installResourceDriver(awsResources(process.env));
  });
  afterAll(() => installResourceDriver(undefined));

  async function receiveAll(n: number) {
    const got: Array<import('@aws-sdk/client-sqs').Message> = [];
    for (let i = 0; i < 20 && got.length < n; i++) {
      const res = await sqsClient.send(new sqs.ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }));
      got.push(...(res.Messages ?? []));
    }
    return got;
  }

  it('text, JSON and binary bodies reach the handler byte for byte through SQS and the AWS queue shim; 25 in a batch', async () => {
    const q = queueClient('orders', fnEnv);
    const binary = new Uint8Array(Array.from({ length: 256 }, (_, i) => i));
    await q.send('plain text ✓', { attributes: { kind: 'text' } });
    await q.send({ id: 7, note: 'json' }, { attributes: { kind: 'json' } });
    await q.send(binary, { attributes: { kind: 'binary' } });
    const batch = await q.sendBatch(Array.from({ length: 25 }, (_, i) => ({ body: `b${i}`, attributes: { kind: 'batch' } })));
    expect(batch.failed).toEqual([]);
    expect(batch.sent.map((s) => s.index)).toEqual(Array.from({ length: 25 }, (_, i) => i));

    const received = await receiveAll(28);
    expect(received).toHaveLength(28);
    // Hand them to the real shim as the Lambda SQS event source does.
    const seen: QueueMessage[] = [];
    const handler = createAwsHandler(async (msgs: QueueMessage[]) => void seen.push(...msgs), { functionName: 'worker', target: 'aws', service: 'res', stage: 'dev', timeoutMs: 3000, events: [{ kind: 'queue', queue: 'orders' }] });
    const Records = received.map((m) => ({
      eventSource: 'aws:sqs',
      messageId: m.MessageId,
      body: m.Body,
      attributes: m.Attributes ?? {},
      messageAttributes: Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, { stringValue: v.StringValue, dataType: v.DataType }])),
    }));
    await handler({ Records }, { awsRequestId: 'r', getRemainingTimeInMillis: () => 3000 });
    const byKind = (k: string) => seen.filter((m) => m.attributes.kind === k);
    expect(byKind('text')[0]!.body).toBe('plain text ✓');
    expect(byKind('json')[0]!.json()).toEqual({ id: 7, note: 'json' });
    expect([...byKind('binary')[0]!.bytes()]).toEqual([...binary]);
    expect(byKind('binary')[0]!.attributes).toEqual({ kind: 'binary' });
    expect(byKind('batch').map((m) => m.body).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `b${i}`).sort());
  });

  it('a delay is passed to SQS (the message is not visible at once)', async () => {
    await queueClient('orders', fnEnv).send('later', { delay: 5 });
    const res = await sqsClient.send(new sqs.ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    expect((res.Messages ?? []).map((m) => m.Body)).not.toContain('later');
  });

  it('put, get, head, list with a cursor, delete; signed URLs download and upload', async () => {
    const b = bucketClient('uploads', fnEnv);
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252]);
    await b.put('docs/a.json', { a: 1 });
    await b.put('docs/b.bin', bytes);
    await b.put('docs/c.txt', 'hello');
    expect((await b.get('docs/a.json'))!.json()).toEqual({ a: 1 });
    const got = (await b.get('docs/b.bin'))!;
    expect([...got.bytes()]).toEqual([...bytes]);
    expect(got.contentType).toBe('application/octet-stream');
    expect(await b.get('docs/none')).toBeUndefined();
    expect(await b.head('docs/c.txt')).toMatchObject({ key: 'docs/c.txt', size: 5, contentType: 'text/plain; charset=utf-8' });
    const page1 = await b.list({ prefix: 'docs/', limit: 2 });
    expect(page1.objects.map((o) => o.key)).toEqual(['docs/a.json', 'docs/b.bin']);
    const page2 = await b.list({ prefix: 'docs/', limit: 2, cursor: page1.cursor });
    expect(page2.objects.map((o) => o.key)).toEqual(['docs/c.txt']);
    expect(page2.cursor).toBeUndefined();

    const download = await b.signedUrl('docs/c.txt', { method: 'GET', expiresIn: 300 });
    expect(download).toMatch(/X-Amz-Signature=[0-9a-f]{64}$/);
    const res = await fetch(download);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello');
    const upload = await b.signedUrl('docs/up.txt', { method: 'PUT', expiresIn: 300 });
    expect((await fetch(upload, { method: 'PUT', body: 'uploaded' })).status).toBe(200);
    expect((await b.get('docs/up.txt'))!.text()).toBe('uploaded');

    await b.delete('docs/a.json');
    expect(await b.head('docs/a.json')).toBeUndefined();
  });
});
