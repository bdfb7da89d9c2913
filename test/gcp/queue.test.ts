import { describe, expect, it } from 'vitest';
import { adapter } from '../../providers/gcp/index.js';
import { FakeGcp } from './support/fake-gcp.js';
import { artifacts, context, deploy, fn, service, work } from './support/service.js';

const TOPIC = 'projects/shop-prod/topics/shop-dev-orders';
const DLQ = 'projects/shop-prod/topics/shop-dev-orders-dlq';
const SA_WORKER = 'shop-dev-worker@shop-prod.iam.gserviceaccount.com';
const SA_API = 'shop-dev-api@shop-prod.iam.gserviceaccount.com';
const AGENT = 'serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com';

const svc = () =>
  service(
    [
      fn('api', { sends: ['orders'] }),
      fn('worker', { timeoutMs: 30_000, events: [{ kind: 'queue', queue: 'orders', batchSize: 1, batchWindowMs: 0 }] }),
    ],
    { queues: [{ name: 'orders', visibilityTimeoutMs: 60_000, maxRetries: 4, deadLetter: true, retentionMs: 4 * 86_400_000 }] },
  );

describe('gcp adapter: queues (Pub/Sub topics, dead-letter topics, triggers)', () => {
  it('first deploy: topics, publisher grant for the sender only, a Pub/Sub trigger with retries, dead-lettering on its subscription', async () => {
    const gcp = new FakeGcp();
    const s = svc();
    const p = await deploy(s, artifacts(s), context(gcp));
    expect(work(p.changes)).toEqual([
      'create function:api',
      'create function:worker',
      'create iam:run:worker',
      'create iam:topic:orders',
      'create iam:topic:orders:dlq',
      'create sa:api',
      'create sa:worker',
      'create subscription:worker:orders',
      'create topic:orders',
      'create topic:orders:dlq',
    ]);
    const topics = [...gcp.inputs('publisher.createTopic')].sort((a, b) => a.name.localeCompare(b.name));
    expect(topics).toEqual([
      { name: TOPIC, labels: { 'slsx-service': 'shop', 'slsx-stage': 'dev', 'slsx-kind': 'queue' } },
      { name: DLQ, labels: { 'slsx-service': 'shop', 'slsx-stage': 'dev', 'slsx-kind': 'dlq' } },
    ]);
    const worker = gcp.inputs('functions.createFunction').find((i) => i.functionId === 'shop-dev-worker').function;
    expect(worker.eventTrigger).toEqual({ eventType: 'google.cloud.pubsub.topic.v1.messagePublished', pubsubTopic: TOPIC, retryPolicy: 'RETRY_POLICY_RETRY', serviceAccountEmail: SA_WORKER });
    expect(worker.serviceConfig.ingressSettings).toBe('ALLOW_INTERNAL_ONLY');
    const api = gcp.inputs('functions.createFunction').find((i) => i.functionId === 'shop-dev-api').function;
    expect(api.serviceConfig.environmentVariables).toEqual({
      SLSX_QUEUES: `{"orders":"${TOPIC}"}`,
      SLSX_FUNCTIONS: '{"api":{"events":[],"region":"europe-west1","service":"shop","stage":"dev","timeoutMs":10000}}',
    });

    const setTopic = gcp.inputs('publisher.setIamPolicy');
    expect(setTopic).toContainEqual({ resource: TOPIC, policy: { bindings: [{ role: 'roles/pubsub.publisher', members: [`serviceAccount:${SA_API}`] }], etag: 'e0' } });
    expect(setTopic).toContainEqual({ resource: DLQ, policy: { bindings: [{ role: 'roles/pubsub.publisher', members: [AGENT] }], etag: 'e0' } });
    // The trigger's identity may invoke the (private) function.
    expect(gcp.inputs('run.setIamPolicy')).toEqual([
      { resource: 'projects/shop-prod/locations/europe-west1/services/shop-dev-worker', policy: { bindings: [{ role: 'roles/run.invoker', members: [`serviceAccount:${SA_WORKER}`] }], etag: 'e0' } },
    ]);
    const [sub] = gcp.inputs('subscriber.updateSubscription');
    expect(sub).toEqual({
      subscription: {
        name: expect.stringMatching(/^projects\/shop-prod\/subscriptions\/eventarc-europe-west1-shop-dev-worker-\d+-sub-042$/),
        ackDeadlineSeconds: 60,
        messageRetentionDuration: { seconds: 345_600 },
        deadLetterPolicy: { deadLetterTopic: DLQ, maxDeliveryAttempts: 5 },
      },
      updateMask: { paths: ['ack_deadline_seconds', 'dead_letter_policy', 'message_retention_duration'] },
    });
    expect(gcp.inputs('subscriber.setIamPolicy')).toEqual([{ resource: sub.subscription.name, policy: { bindings: [{ role: 'roles/pubsub.subscriber', members: [AGENT] }], etag: 'e0' } }]);
    // No one else may publish: the worker (a consumer) has no publisher grant.
    expect(JSON.stringify(setTopic)).not.toContain(SA_WORKER);
  });

  it('redeploy is a no-op; maxRetries change updates only the subscription', async () => {
    const gcp = new FakeGcp();
    const s = svc();
    const arts = artifacts(s);
    await deploy(s, arts, context(gcp));
    gcp.resetCalls();
    const again = await deploy(s, arts, context(gcp));
    expect(work(again.changes)).toEqual([]);
    expect(gcp.mutatingCalls()).toEqual([]);
    const s2 = svc();
    s2.queues[0].maxRetries = 9;
    const p = await deploy(s2, arts, context(gcp));
    expect(p.changes.filter((c) => c.action !== 'noop').map((c) => [c.action, c.id, c.reasons])).toEqual([['update', 'subscription:worker:orders', ['deadLetter.maxDeliveryAttempts: 5 -> 10']]]);
    expect(gcp.mutatingCalls()).toEqual(['subscriber.updateSubscription']);
  });

  it('validate refuses a second trigger on one function, before any call', () => {
    const s = svc();
    s.functions[1].events.push({ kind: 'storage', bucket: 'uploads', on: ['created'] });
    const d = adapter.validate(s).filter((x) => x.severity === 'error');
    expect(d.map((x) => [x.code, x.path])).toEqual([['gcp-one-trigger', 'functions.worker.events.1']]);
    expect(d[0].message).toBe("A Cloud Function has one event trigger; 'worker' asks for 2: queue 'orders', created events of bucket 'uploads'.");
  });
});
