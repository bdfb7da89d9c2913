import type { Service, StorageEventSpec } from '../../src/model/service.js';
import type { DesiredResource } from '../../src/core/resources.js';
import { planAzureTriggers } from '../../templates/shims/common/azure-triggers.js';
import { TYPES, type AzureNames } from './naming.js';
import { ids } from './session.js';

const EVENT_TYPES: Record<StorageEventSpec['on'][number], string> = { created: 'Microsoft.Storage.BlobCreated', deleted: 'Microsoft.Storage.BlobDeleted' };

/**
 * Storage events: one Event Grid system topic on the service's storage account, and one
 * subscription per storage event delivering to the function's Event Grid trigger, filtered by
 * container and prefix (subject begins with) and suffix (subject ends with). HTTP, queue and
 * timer triggers live in the app itself: nothing to create for them.
 */
export function desiredStorageEvents(service: Service, names: AzureNames): DesiredResource[] {
  const rg = names.resourceGroup;
  const subs: DesiredResource[] = [];
  for (const fn of service.functions) {
    const trigger = planAzureTriggers(fn.name, fn.events).find((t) => t.kind === 'storage');
    if (!trigger || trigger.kind !== 'storage') continue;
    trigger.events.forEach((e, i) => {
      const bucketId = `bucket:${e.bucket}`;
      subs.push({
        id: `event:${fn.name}:${i + 1}`,
        type: TYPES.eventSubscription,
        props: {
          topic: names.systemTopic,
          name: names.eventSubscription(fn.name, i + 1),
          function: `${ids.site(rg, names.app)}/functions/${trigger.name}`,
          eventTypes: e.on.map((o) => EVENT_TYPES[o]),
          subjectBeginsWith: `/blobServices/default/containers/${names.container(e.bucket)}/blobs/${e.prefix ?? ''}`,
          subjectEndsWith: e.suffix ?? '',
        },
        replaceOn: ['topic', 'name'],
        // The trigger must exist in the deployed package before Event Grid validates the endpoint.
        dependsOn: ['event-topic', 'package', bucketId],
      });
    });
  }
  if (subs.length === 0) return [];
  return [
    {
      id: 'event-topic',
      type: TYPES.systemTopic,
      props: { name: names.systemTopic, source: ids.storageAccount(rg, names.storageAccount), topicType: 'Microsoft.Storage.StorageAccounts' },
      replaceOn: ['name', 'source'],
      dependsOn: ['storage'],
    },
    ...subs,
  ];
}
