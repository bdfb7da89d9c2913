import type { AdapterContext, DeadLetterView } from '../../src/core/adapter.js';
import type { Service } from '../../src/model/service.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { deadLetterQueueOf } from '../../src/core/dead-letter-queue.js';
import type { PulledMessage } from './clients.js';
import { call, callOrMissing } from './errors.js';
import { session } from './operations.js';
import type { Session } from './session.js';

/** Messages pulled per request, and requests per command: at most 1,000 dead letters per run. */
export const PULL_BATCH = 100;
export const MAX_PULLS = 10;

/** Attributes Pub/Sub adds when it dead-letters a message (not the sender's: dropped on redrive). */
const DEAD_LETTER_ATTRS = /^CloudPubSubDeadLetter/;

async function pullAll(s: Session, subscription: string): Promise<PulledMessage[]> {
  const got = await callOrMissing(`pubsub.subscriptions.get ${subscription}`, () => s.clients.subscriber.getSubscription({ subscription }));
  if (!got) throw new SlsxError('FUNCTION_NOT_FOUND', `The dead-letter subscription ${subscription} does not exist.`, { hint: 'Run `sls-x deploy --target gcp` (it creates the dead-letter queue\'s subscription).' });
  const out: PulledMessage[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < MAX_PULLS; i++) {
    const [res] = await call(`pubsub.subscriptions.pull ${subscription}`, () => s.clients.subscriber.pull({ subscription, maxMessages: PULL_BATCH, returnImmediately: true }));
    const fresh = (res.receivedMessages ?? []).filter((m) => m.ackId && !seen.has(String(m.message?.messageId)));
    for (const m of fresh) seen.add(String(m.message?.messageId));
    out.push(...fresh);
    if (fresh.length < PULL_BATCH) break;
  }
  return out;
}

const text = (data: Uint8Array | string | null | undefined): string => (typeof data === 'string' ? Buffer.from(data, 'base64').toString('utf8') : Buffer.from(data ?? new Uint8Array()).toString('utf8'));

function view(m: PulledMessage): DeadLetterView {
  const published = Number(m.message?.publishTime?.seconds ?? 0) * 1000;
  const attempts = Number(m.message?.attributes?.CloudPubSubDeadLetterSourceDeliveryCount ?? m.deliveryAttempt ?? 0);
  return { id: String(m.message?.messageId ?? ''), body: text(m.message?.data), attempts: Number.isFinite(attempts) ? attempts : 0, enqueuedAt: published, failedAt: published, lastError: null };
}

/**
 * The dead letters of a queue on GCP: pulled from the dead-letter topic's own subscription, then
 * handed straight back (ack deadline 0), so listing removes nothing.
 */
export async function gcpDeadLetters(service: Service, queue: string, ctx: AdapterContext): Promise<DeadLetterView[]> {
  deadLetterQueueOf(service, queue);
  const s = await session(service, ctx);
  const subscription = `projects/${s.project}/subscriptions/${s.names.topicName(queue, true)}`;
  const pulled = await pullAll(s, subscription);
  if (pulled.length) await call(`pubsub.subscriptions.modifyAckDeadline ${subscription}`, () => s.clients.subscriber.modifyAckDeadline({ subscription, ackIds: pulled.map((m) => String(m.ackId)), ackDeadlineSeconds: 0 }));
  return pulled.map(view);
}

/**
 * Redrive on GCP: publish each dead letter to the queue's topic (same data and the sender's
 * attributes), and only then acknowledge it on the dead-letter subscription, so a failure between
 * the two repeats a message rather than losing it.
 */
export async function gcpRedrive(service: Service, queue: string, ctx: AdapterContext): Promise<number> {
  deadLetterQueueOf(service, queue);
  const s = await session(service, ctx);
  const subscription = `projects/${s.project}/subscriptions/${s.names.topicName(queue, true)}`;
  const pulled = await pullAll(s, subscription);
  if (!pulled.length) return 0;
  const topicPath = `projects/${s.project}/topics/${s.names.topicName(queue)}`;
  const messages = pulled.map((m) => ({
    data: Buffer.from(text(m.message?.data), 'utf8'),
    attributes: Object.fromEntries(Object.entries(m.message?.attributes ?? {}).filter(([k]) => !DEAD_LETTER_ATTRS.test(k))),
  }));
  await call(`pubsub.topics.publish ${topicPath}`, () => s.clients.publisher.publish({ topic: topicPath, messages }));
  await call(`pubsub.subscriptions.acknowledge ${subscription}`, () => s.clients.subscriber.acknowledge({ subscription, ackIds: pulled.map((m) => String(m.ackId)) }));
  return pulled.length;
}
