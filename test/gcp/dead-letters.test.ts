import { describe, expect, it } from 'vitest';
import { testTmp } from '../support/tmp.js';
import { adapter } from '../../providers/gcp/index.js';
import { runCli } from '../support/cli.js';
import { FakeGcp } from './support/fake-gcp.js';
import { artifacts, context, deploy, fn, service, work } from './support/service.js';

const DLQ_TOPIC = 'projects/shop-prod/topics/shop-dev-orders-dlq';
const DLQ_SUB = 'projects/shop-prod/subscriptions/shop-dev-orders-dlq';
const TOPIC = 'projects/shop-prod/topics/shop-dev-orders';

const svc = () => service(
  [fn('worker', { events: [{ kind: 'queue', queue: 'orders', batchSize: 1, batchWindowMs: 0 }] })],
  { queues: [{ name: 'orders', visibilityTimeoutMs: 30_000, maxRetries: 4, deadLetter: true, retentionMs: 4 * 86_400_000 }] },
);

/** What Pub/Sub does after the last failed delivery: publish the message to the dead-letter topic. */
async function deadLetter(gcp: FakeGcp, body: string, attributes: Record<string, string> = {}): Promise<void> {
  await gcp.clients.publisher.publish({ topic: DLQ_TOPIC, messages: [{ data: Buffer.from(body), attributes: { ...attributes, CloudPubSubDeadLetterSourceDeliveryCount: '5', CloudPubSubDeadLetterSourceSubscription: 'eventarc-sub' } }] });
}

describe('gcp dead-letter queue: a subscription keeps what is dead-lettered (issue 13.2)', () => {
  it('deploy creates the DLQ topic with its own pull subscription (7 days); a redeploy changes nothing', async () => {
    const gcp = new FakeGcp();
    const s = svc();
    await deploy(s, artifacts(s), context(gcp));
    expect(gcp.subscriptions.get(DLQ_SUB)).toMatchObject({ name: DLQ_SUB, topic: DLQ_TOPIC, messageRetentionDuration: { seconds: 604800 }, labels: { 'slsx-service': 'shop', 'slsx-stage': 'dev' } });
    expect(work((await deploy(s, artifacts(s), context(gcp))).changes)).toEqual([]);
    // A stage deployed before this fix (topic, no subscription) gets one on the next deploy.
    gcp.subscriptions.delete(DLQ_SUB);
    const repaired = await deploy(s, artifacts(s), context(gcp));
    expect(work(repaired.changes)).toEqual(['update topic:orders:dlq']);
    expect(gcp.subscriptions.has(DLQ_SUB)).toBe(true);
  });

  it('dead letters are kept, listed without being consumed, and redriven to the queue (then gone from the DLQ)', async () => {
    const gcp = new FakeGcp();
    const s = svc();
    await deploy(s, artifacts(s), context(gcp));
    await deadLetter(gcp, '{"order":1}', { tenant: 'a' });
    await deadLetter(gcp, 'plain text');
    const ctx = context(gcp);
    const listed = await adapter.deadLetters!(s, 'orders', ctx);
    expect(listed.map((m) => [m.body, m.attempts])).toEqual([['{"order":1}', 5], ['plain text', 5]]);
    // Listing twice shows the same: nothing was acknowledged.
    expect((await adapter.deadLetters!(s, 'orders', ctx)).map((m) => m.body)).toEqual(['{"order":1}', 'plain text']);

    gcp.published.length = 0;
    expect(await adapter.redrive!(s, 'orders', ctx)).toBe(2);
    expect(gcp.published).toEqual([
      { topic: TOPIC, data: '{"order":1}', attributes: { tenant: 'a' } },
      { topic: TOPIC, data: 'plain text', attributes: {} },
    ]);
    expect(await adapter.deadLetters!(s, 'orders', ctx)).toEqual([]);
    expect(await adapter.redrive!(s, 'orders', ctx)).toBe(0);
  });

  it('sls-x queue dlq --target gcp lists and redrives through the real CLI; an unknown queue is a usage error', async () => {
    const gcp = new FakeGcp();
    const s = svc();
    await deploy(s, artifacts(s), context(gcp));
    await deadLetter(gcp, '{"order":7}');
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = testTmp('slsx-gcp-dlq-');
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src/worker.ts'), 'export const handler = async () => {};\n');
    writeFileSync(join(dir, 'faas.yaml'), 'service: shop\nruntime: node22\ntarget: gcp\ntargets:\n  gcp: { project: shop-prod, region: europe-west1 }\nqueues:\n  orders: { visibilityTimeout: 30s, maxRetries: 4, deadLetter: true }\nfunctions:\n  worker:\n    handler: src/worker.handler\n    events:\n      - queue: { name: orders, batchSize: 1 }\n');
    const opts = { env: { GOOGLE_CLOUD_PROJECT: 'shop-prod' }, clients: { gcp: gcp.clients } };
    const listed = await runCli(['queue', 'dlq', 'orders'], dir, opts);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/1 dead-lettered message\(s\) in orders:\n {2}\d+ {2}attempts 5/);
    expect(listed.stdout).toContain('body:  {"order":7}');
    const moved = await runCli(['queue', 'dlq', 'orders', '--redrive'], dir, opts);
    expect(moved.stdout).toBe('Moved 1 message(s) from the dead-letter queue back to orders.\n');
    const unknown = await runCli(['queue', 'dlq', 'nope'], dir, opts);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("There is no queue 'nope'");
  });
});
