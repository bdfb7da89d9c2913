import { describe, expect, it } from 'vitest';
import type { QueueSpec } from '../../src/model/service.js';
import { FakeAws } from './support/fake-aws.js';
import { artifacts, context, deploy, fn, service, work } from './support/service.js';

const orders: QueueSpec = { name: 'orders', visibilityTimeoutMs: 60_000, maxRetries: 3, deadLetter: true, retentionMs: 345_600_000 };
const svc = (batchSize = 10, queues: QueueSpec[] = [orders]) =>
  service(
    [
      fn('worker', { events: [{ kind: 'queue', queue: 'orders', batchSize, batchWindowMs: 2000 }] }),
      fn('api', { sends: ['orders'] }),
    ],
    { queues },
  );

describe('aws adapter: SQS queues, DLQs and event source mappings', () => {
  it('creates the DLQ, the queue with redrive, the mapping, and least-privilege queue policies', async () => {
    const aws = new FakeAws();
    const s = svc();
    const p = await deploy(s, artifacts(s), context(aws));
    expect(work(p.changes)).toContain('create mapping:worker:orders');
    const tags = (id: string) => ({ 'slsx:service': 'shop', 'slsx:stage': 'dev', 'slsx:id': id });
    expect(aws.inputs('sqs:CreateQueue')).toEqual([
      { QueueName: 'shop-dev-orders-dlq', Attributes: { VisibilityTimeout: '60', MessageRetentionPeriod: '1209600' }, tags: tags('queue:orders:dlq') },
      {
        QueueName: 'shop-dev-orders',
        Attributes: {
          VisibilityTimeout: '60',
          MessageRetentionPeriod: '345600',
          RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:123456789012:shop-dev-orders-dlq","maxReceiveCount":4}',
        },
        tags: tags('queue:orders'),
      },
    ]);
    expect(aws.inputs('lambda:CreateEventSourceMapping')).toEqual([
      {
        FunctionName: 'arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-worker',
        EventSourceArn: 'arn:aws:sqs:eu-west-1:123456789012:shop-dev-orders',
        BatchSize: 10,
        MaximumBatchingWindowInSeconds: 2,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        Enabled: true,
        Tags: tags('mapping:worker:orders'),
      },
    ]);
    const policyOf = (role: string) => JSON.parse(aws.inputs('iam:PutRolePolicy').find((i) => i.RoleName === role).PolicyDocument);
    expect(policyOf('shop-dev-worker').Statement[1]).toEqual({
      Sid: 'ConsumeQueues',
      Effect: 'Allow',
      Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
      Resource: ['arn:aws:sqs:eu-west-1:123456789012:shop-dev-orders'],
    });
    expect(policyOf('shop-dev-api').Statement[1]).toEqual({
      Sid: 'SendQueues',
      Effect: 'Allow',
      Action: ['sqs:GetQueueUrl', 'sqs:SendMessage'],
      Resource: ['arn:aws:sqs:eu-west-1:123456789012:shop-dev-orders'],
    });
    expect(aws.inputs('lambda:CreateFunction').find((i) => i.FunctionName === 'shop-dev-api').Environment.Variables).toEqual({
      SLSX_QUEUES: '{"orders":"shop-dev-orders"}',
      SLSX_FUNCTIONS: '{"api":{"events":[],"region":"eu-west-1","service":"shop","stage":"dev"}}',
    });
    // Queue and role exist before the mapping is created.
    const names = aws.calls.map((c) => c.name);
    expect(names.lastIndexOf('sqs:CreateQueue')).toBeLessThan(names.indexOf('lambda:CreateEventSourceMapping'));
  });

  it('no-op redeploy, then a batch size change updates only the mapping', async () => {
    const aws = new FakeAws();
    const s = svc();
    const arts = artifacts(s);
    await deploy(s, arts, context(aws));
    aws.resetCalls();
    expect(work((await deploy(s, arts, context(aws))).changes)).toEqual([]);
    expect(aws.mutatingCalls()).toEqual([]);
    const p = await deploy(svc(5), arts, context(aws));
    expect(p.changes.filter((c) => c.action !== 'noop').map((c) => [c.id, c.reasons])).toEqual([['mapping:worker:orders', ['batchSize: 10 -> 5']]]);
    expect(aws.mutatingCalls()).toEqual(['lambda:UpdateEventSourceMapping']);
    expect(aws.inputs('lambda:UpdateEventSourceMapping')[0]).toMatchObject({ BatchSize: 5, UUID: [...aws.mappings.keys()][0] });
  });

  it('dropping the dead-letter queue removes the redrive first, then deletes the DLQ', async () => {
    const aws = new FakeAws();
    const s = svc();
    const arts = artifacts(s);
    await deploy(s, arts, context(aws));
    aws.resetCalls();
    const p = await deploy(svc(10, [{ ...orders, deadLetter: false }]), arts, context(aws));
    expect(work(p.changes)).toEqual(['delete queue:orders:dlq', 'update queue:orders']);
    expect(aws.calls.filter((c) => c.name === 'sqs:SetQueueAttributes').map((c) => c.input.Attributes.RedrivePolicy)).toEqual(['']);
    const names = aws.mutatingCalls();
    expect(names.indexOf('sqs:SetQueueAttributes')).toBeLessThan(names.indexOf('sqs:DeleteQueue'));
    expect([...aws.queues.keys()]).toEqual(['shop-dev-orders']);
  });
});
