import { afterEach, describe, expect, it } from 'vitest';
import { bucketClient, installResourceDriver, outgoing, queueClient, type OutgoingMessage, type ResourceDriver, type ResourceRef } from '../../src/runtime/resources.js';
import { createQueueMessage } from '../../src/runtime/queue.js';
import { presignS3 } from '../../templates/shims/common/aws-resources.js';

const ENV = {
  SLSX_FUNCTION_NAME: 'api',
  SLSX_QUEUES: JSON.stringify({ orders: 'shop-dev-orders' }),
  SLSX_BUCKETS: JSON.stringify({ uploads: 'shop-dev-uploads', archive: 'shop-dev-archive' }),
  SLSX_BUCKET_ACCESS: JSON.stringify({ uploads: 'readwrite', archive: 'read' }),
};

/** A driver that records each batch and fails what `fail` says. */
function recordingDriver(fail: (m: OutgoingMessage, i: number) => string | undefined = () => undefined, throwOnBatch?: number) {
  const batches: Array<{ queue: ResourceRef; messages: OutgoingMessage[] }> = [];
  let n = 0;
  const driver: ResourceDriver = {
    maxBatch: 10,
    async sendBatch(queue, messages) {
      batches.push({ queue, messages });
      if (throwOnBatch === batches.length) throw new Error('AWS.SimpleQueueService.BatchRequestTooLong');
      return messages.map((m, i) => (fail(m, i) ? { error: fail(m, i) } : { id: `m-${++n}` }));
    },
    put: async (_b, key, data, contentType) => ({ key, size: data.length, contentType }),
    get: async () => undefined,
    head: async () => undefined,
    delete: async () => {},
    list: async () => ({ objects: [] }),
    signedUrl: async (b, key, o) => `https://signed/${b.physical}/${key}?${o.method}&${o.expiresIn}`,
  };
  return { driver, batches };
}

afterEach(() => installResourceDriver(undefined));

describe('queue client', () => {
  it('sends to the physical queue from the env; objects as JSON, bytes as marked base64, attributes and delay kept', async () => {
    const { driver, batches } = recordingDriver();
    installResourceDriver(driver);
    const q = queueClient('orders', ENV);
    await q.send({ id: 1 }, { attributes: { source: 'api' }, delay: 30 });
    await q.send(new Uint8Array([0, 255, 7]));
    expect(batches.map((b) => b.queue.physical)).toEqual(['shop-dev-orders', 'shop-dev-orders']);
    expect(batches[0]!.messages).toEqual([{ body: '{"id":1}', attributes: { source: 'api' }, delay: 30 }]);
    expect(batches[1]!.messages).toEqual([{ body: 'AP8H', attributes: { 'slsx-encoding': 'base64' } }]);
    // ... and every queue shim turns the marked body back into the same bytes.
    const msg = createQueueMessage({ id: 'x', body: batches[1]!.messages[0]!.body, attributes: batches[1]!.messages[0]!.attributes });
    expect([...msg.bytes()]).toEqual([0, 255, 7]);
    expect(msg.attributes).toEqual({});
  });

  it('sendBatch chunks by the target limit and returns every failure by its index, never throwing them away', async () => {
    const { driver, batches } = recordingDriver((m) => (m.body === 'bad' ? 'InvalidMessageContents' : undefined), 3);
    installResourceDriver(driver);
    const entries = Array.from({ length: 25 }, (_, i) => (i === 4 ? 'bad' : { body: `m${i}` }));
    const out = await queueClient('orders', ENV).sendBatch(entries.map((e) => (typeof e === 'string' ? { body: e } : e)));
    expect(batches.map((b) => b.messages.length)).toEqual([10, 10, 5]);
    // Index 4 refused by the target; the third chunk (20..24) failed as a whole.
    expect(out.failed.map((f) => f.index).sort((a, b) => a - b)).toEqual([4, 20, 21, 22, 23, 24]);
    expect(out.failed.find((f) => f.index === 4)!.error).toBe('InvalidMessageContents');
    expect(out.failed.find((f) => f.index === 22)!.error).toContain('BatchRequestTooLong');
    expect(out.sent).toHaveLength(19);
    expect(new Set(out.sent.map((s) => s.index)).size).toBe(19);
  });

  it('refuses an undeclared queue with the declaration to add; send throws what the target said', async () => {
    expect(() => queueClient('audit', ENV)).toThrow("queue 'audit' is not declared for this function: add 'audit' to `sends:` of function 'api' in faas.yaml and deploy again (declared: orders)");
    installResourceDriver(recordingDriver(() => 'AccessDenied').driver);
    await expect(queueClient('orders', ENV).send('x')).rejects.toThrow("sending to queue 'orders' failed: AccessDenied");
    expect(() => outgoing('x', { attributes: { 'slsx-encoding': 'x' } })).toThrow(/reserved/);
    expect(() => outgoing('x', { delay: -1 })).toThrow(/delay/);
  });

  it('outside any target it says where the clients work', async () => {
    await expect(queueClient('orders', ENV).send('x')).rejects.toThrow(/inside a deployed function .* or under sls-x\/testing/);
  });
});

describe('bucket client', () => {
  it('puts with a content type from the value, enforces the declared access, and checks signed URL expiry', async () => {
    installResourceDriver(recordingDriver().driver);
    const b = bucketClient('uploads', ENV);
    expect(await b.put('a.json', { a: 1 })).toEqual({ key: 'a.json', size: 7, contentType: 'application/json' });
    expect(await b.put('a.txt', 'hi')).toMatchObject({ contentType: 'text/plain; charset=utf-8' });
    expect(await b.put('a.bin', new Uint8Array([1]))).toMatchObject({ contentType: 'application/octet-stream' });
    expect(await b.signedUrl('a.txt', { method: 'PUT', expiresIn: 60 })).toBe('https://signed/shop-dev-uploads/a.txt?PUT&60');
    await expect(b.signedUrl('a.txt', { method: 'GET', expiresIn: 0 })).rejects.toThrow(/expiresIn/);
    const ro = bucketClient('archive', ENV);
    await expect(ro.put('x', 'y')).rejects.toThrow("bucket 'archive' is declared with access: read, so it cannot be written");
    await expect(ro.delete('x')).rejects.toThrow(/cannot be written/);
    await expect(ro.signedUrl('x', { method: 'PUT', expiresIn: 60 })).rejects.toThrow(/cannot be written/);
    await expect(ro.get('x')).resolves.toBeUndefined();
    expect(() => bucketClient('nope', ENV)).toThrow(/bucket 'nope' is not declared for this function: add `\{ name: nope, access: readwrite \}` to `buckets:`/);
  });
});

describe('S3 signed URLs (SigV4 query-string authentication)', () => {
  it('matches the worked example of the S3 documentation byte for byte', () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html ("An example")
    const url = presignS3({
      env: { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', AWS_REGION: 'us-east-1' },
      bucket: 'examplebucket',
      key: 'test.txt',
      method: 'GET',
      expiresIn: 86400,
      now: new Date('2013-05-24T00:00:00Z'),
    });
    expect(url).toBe(
      'https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });
});
