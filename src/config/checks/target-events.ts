import type { StorageEventSpec } from '../../model/service.js';
import { parseSchedule, rateToCron, toAwsCron } from '../schedule.js';
import { formatMs } from '../units.js';
import { pathOf } from './context.js';
import type { TargetScope } from './targets.js';

/** Queue, schedule and storage capabilities of one target. */
export function checkTargetEvents(s: TargetScope): void {
  const { t, ctx } = s;
  const q = t.queue;
  const queueByName = new Map(ctx.service.queues.map((x) => [x.name, x]));
  const batchSizes = new Set<number>();
  const storageByBucket = new Map<string, Array<{ ev: StorageEventSpec; fn: string }>>();

  for (const fn of ctx.service.functions) {
    for (const ev of fn.events) {
      const at = pathOf(ctx, ev, pathOf(ctx, fn));
      if (ev.kind === 'queue') {
        const evAt = [...at, 'queue'];
        batchSizes.add(ev.batchSize);
        if (ev.batchSize > q.batchSizeMax) {
          s.error('limit-batch-size', `Batch size ${ev.batchSize} is over ${t.label}'s ${q.batchSizeMax}.`, evAt, `Set \`batchSize\` to ${q.batchSizeMax} or less.`);
        } else if (q.batchSizeNeedsWindowAbove !== undefined && ev.batchSize > q.batchSizeNeedsWindowAbove && ev.batchWindowMs === 0) {
          s.error('limit-batch-size', `${t.label} takes batches over ${q.batchSizeNeedsWindowAbove} messages only with a batch window.`, evAt, 'Add `batchWindow: 1s` (or longer) to the queue event.');
        }
        if (ev.batchWindowMs > 0 && q.batchWindowMaxMs === 0) {
          s.warn('unsupported-batch-window', `${t.label} has no batch window: batches are handed over as soon as messages arrive.`, evAt);
        } else if (ev.batchWindowMs > q.batchWindowMaxMs) {
          s.error('limit-batch-window', `Batch window ${formatMs(ev.batchWindowMs)} is over ${t.label}'s ${formatMs(q.batchWindowMaxMs)}.`, evAt, `Set \`batchWindow\` to ${formatMs(q.batchWindowMaxMs)} or less.`);
        }
        if (q.singleMessage && ev.batchSize > 1) {
          s.warn('single-message-delivery', `${t.label} delivers one message per invocation (Pub/Sub push); the handler always gets a batch of 1.`, evAt);
        }
        const queue = queueByName.get(ev.queue);
        if (queue && q.visibilityCoversTimeout && queue.visibilityTimeoutMs < fn.timeoutMs) {
          s.error('limit-visibility-timeout', `Queue \`${queue.name}\` hides a message for ${formatMs(queue.visibilityTimeoutMs)}, less than the ${formatMs(fn.timeoutMs)} timeout of \`${fn.name}\` that reads it; ${t.label} refuses this.`, [...pathOf(ctx, queue), 'visibilityTimeout'], `Set the queue's \`visibilityTimeout\` to at least ${formatMs(fn.timeoutMs)} (6x the timeout is the usual advice).`, ctx.raw.queues?.[queue.name]?.visibilityTimeout !== undefined ? 'value' : 'key');
        }
      } else if (ev.kind === 'schedule') {
        const evAt = typeof ctx.raw.functions?.[fn.name]?.events?.[Number(at[at.length - 1])]?.schedule === 'string' ? [...at, 'schedule'] : [...at, 'schedule', 'expression'];
        if (ev.rateMs !== undefined && t.schedule.rates === 'cron' && !rateToCron(ev.rateMs)) {
          s.error('unsupported-schedule', `${t.label} has no rate schedules, and \`${ev.expression}\` has no exact cron equivalent.`, evAt, 'Use a rate that divides an hour or a day (1-30 minutes dividing 60, 1-12 hours dividing 24, 1 day), or a `cron(...)` expression.');
        }
        if (ev.cron !== undefined) {
          const parsed = parseSchedule(`cron(${ev.cron})`);
          if ('kind' in parsed && parsed.kind === 'cron' && parsed.extensions.length && !t.schedule.extensions) {
            s.error('unsupported-schedule', `${t.label} does not support the cron extension${parsed.extensions.length > 1 ? 's' : ''} ${parsed.extensions.map((e) => `\`${e}\``).join(', ')} in \`${ev.expression}\`.`, evAt, 'Use plain Unix cron fields (numbers, names, `*`, `,`, `-`, `/`).');
          }
          if (t.schedule.domOrDow && toAwsCron(ev.cron) === undefined) {
            s.error('unsupported-schedule', `\`${ev.expression}\` restricts both day-of-month and day-of-week (Unix cron: either matches); ${t.label} cron cannot express that.`, evAt, 'Use `*` in one of the two fields, or split it into two schedules.');
          }
        }
        if (ev.timezone !== 'UTC' && !t.schedule.timezones) {
          s.error('unsupported-schedule', `${t.label} runs timer schedules in UTC only; \`timezone: ${ev.timezone}\` cannot be honoured.`, [...at, 'schedule', 'timezone'], 'Remove `timezone` and write the cron in UTC.');
        }
      } else if (ev.kind === 'storage') {
        if ((ev.prefix || ev.suffix) && t.storage.filters === 'in-function') {
          s.warn('storage-filter-in-function', `${t.label} triggers cannot filter by prefix/suffix; sls-x filters in the function, which is still invoked (and billed) for every object in \`${ev.bucket}\`.`, [...at, 'storage']);
        }
        const list = storageByBucket.get(ev.bucket) ?? [];
        if (t.storage.noOverlap) {
          const clash = list.find((o) => o.ev.on.some((x) => ev.on.includes(x)) && overlaps(o.ev.prefix, ev.prefix, 'prefix') && overlaps(o.ev.suffix, ev.suffix, 'suffix'));
          if (clash) {
            s.error('overlapping-storage-events', `Storage events on \`${ev.bucket}\` overlap with those of \`${clash.fn}\` (same event type, overlapping prefix/suffix); ${t.label} refuses overlapping notifications.`, [...at, 'storage'], 'Give the events prefixes or suffixes that do not overlap, or handle both in one function.');
          }
        }
        list.push({ ev, fn: fn.name });
        storageByBucket.set(ev.bucket, list);
      }
    }
  }
  if (q.batchPerService && batchSizes.size > 1) {
    s.warn('per-service-batch-size', `${t.label} sets one queue batch size for the whole service; all queue functions get ${Math.min(Math.max(...batchSizes), q.batchSizeMax)}.`, ['functions'], 'Use the same `batchSize` on every queue event.', 'key');
  }

  const retries = new Set<number>();
  for (const queue of ctx.service.queues) {
    const at = pathOf(ctx, queue);
    const raw = ctx.raw.queues?.[queue.name] ?? undefined;
    const field = (k: 'visibilityTimeout' | 'retention' | 'maxRetries' | 'deadLetter') => (raw?.[k] !== undefined ? { path: [...at, k], part: 'value' as const } : { path: at, part: 'key' as const });
    retries.add(queue.maxRetries);
    if (queue.visibilityTimeoutMs > q.visibilityTimeoutMaxMs) {
      const f = field('visibilityTimeout');
      s.error('limit-visibility-timeout', `Queue \`${queue.name}\` visibility timeout ${formatMs(queue.visibilityTimeoutMs)} is over ${t.label}'s ${formatMs(q.visibilityTimeoutMaxMs)}.`, f.path, undefined, f.part);
    }
    if (queue.retentionMs < q.retentionMinMs || queue.retentionMs > q.retentionMaxMs) {
      const f = field('retention');
      s.error('limit-retention', `Queue \`${queue.name}\` retention ${formatMs(queue.retentionMs)} is outside ${t.label}'s ${formatMs(q.retentionMinMs)}-${Number.isFinite(q.retentionMaxMs) ? formatMs(q.retentionMaxMs) : 'unlimited'}.`, f.path, undefined, f.part);
    }
    if (queue.deadLetter && queue.maxRetries < q.maxRetriesMin) {
      const f = field('maxRetries');
      s.warn('limit-retries', `${t.label} dead-letters after at least ${q.maxRetriesMin + 1} deliveries; queue \`${queue.name}\` retries ${queue.maxRetries} time(s), so it gets ${q.maxRetriesMin} retries there.`, f.path, `Set \`maxRetries: ${q.maxRetriesMin}\` to make every target behave the same.`, f.part);
    } else if (queue.maxRetries > q.maxRetriesMax) {
      const f = field('maxRetries');
      s.error('limit-retries', `Queue \`${queue.name}\` maxRetries ${queue.maxRetries} is over ${t.label}'s ${q.maxRetriesMax}.`, f.path, `Set \`maxRetries\` to ${q.maxRetriesMax} or less.`, f.part);
    }
    if (!queue.deadLetter && !q.deadLetterOptional) {
      const f = field('deadLetter');
      s.warn('dead-letter-always', `${t.label} always moves messages that keep failing to \`${queue.name}-poison\`; \`deadLetter: false\` cannot turn that off.`, f.path, undefined, f.part);
    }
  }
  if (q.retriesPerService && retries.size > 1) {
    s.warn('per-service-retries', `${t.label} sets one retry count for all queues of the service; all get ${Math.max(...retries)}.`, ['queues'], 'Use the same `maxRetries` on every queue.', 'key');
  }
}

/** Two prefix (or suffix) filters overlap when one is empty or one extends the other. */
function overlaps(a: string | undefined, b: string | undefined, kind: 'prefix' | 'suffix'): boolean {
  if (!a || !b) return true;
  return kind === 'prefix' ? a.startsWith(b) || b.startsWith(a) : a.endsWith(b) || b.endsWith(a);
}
