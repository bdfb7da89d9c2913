/**
 * `sls-x queue dlq` on AWS against moto's real SQS (skipped unless SLSX_MOTO_URL is set): a
 * queue's dead letters are listed without being consumed, then redriven to the queue with their
 * bodies and the sender's attributes, through the adapter and through the CLI.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import type { AdapterContext } from '../../src/core/adapter.js';
import { adapter } from '../../providers/aws/index.js';
import { session } from '../../providers/aws/operations.js';
import { runCli } from '../support/cli.js';
import { functionSpec, serviceSpec } from '../support/model.js';
import { MOTO_URL, SKIP_REASON, motoClients, motoEnv, tempProject } from './support/moto.js';

if (!MOTO_URL) console.log(`[skipped] aws dead-letter queue suite: ${SKIP_REASON}`);

describe.skipIf(!MOTO_URL)('sls-x queue dlq on AWS (moto SQS)', () => {
  // A stage of its own per run: the emulator suites share one moto and run side by side.
  const stage = `l${Date.now().toString(36).slice(-6)}`;
  const env = motoEnv(MOTO_URL!, 'eu-west-1');
  const ctx: AdapterContext = { env, cwd: '/project', events: () => {}, now: () => new Date() };
  const svc = serviceSpec([functionSpec('worker', { events: [{ kind: 'queue', queue: 'orders', batchSize: 1, batchWindowMs: 0 }] })], {
    stage,
    targets: { aws: { region: 'eu-west-1' } },
    queues: [{ name: 'orders', visibilityTimeoutMs: 30_000, maxRetries: 4, deadLetter: true, retentionMs: 86_400_000 }],
  });
  const sqs = motoClients(MOTO_URL!, 'eu-west-1').sqs;

  async function queues() {
    const s = await session(svc, ctx);
    const url = async (name: string) => (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    return { source: await url(s.names.queueName('orders')), dlq: await url(s.names.queueName('orders', true)) };
  }
  const count = async (url: string) => {
    const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    return Number(a.Attributes?.ApproximateNumberOfMessages) + Number(a.Attributes?.ApproximateNumberOfMessagesNotVisible);
  };

  it('lists the dead letters without taking them, then moves them back with their attributes', async () => {
    const { source, dlq } = await queues();
    for (const order of [1, 2, 3]) {
      await sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: JSON.stringify({ order }), MessageAttributes: { tenant: { DataType: 'String', StringValue: `t${order}` } } }));
    }
    const listed = await adapter.deadLetters!(svc, 'orders', ctx);
    expect(listed.map((m) => m.body).sort()).toEqual(['{"order":1}', '{"order":2}', '{"order":3}']);
    expect(listed.every((m) => m.attempts === 5 && m.enqueuedAt > 0 && m.id.length > 0)).toBe(true);
    // Listing handed them back: visible again at once, listed again whole.
    expect((await adapter.deadLetters!(svc, 'orders', ctx)).length).toBe(3);

    expect(await adapter.redrive!(svc, 'orders', ctx)).toBe(3);
    expect(await count(dlq)).toBe(0);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: source, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }));
    expect((got.Messages ?? []).map((m) => [m.Body, m.MessageAttributes?.tenant?.StringValue]).sort()).toEqual([
      ['{"order":1}', 't1'],
      ['{"order":2}', 't2'],
      ['{"order":3}', 't3'],
    ]);
    expect(await adapter.deadLetters!(svc, 'orders', ctx)).toEqual([]);
    expect(await adapter.redrive!(svc, 'orders', ctx)).toBe(0);
  }, 60_000);

  it('through the CLI: the listing, then --redrive; a queue with no dead-letter queue is a usage error', async () => {
    const cliStage = `${stage}c`;
    const p = tempProject({
      'faas.yaml': `service: shop\nruntime: node22\ntarget: aws\ntargets:\n  aws:\n    region: eu-west-1\nqueues:\n  orders: { deadLetter: true, maxRetries: 2 }\n  plain: { deadLetter: false }\nfunctions:\n  worker:\n    handler: src/worker.handler\n    events:\n      - queue: orders\n`,
      'src/worker.mjs': 'export const handler = async () => {};\n',
    });
    try {
      const s = await session({ ...svc, stage: cliStage }, ctx);
      await sqs.send(new CreateQueueCommand({ QueueName: s.names.queueName('orders') }));
      const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: s.names.queueName('orders', true) }))).QueueUrl!;
      await sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: 'poison pill' }));
      const list = await runCli(['queue', 'dlq', 'orders', '--stage', cliStage], p.root, { env });
      expect(list.code).toBe(0);
      expect(list.stdout).toContain('1 dead-lettered message(s) in orders');
      expect(list.stdout).toContain('attempts 3');
      expect(list.stdout).toContain('poison pill');
      const moved = await runCli(['queue', 'dlq', 'orders', '--redrive', '--stage', cliStage, '--json'], p.root, { env });
      expect(moved.code).toBe(0);
      expect(JSON.parse(moved.stdout)).toEqual({ queue: 'orders', moved: 1 });
      const plain = await runCli(['queue', 'dlq', 'plain', '--stage', cliStage], p.root, { env });
      expect(plain.code).toBe(2);
      expect(plain.stderr).toContain("Queue 'plain' has no dead-letter queue");
    } finally {
      p.cleanup();
    }
  }, 60_000);
});
