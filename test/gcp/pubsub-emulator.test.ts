/**
 * The Pub/Sub pieces against Google's Pub/Sub emulator (`gcloud beta emulators pubsub start`), an
 * independent implementation of the Pub/Sub API, when `PUBSUB_EMULATOR_HOST` is set: topics and the
 * dead-letter queue's subscription as the topic apply creates them, a trigger subscription patched
 * with the same dead-letter policy and update mask the subscription apply sends, and dead letters
 * listed and redriven through the adapter. The emulator is not installable on the build machines
 * (it needs the gcloud SDK's Java component), so elsewhere this suite says why it is skipped.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { AdapterContext } from '../../src/core/adapter.js';
import type { Change } from '../../src/core/resources.js';
import { adapter } from '../../providers/gcp/index.js';
import { applyContext } from '../../providers/gcp/apply/context.js';
import { topicApply } from '../../providers/gcp/apply/topic.js';
import { TRIGGER_SUBSCRIPTION_MASK } from '../../providers/gcp/apply/subscription.js';
import { session } from '../../providers/gcp/operations.js';
import { artifacts, fn, service } from './support/service.js';

const host = process.env.PUBSUB_EMULATOR_HOST;
if (!host) console.log('[skipped] gcp Pub/Sub emulator suite: PUBSUB_EMULATOR_HOST is not set (start `gcloud beta emulators pubsub start` and export its host:port to run it).');

describe.skipIf(!host)('gcp Pub/Sub against the Pub/Sub emulator (issue 13.9)', () => {
  const stage = `e${randomUUID().slice(0, 6)}`;
  const s = service(
    [fn('worker', { events: [{ kind: 'queue', queue: 'orders', batchSize: 1, batchWindowMs: 0 }] })],
    { stage, queues: [{ name: 'orders', visibilityTimeoutMs: 30_000, maxRetries: 4, deadLetter: true, retentionMs: 86_400_000 }] },
  );
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('creates the topics and the DLQ subscription, patches a trigger subscription, lists and redrives dead letters', async () => {
    const { createClients } = await import('../../providers/gcp/real-clients.js');
    const proxy = await tagsProxy(host!);
    cleanups.unshift(() => proxy.close());
    const env = { PUBSUB_EMULATOR_HOST: proxy.host };
    const clients = await createClients(env, 'shop-prod');
    const ctx: AdapterContext = { env, cwd: '/project', events: () => {}, now: () => new Date(), clients };
    const sess = await session(s, ctx);
    const topics = adapter.desired(s, artifacts(s)).filter((r) => r.id.startsWith('topic:'));
    for (const r of topics) {
      const change = { id: r.id, type: r.type, action: 'create', after: r.props, reasons: [] } as unknown as Change;
      await topicApply.create(applyContext(change, sess));
      cleanups.push(() => topicApply.delete(applyContext({ ...change, action: 'delete', before: r.props, after: undefined } as unknown as Change, sess)));
    }
    const project = 'projects/shop-prod';
    const dlqName = `${project}/subscriptions/shop-${stage}-orders-dlq`;
    const [dlqSub] = await clients.subscriber.getSubscription({ subscription: dlqName });
    expect(dlqSub.topic).toBe(`${project}/topics/shop-${stage}-orders-dlq`);
    expect(Number(dlqSub.messageRetentionDuration?.seconds)).toBe(7 * 24 * 3600);

    // What Cloud Functions would create for the trigger, then the patch sls-x sends.
    const trigger = `${project}/subscriptions/trigger-${stage}`;
    await clients.subscriber.createSubscription({ name: trigger, topic: `${project}/topics/shop-${stage}-orders` });
    cleanups.push(() => clients.subscriber.deleteSubscription({ subscription: trigger }));
    await clients.subscriber.updateSubscription({
      subscription: { name: trigger, ackDeadlineSeconds: 30, messageRetentionDuration: { seconds: 86_400 }, deadLetterPolicy: { deadLetterTopic: dlqSub.topic, maxDeliveryAttempts: 5 } },
      updateMask: { paths: [...TRIGGER_SUBSCRIPTION_MASK] },
    });
    const [patched] = await clients.subscriber.getSubscription({ subscription: trigger });
    expect(patched).toMatchObject({ ackDeadlineSeconds: 30, deadLetterPolicy: { deadLetterTopic: dlqSub.topic, maxDeliveryAttempts: 5 } });

    // A dead letter as Pub/Sub forwards it; listed without being consumed, then redriven.
    await clients.publisher.publish({ topic: String(dlqSub.topic), messages: [{ data: Buffer.from('{"order":1}'), attributes: { CloudPubSubDeadLetterSourceDeliveryCount: '5', tenant: 'a' } }] });
    const listed = await adapter.deadLetters!(s, 'orders', ctx);
    expect(listed.map((m) => [m.body, m.attempts])).toEqual([['{"order":1}', 5]]);
    expect((await adapter.deadLetters!(s, 'orders', ctx)).map((m) => m.body)).toEqual(['{"order":1}']);
    expect(await adapter.redrive!(s, 'orders', ctx)).toBe(1);
    const [pulled] = await clients.subscriber.pull({ subscription: trigger, maxMessages: 10, returnImmediately: true });
    expect((pulled.receivedMessages ?? []).map((m) => [Buffer.from(m.message?.data ?? '').toString(), m.message?.attributes?.tenant])).toEqual([['{"order":1}', 'a']]);
    expect(await adapter.deadLetters!(s, 'orders', ctx)).toEqual([]);
  }, 60_000);
});

/**
 * A loopback proxy in front of the emulator that drops one field: the client libraries' HTTP/JSON
 * transport writes the Topic and Subscription `tags` map (input-only resource-manager tags, newer
 * than the emulator) even when it is empty, and the emulator refuses a payload with a field it does
 * not know ("Payload isn't valid for request"). Pub/Sub itself takes `tags: {}`; nothing else is
 * changed on the way.
 */
async function tagsProxy(target: string): Promise<{ host: string; close: () => Promise<void> }> {
  const [hostname, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (body.length > 0 && String(req.headers['content-type'] ?? '').includes('json')) {
        const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        const strip = (o: unknown) => {
          if (o && typeof o === 'object' && 'tags' in o && JSON.stringify((o as { tags: unknown }).tags) === '{}') delete (o as { tags?: unknown }).tags;
        };
        strip(json);
        strip(json.subscription);
        strip(json.topic);
        body = Buffer.from(JSON.stringify(json));
      }
      const headers = { ...req.headers, 'content-length': String(body.length) };
      const out = request({ hostname, port, path: req.url, method: req.method, headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      out.on('error', (err) => res.writeHead(502).end(String(err)));
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
