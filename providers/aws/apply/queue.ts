import { stableJson } from '../../../src/plan/diff.js';
import { call, callOrMissing, isAwsError } from '../errors.js';
import type { Props } from '../../../src/core/resources.js';
import { type ApplyContext, type ResourceApply } from './context.js';

function attributes(p: Props, removing: boolean): Record<string, string> {
  const redrive = p.redrive as { deadLetterTarget: string; maxReceiveCount: number } | undefined;
  return {
    VisibilityTimeout: String(p.visibilityTimeout),
    MessageRetentionPeriod: String(p.retention),
    ...(redrive ? { RedrivePolicy: stableJson({ deadLetterTargetArn: redrive.deadLetterTarget, maxReceiveCount: redrive.maxReceiveCount }) } : removing ? { RedrivePolicy: '' } : {}),
  };
}

async function create(c: ApplyContext): Promise<void> {
  const sqs = await import('@aws-sdk/client-sqs');
  const name = String(c.after.name);
  try {
    await c.session.clients.sqs.send(new sqs.CreateQueueCommand({ QueueName: name, Attributes: attributes(c.after, false), tags: c.tags }));
  } catch (err) {
    // Same name, other attributes (an interrupted run, or drift): set them instead.
    if (!isAwsError(err, 'QueueAlreadyExists', 'QueueNameExists')) return call(`sqs:CreateQueue ${name}`, () => Promise.reject(err));
    await update({ ...c, before: { ...c.after, redrive: {} } });
  }
}

async function update(c: ApplyContext): Promise<void> {
  const sqs = await import('@aws-sdk/client-sqs');
  const name = String(c.after.name);
  const url = c.physicalId ?? (await call(`sqs:GetQueueUrl ${name}`, () => c.session.clients.sqs.send(new sqs.GetQueueUrlCommand({ QueueName: name })))).QueueUrl;
  await call(`sqs:SetQueueAttributes ${name}`, () =>
    c.session.clients.sqs.send(new sqs.SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes(c.after, c.before.redrive !== undefined) })),
  );
  await call(`sqs:TagQueue ${name}`, () => c.session.clients.sqs.send(new sqs.TagQueueCommand({ QueueUrl: url, Tags: c.tags })));
}

async function remove(c: ApplyContext): Promise<void> {
  const sqs = await import('@aws-sdk/client-sqs');
  const name = String(c.before.name);
  const url = c.physicalId ?? (await callOrMissing(`sqs:GetQueueUrl ${name}`, () => c.session.clients.sqs.send(new sqs.GetQueueUrlCommand({ QueueName: name }))))?.QueueUrl;
  if (!url) return;
  await callOrMissing(`sqs:DeleteQueue ${name}`, () => c.session.clients.sqs.send(new sqs.DeleteQueueCommand({ QueueUrl: url })));
}

/** SQS queue (and its DLQ, a queue of its own) with redrive after maxRetries + 1 receives. */
export const queueApply: ResourceApply = { create, update, delete: remove };
