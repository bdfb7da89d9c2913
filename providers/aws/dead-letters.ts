import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { AdapterContext, DeadLetterView } from '../../src/core/adapter.js';
import { deadLetterQueueOf } from '../../src/core/dead-letter-queue.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import type { QueueSpec, Service } from '../../src/model/service.js';
import { call, callOrMissing } from './errors.js';
import { session } from './operations.js';
import type { Session } from './session.js';

/** SQS hands out at most 10 messages per receive; at most 100 receives (1,000 dead letters) per command. */
const BATCH = 10;
export const MAX_RECEIVES = 100;
/** How long received dead letters stay hidden while a command works on them (handed back at once after a listing). */
const HOLD_SECONDS = 60;

type Sqs = typeof import('@aws-sdk/client-sqs');

async function queueUrl(s: Session, sqs: Sqs, name: string, queue: string): Promise<string> {
  const got = await callOrMissing(`sqs:GetQueueUrl ${name}`, () => s.clients.sqs.send(new sqs.GetQueueUrlCommand({ QueueName: name })));
  if (!got?.QueueUrl) {
    throw new SlsxError('FUNCTION_NOT_FOUND', `Queue '${queue}' is not deployed to AWS (${name} in ${s.region}).`, { hint: 'Run `sls-x deploy --target aws` first.' });
  }
  return got.QueueUrl;
}

/**
 * Every message in the dead-letter queue, each once (by id), received with long polling (so every
 * SQS server is asked) and kept hidden for HOLD_SECONDS while the command works on them.
 */
async function receiveAll(s: Session, sqs: Sqs, url: string): Promise<Message[]> {
  const out: Message[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < MAX_RECEIVES; i++) {
    const res = await call(`sqs:ReceiveMessage ${url}`, () =>
      s.clients.sqs.send(
        new sqs.ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: BATCH, VisibilityTimeout: HOLD_SECONDS, WaitTimeSeconds: 1, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }),
      ),
    );
    const fresh = (res.Messages ?? []).filter((m) => m.MessageId && m.ReceiptHandle && !seen.has(m.MessageId));
    for (const m of fresh) seen.add(m.MessageId!);
    out.push(...fresh);
    if (fresh.length === 0) break;
  }
  return out;
}

/** Make these messages visible again at once (a listing removes nothing). */
async function handBack(s: Session, sqs: Sqs, url: string, messages: Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += BATCH) {
    const entries = messages.slice(i, i + BATCH).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }));
    await call(`sqs:ChangeMessageVisibilityBatch ${url}`, () => s.clients.sqs.send(new sqs.ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: entries })));
  }
}

function view(m: Message, q: QueueSpec): DeadLetterView {
  const sent = Number(m.Attributes?.SentTimestamp ?? 0);
  // SQS moves a message to the dead-letter queue after maxReceiveCount (maxRetries + 1) receives.
  return { id: m.MessageId!, body: m.Body ?? '', attempts: q.maxRetries + 1, enqueuedAt: sent, failedAt: sent, lastError: null };
}

/** The dead letters of a queue on AWS: received from its SQS dead-letter queue and handed straight back. */
export async function awsDeadLetters(service: Service, queue: string, ctx: AdapterContext): Promise<DeadLetterView[]> {
  const q = deadLetterQueueOf(service, queue);
  const s = await session(service, ctx);
  const sqs = await import('@aws-sdk/client-sqs');
  const url = await queueUrl(s, sqs, s.names.queueName(queue, true), queue);
  const messages = await receiveAll(s, sqs, url);
  await handBack(s, sqs, url, messages);
  return messages.map((m) => view(m, q));
}

/**
 * Redrive on AWS: each dead letter is sent to the queue again (its body and the sender's message
 * attributes), and only a message SQS took is deleted from the dead-letter queue, so a failure in
 * between repeats a message rather than losing it; what was not sent is handed back.
 */
export async function awsRedrive(service: Service, queue: string, ctx: AdapterContext): Promise<number> {
  deadLetterQueueOf(service, queue);
  const s = await session(service, ctx);
  const sqs = await import('@aws-sdk/client-sqs');
  const target = await queueUrl(s, sqs, s.names.queueName(queue), queue);
  const dlq = await queueUrl(s, sqs, s.names.queueName(queue, true), queue);
  const messages = await receiveAll(s, sqs, dlq);
  let moved = 0;
  for (let i = 0; i < messages.length; i += BATCH) {
    const batch = messages.slice(i, i + BATCH);
    const sent = await call(`sqs:SendMessageBatch ${target}`, () =>
      s.clients.sqs.send(
        new sqs.SendMessageBatchCommand({
          QueueUrl: target,
          Entries: batch.map((m, j) => ({ Id: String(j), MessageBody: m.Body ?? '', ...(m.MessageAttributes && Object.keys(m.MessageAttributes).length ? { MessageAttributes: m.MessageAttributes as Record<string, MessageAttributeValue> } : {}) })),
        }),
      ),
    );
    const ok = new Set((sent.Successful ?? []).map((e) => Number(e.Id)));
    const done = batch.filter((_, j) => ok.has(j));
    if (done.length) {
      await call(`sqs:DeleteMessageBatch ${dlq}`, () => s.clients.sqs.send(new sqs.DeleteMessageBatchCommand({ QueueUrl: dlq, Entries: done.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })) })));
    }
    moved += done.length;
    const left = batch.filter((_, j) => !ok.has(j));
    if (left.length) await handBack(s, sqs, dlq, left);
  }
  return moved;
}
