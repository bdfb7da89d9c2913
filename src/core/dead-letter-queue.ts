import { SlsxError } from '../errors/slsx-error.js';
import type { QueueSpec, Service } from '../model/service.js';

/** The queue `sls-x queue dlq <queue>` names, when it is in the config and has a dead-letter queue; a usage error otherwise. */
export function deadLetterQueueOf(service: Service, queue: string): QueueSpec {
  const q = service.queues.find((x) => x.name === queue);
  if (!q) throw new SlsxError('USAGE', `There is no queue '${queue}' in ${service.configFile}.`, { hint: `Queues: ${service.queues.map((x) => x.name).join(', ') || '(none)'}.` });
  if (!q.deadLetter) throw new SlsxError('USAGE', `Queue '${queue}' has no dead-letter queue (deadLetter: false).`, { hint: 'Set `deadLetter: true` on the queue and deploy.' });
  return q;
}
