import { call, errorKind, ignoreMissing } from '../errors.js';
import { LABEL_KIND } from '../naming.js';
import { isOurs, labelsFor } from '../session.js';
import { notOurs, type ApplyContext, type ResourceApply } from './context.js';

const path = (c: ApplyContext, props = c.after): string => `projects/${c.session.project}/topics/${String(props.name)}`;
const labels = (c: ApplyContext) => labelsFor(c.session, { [LABEL_KIND]: String(c.after.kind) });

async function update(c: ApplyContext): Promise<void> {
  await call(`pubsub.topics.patch ${path(c)}`, () => c.session.clients.publisher.updateTopic({ topic: { name: path(c), labels: labels(c) }, updateMask: { paths: ['labels'] } }));
}

async function create(c: ApplyContext): Promise<void> {
  try {
    await c.session.clients.publisher.createTopic({ name: path(c), labels: labels(c) });
  } catch (err) {
    if (errorKind(err) !== 'conflict') return call(`pubsub.topics.create ${path(c)}`, () => Promise.reject(err));
    const [got] = await call(`pubsub.topics.get ${path(c)}`, () => c.session.clients.publisher.getTopic({ topic: path(c) }));
    // No labels at all: an interrupted run of ours cannot leave that (labels come with create), so it is someone else's.
    if (!isOurs(got.labels, c.session)) throw notOurs('Pub/Sub topic', String(c.after.name), 'Another service uses this topic name: rename the queue or the stage.');
    await update(c);
  }
}

async function remove(c: ApplyContext): Promise<void> {
  await ignoreMissing(`pubsub.topics.delete ${path(c, c.before)}`, () => c.session.clients.publisher.deleteTopic({ topic: path(c, c.before) }));
}

/** A Pub/Sub topic per queue (and one per dead-letter queue). */
export const topicApply: ResourceApply = { create, update, delete: remove };
