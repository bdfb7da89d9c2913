import { call, errorKind, ignoreMissing } from '../errors.js';
import { LABEL_KIND } from '../naming.js';
import { isOurs, labelsFor } from '../session.js';
import { notOurs, type ApplyContext, type ResourceApply } from './context.js';

const path = (c: ApplyContext, props = c.after): string => `projects/${c.session.project}/topics/${String(props.name)}`;
/** A dead-letter topic's own pull subscription has the topic's name (the namespaces are separate). */
const subPath = (c: ApplyContext, props = c.after): string => `projects/${c.session.project}/subscriptions/${String(props.name)}`;
const labels = (c: ApplyContext) => labelsFor(c.session, { [LABEL_KIND]: String(c.after.kind) });

/**
 * The dead-letter topic's pull subscription, where dead letters wait for `sls-x queue dlq` and
 * redrive. Created when missing; its retention set when it differs. A subscription of that name
 * on another topic is not ours and is refused.
 */
async function ensureSubscription(c: ApplyContext): Promise<void> {
  const want = c.after.subscription as { retention: number } | undefined;
  if (!want) return;
  const name = subPath(c);
  const body = { name, topic: path(c), ackDeadlineSeconds: 60, messageRetentionDuration: { seconds: want.retention }, labels: labels(c) };
  try {
    await c.session.clients.subscriber.createSubscription(body);
    return;
  } catch (err) {
    if (errorKind(err) !== 'conflict') return call(`pubsub.subscriptions.create ${name}`, () => Promise.reject(err));
  }
  const [got] = await call(`pubsub.subscriptions.get ${name}`, () => c.session.clients.subscriber.getSubscription({ subscription: name }));
  if (got.topic !== path(c)) throw notOurs('Pub/Sub subscription', String(c.after.name), 'A subscription of this name reads another topic: rename the queue or the stage.');
  if (Number(got.messageRetentionDuration?.seconds ?? 0) !== want.retention) {
    await call(`pubsub.subscriptions.patch ${name}`, () => c.session.clients.subscriber.updateSubscription({ subscription: { name, messageRetentionDuration: { seconds: want.retention } }, updateMask: { paths: ['message_retention_duration'] } }));
  }
}

async function update(c: ApplyContext): Promise<void> {
  await call(`pubsub.topics.patch ${path(c)}`, () => c.session.clients.publisher.updateTopic({ topic: { name: path(c), labels: labels(c) }, updateMask: { paths: ['labels'] } }));
  await ensureSubscription(c);
}

async function create(c: ApplyContext): Promise<void> {
  try {
    await c.session.clients.publisher.createTopic({ name: path(c), labels: labels(c) });
  } catch (err) {
    if (errorKind(err) !== 'conflict') return call(`pubsub.topics.create ${path(c)}`, () => Promise.reject(err));
    const [got] = await call(`pubsub.topics.get ${path(c)}`, () => c.session.clients.publisher.getTopic({ topic: path(c) }));
    // No labels at all: an interrupted run of ours cannot leave that (labels come with create), so it is someone else's.
    if (!isOurs(got.labels, c.session)) throw notOurs('Pub/Sub topic', String(c.after.name), 'Another service uses this topic name: rename the queue or the stage.');
    await call(`pubsub.topics.patch ${path(c)}`, () => c.session.clients.publisher.updateTopic({ topic: { name: path(c), labels: labels(c) }, updateMask: { paths: ['labels'] } }));
  }
  await ensureSubscription(c);
}

async function remove(c: ApplyContext): Promise<void> {
  if (c.before.kind === 'dlq') await ignoreMissing(`pubsub.subscriptions.delete ${subPath(c, c.before)}`, () => c.session.clients.subscriber.deleteSubscription({ subscription: subPath(c, c.before) }));
  await ignoreMissing(`pubsub.topics.delete ${path(c, c.before)}`, () => c.session.clients.publisher.deleteTopic({ topic: path(c, c.before) }));
}

/** A Pub/Sub topic per queue, and per dead-letter queue one topic with its pull subscription. */
export const topicApply: ResourceApply = { create, update, delete: remove };
