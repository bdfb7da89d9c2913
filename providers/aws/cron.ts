import type { ScheduleEventSpec } from '../../src/model/service.js';
import { toAwsCron } from '../../src/config/schedule.js';

/**
 * EventBridge Scheduler's expression for a neutral schedule, or why it cannot be expressed.
 * Neutral cron is 5-field (minute hour day-of-month month day-of-week, Sunday = 0 or 7);
 * AWS cron is 6-field with a year, Sunday = 1, and `?` in exactly one of the two day fields
 * (so "day-of-month AND day-of-week" cannot be said at all). The conversion is the config's
 * own (`toAwsCron`), so what validate accepted is exactly what is deployed.
 */
export function scheduleExpression(spec: Pick<ScheduleEventSpec, 'cron' | 'rateMs' | 'expression'>): { expression: string } | { error: string } {
  if (spec.rateMs !== undefined) return rateExpression(spec.rateMs);
  if (spec.cron === undefined) return { error: `schedule '${spec.expression}' has neither a cron nor a rate` };
  const aws = toAwsCron(spec.cron.trim().split(/\s+/).join(' '));
  if (aws === undefined) return { error: `cron '${spec.cron}' sets both day-of-month and day-of-week; AWS cron can only use one of them` };
  return { expression: `cron(${aws})` };
}

function rateExpression(ms: number): { expression: string } | { error: string } {
  const units: Array<[number, string]> = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute']];
  for (const [size, unit] of units) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return { expression: `rate(${n} ${unit}${n === 1 ? '' : 's'})` };
    }
  }
  return { error: `a rate of ${ms} ms is not a whole number of minutes; EventBridge Scheduler's smallest rate is 1 minute` };
}
