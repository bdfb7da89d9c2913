import { azureStatus, call, callOrMissing } from '../errors.js';
import { settle } from '../retry.js';
import { TAG_ID } from '../naming.js';
import type { ApplyContext, ResourceApply } from './context.js';

async function putTopic(c: ApplyContext): Promise<void> {
  const name = String(c.after.name);
  await call(`systemTopics createOrUpdate ${name}`, () =>
    c.session.clients.eventgrid.systemTopics.beginCreateOrUpdateAndWait(c.rg, name, {
      location: c.session.region,
      source: String(c.after.source),
      topicType: String(c.after.topicType),
      tags: c.tags,
    }),
  );
}

async function deleteTopic(c: ApplyContext): Promise<void> {
  const name = String(c.before.name);
  await callOrMissing(`systemTopics delete ${name}`, () => c.session.clients.eventgrid.systemTopics.beginDeleteAndWait(c.rg, name));
}

/** The Event Grid system topic of the service's storage account. */
export const systemTopicApply: ResourceApply = { create: putTopic, update: putTopic, delete: deleteTopic };

async function putSubscription(c: ApplyContext): Promise<void> {
  const topic = String(c.after.topic);
  const name = String(c.after.name);
  const suffix = String(c.after.subjectEndsWith ?? '');
  // Event Grid validates the destination: a function the host has not indexed yet (a package
  // deployed seconds ago) is "not found" for a while, so a 400/404 is retried with backoff.
  await call(`systemTopicEventSubscriptions createOrUpdate ${topic}/${name}`, () =>
    settle(c.session, () => c.session.clients.eventgrid.systemTopicEventSubscriptions.beginCreateOrUpdateAndWait(c.rg, topic, name, {
      destination: { endpointType: 'AzureFunction', resourceId: String(c.after.function), maxEventsPerBatch: 1 },
      filter: {
        includedEventTypes: c.after.eventTypes as string[],
        subjectBeginsWith: String(c.after.subjectBeginsWith),
        ...(suffix ? { subjectEndsWith: suffix } : {}),
      },
      // Event subscriptions take no tags: the label maps it back to the plan.
      labels: [`${TAG_ID}=${c.change.id}`],
      eventDeliverySchema: 'EventGridSchema',
    }), (err) => [400, 404].includes(azureStatus(err) ?? 0)),
  );
}

async function deleteSubscription(c: ApplyContext): Promise<void> {
  const topic = String(c.before.topic);
  const name = String(c.before.name);
  await callOrMissing(`systemTopicEventSubscriptions delete ${topic}/${name}`, () => c.session.clients.eventgrid.systemTopicEventSubscriptions.beginDeleteAndWait(c.rg, topic, name));
}

/** One storage event: blob created/deleted in a container (prefix, suffix) to a function's Event Grid trigger. */
export const eventSubscriptionApply: ResourceApply = { create: putSubscription, update: putSubscription, delete: deleteSubscription };
