import { SlsxError } from '../../../src/errors/slsx-error.js';
import { call } from '../errors.js';
import { getFunction } from '../observe.js';
import { triggerSubscription } from '../observe-pubsub.js';
import { PUBSUB_AGENT, ROLES } from '../desired-iam.js';
import { resolve } from '../session.js';
import { mergePolicy } from './binding.js';
import { IAM_POLICY_VERSION } from '../clients.js';
import { parents, retryPropagation, type ApplyContext, type ResourceApply } from './context.js';

interface DeadLetter {
  topic: string;
  maxDeliveryAttempts: number;
}

/** The fields sls-x sets on a trigger's subscription (Pub/Sub v1 `Subscription` field names). */
export const TRIGGER_SUBSCRIPTION_MASK = ['ack_deadline_seconds', 'dead_letter_policy', 'message_retention_duration'] as const;

/**
 * Cloud Functions creates the push subscription of a Pub/Sub trigger itself; sls-x then sets
 * what the queue config asks on it: ack deadline (visibility timeout), retention, and the
 * dead-letter topic after maxRetries + 1 deliveries. The Pub/Sub agent may then pull from it
 * (to forward dead letters) and publish to the dead-letter topic (iam:topic:<q>:dlq).
 */
async function set(c: ApplyContext): Promise<void> {
  const fnName = `${parents(c).location}/functions/${String(c.after.function)}`;
  const subscription = c.physicalId ?? (await (async () => {
    const f = await getFunction(c.session, fnName);
    return f ? triggerSubscription(c.session, f) : undefined;
  })());
  if (!subscription) {
    throw new SlsxError('CLOUD_ERROR', `The Pub/Sub subscription of ${String(c.after.function)}'s trigger was not found.`, { hint: 'Deploy again; if it keeps failing, check the function\'s trigger in the console (Eventarc).' });
  }
  const dl = c.after.deadLetter as DeadLetter | undefined;
  await call(`pubsub.subscriptions.patch ${subscription}`, () =>
    c.session.clients.subscriber.updateSubscription({
      subscription: {
        name: subscription,
        ackDeadlineSeconds: Number(c.after.ackDeadline),
        messageRetentionDuration: { seconds: Number(c.after.retention) },
        deadLetterPolicy: dl ? { deadLetterTopic: dl.topic, maxDeliveryAttempts: dl.maxDeliveryAttempts } : null,
      },
      updateMask: { paths: [...TRIGGER_SUBSCRIPTION_MASK] },
    }),
  );
  if (!dl) return;
  const agent = resolve(PUBSUB_AGENT, c.session);
  const [policy] = await call(`pubsub.subscriptions.getIamPolicy ${subscription}`, () => c.session.clients.subscriber.getIamPolicy({ resource: subscription, options: { requestedPolicyVersion: IAM_POLICY_VERSION } }));
  if ((policy.bindings ?? []).some((b) => b.role === ROLES.subscriber && (b.members ?? []).includes(agent))) return;
  await retryPropagation(c, `pubsub.subscriptions.setIamPolicy ${subscription}`, () =>
    c.session.clients.subscriber.setIamPolicy({ resource: subscription, policy: mergePolicy(policy, {}, { [ROLES.subscriber]: [agent] }) }),
  );
}

/** The trigger subscription's settings: it is deleted with its function, so delete does nothing. */
export const subscriptionApply: ResourceApply = { create: set, update: set, delete: async () => {} };
