import type { ObservedResource } from '../../src/core/resources.js';
import type { GcfFunction } from './clients.js';
import { call, callOrMissing } from './errors.js';
import { TYPES } from './naming.js';
import { templatize, type Session } from './session.js';

const last = (path: string | null | undefined): string => String(path ?? '').split('/').pop() ?? '';

/**
 * The push subscription Cloud Functions created for a function's Pub/Sub trigger: Eventarc
 * names it after the trigger (`eventarc-<region>-<trigger>-sub-<n>`), and it is the one on the
 * trigger's topic whose name holds the trigger's id.
 */
export async function triggerSubscription(session: Session, f: GcfFunction): Promise<string | undefined> {
  const topic = f.eventTrigger?.pubsubTopic;
  const trigger = last(f.eventTrigger?.trigger);
  if (!topic || !trigger) return undefined;
  const got = await callOrMissing(`pubsub.topics.subscriptions.list ${topic}`, () => session.clients.publisher.listTopicSubscriptions({ topic }));
  return (got?.[0] ?? []).find((s) => last(s).includes(`-${trigger}-`) || last(s).endsWith(`-${trigger}`));
}

/** Ack deadline, retention and dead-lettering of each function's trigger subscription. */
export async function observeSubscriptions(session: Session, functions: Array<ObservedResource & { raw: GcfFunction }>): Promise<ObservedResource[]> {
  const out: ObservedResource[] = [];
  for (const f of functions) {
    const name = await triggerSubscription(session, f.raw);
    if (!name) continue;
    const [sub] = await call(`pubsub.subscriptions.get ${name}`, () => session.clients.subscriber.getSubscription({ subscription: name }));
    const fn = f.id.slice('function:'.length);
    const topicName = last(sub.topic);
    const queue = topicName.slice(session.names.prefix.length + 1);
    const dl = sub.deadLetterPolicy;
    const retention = sub.messageRetentionDuration?.seconds;
    out.push({
      id: `subscription:${fn}:${queue}`,
      type: TYPES.subscription,
      props: templatize(
        {
          function: f.props.name,
          topic: sub.topic,
          ackDeadline: sub.ackDeadlineSeconds,
          retention: retention === undefined || retention === null ? undefined : Number(retention),
          deadLetter: dl?.deadLetterTopic ? { topic: dl.deadLetterTopic, maxDeliveryAttempts: dl.maxDeliveryAttempts } : undefined,
        },
        session,
      ),
      physicalId: name,
      dependsOn: [`function:${fn}`, ...(dl?.deadLetterTopic ? [`topic:${queue}:dlq`, `iam:topic:${queue}:dlq`] : [])],
    });
  }
  return out;
}
