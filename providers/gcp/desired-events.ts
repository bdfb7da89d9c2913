import type { DesiredResource } from '../../src/core/resources.js';
import type { ScheduleEventSpec, Service } from '../../src/model/service.js';
import { rateToCron } from '../../src/config/schedule.js';
import { marker, TYPES, type Names } from './naming.js';
import { bucketPhysicalName } from './desired.js';

/** How long dead letters are kept in the DLQ subscription: 7 days, Pub/Sub's maximum. */
export const DLQ_RETENTION_S = 7 * 24 * 3600;

/** Pub/Sub ack deadlines are 10-600 s. */
export function ackDeadline(visibilityTimeoutMs: number): number {
  return Math.min(600, Math.max(10, Math.ceil(visibilityTimeoutMs / 1000)));
}

/** Pub/Sub dead-lettering counts deliveries (5-100): the first one plus maxRetries. */
export function maxDeliveryAttempts(maxRetries: number): number {
  return Math.min(100, Math.max(5, maxRetries + 1));
}

/** Cloud Scheduler takes Unix cron only: rates become the exact cron validate checked exists. */
export function schedulerCron(e: Pick<ScheduleEventSpec, 'cron' | 'rateMs' | 'expression'>): string {
  if (e.cron !== undefined) return e.cron.trim().split(/\s+/).join(' ');
  return (e.rateMs !== undefined && rateToCron(e.rateMs)) || e.expression;
}

function queueResources(service: Service, names: Names): DesiredResource[] {
  const out: DesiredResource[] = [];
  for (const q of service.queues) {
    // A dead-letter topic keeps nothing by itself: Pub/Sub drops what is published to a topic with
    // no subscription (https://cloud.google.com/pubsub/docs/subscription-overview). Its own pull
    // subscription, of the same name, holds the dead letters for `sls-x queue dlq` (7 days, the most).
    if (q.deadLetter) out.push({ id: `topic:${q.name}:dlq`, type: TYPES.topic, props: { name: names.topicName(q.name, true), kind: 'dlq', subscription: { retention: DLQ_RETENTION_S } } });
    out.push({ id: `topic:${q.name}`, type: TYPES.topic, props: { name: names.topicName(q.name), kind: 'queue' } });
  }
  for (const fn of service.functions) {
    for (const e of fn.events) {
      if (e.kind !== 'queue') continue;
      const q = service.queues.find((x) => x.name === e.queue);
      if (!q) continue;
      // The push subscription is the one Cloud Functions creates for the trigger: sls-x sets its
      // ack deadline, retention and dead-lettering once the function exists.
      out.push({
        id: `subscription:${fn.name}:${q.name}`,
        type: TYPES.subscription,
        props: {
          function: names.functionName(fn.name),
          topic: names.topicPath(q.name),
          ackDeadline: ackDeadline(q.visibilityTimeoutMs),
          retention: Math.ceil(q.retentionMs / 1000),
          deadLetter: q.deadLetter ? { topic: names.topicPath(q.name, true), maxDeliveryAttempts: maxDeliveryAttempts(q.maxRetries) } : undefined,
        },
        dependsOn: [`function:${fn.name}`, ...(q.deadLetter ? [`topic:${q.name}:dlq`, `iam:topic:${q.name}:dlq`] : [])],
      });
    }
  }
  return out;
}

function scheduleResources(service: Service, names: Names): DesiredResource[] {
  const scheduled = service.functions.filter((f) => f.events.some((e) => e.kind === 'schedule'));
  if (scheduled.length === 0) return [];
  const out: DesiredResource[] = [
    {
      id: 'sa:invoker',
      type: TYPES.serviceAccount,
      security: true,
      props: { accountId: names.invokerAccountId, displayName: `sls-x ${service.service}/${service.stage} scheduler`.slice(0, 100), description: marker(service.service, service.stage, 'sa:invoker') },
    },
  ];
  for (const fn of scheduled) {
    fn.events.forEach((e, index) => {
      if (e.kind !== 'schedule') return;
      const id = `schedule:${fn.name}:${index}`;
      const url = names.functionUrl(fn.name);
      out.push({
        id,
        type: TYPES.job,
        props: {
          name: names.jobId(fn.name, index),
          description: marker(service.service, service.stage, id),
          schedule: schedulerCron(e),
          timeZone: e.timezone,
          state: e.enabled ? 'ENABLED' : 'PAUSED',
          uri: url,
          body: e.input === undefined ? '' : JSON.stringify(e.input),
          // A private function: Scheduler signs its request as the invoker account.
          oidc: { serviceAccount: names.invokerAccountEmail, audience: url },
        },
        dependsOn: ['sa:invoker', `function:${fn.name}`, `iam:run:${fn.name}`],
      });
    });
  }
  return out;
}

function storageResources(service: Service, names: Names): DesiredResource[] {
  return service.buckets
    .filter((b) => !b.existing)
    .map((b) => ({ id: `bucket:${b.name}`, type: TYPES.bucket, props: { name: bucketPhysicalName(service, names, b.name), bucket: b.name, location: '${GCP::Region}' } }));
}

/** Event resources: topics and trigger subscriptions, Scheduler jobs and their invoker, buckets. */
export function desiredEvents(service: Service, names: Names): DesiredResource[] {
  return [...queueResources(service, names), ...scheduleResources(service, names), ...storageResources(service, names)];
}
