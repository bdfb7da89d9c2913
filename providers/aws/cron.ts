import type { ScheduleEventSpec } from '../../src/model/service.js';

/**
 * EventBridge Scheduler's expression for a neutral schedule, or why it cannot be expressed.
 * Neutral cron is 5-field (minute hour day-of-month month day-of-week, Sunday = 0 or 7);
 * AWS cron is 6-field with a year, Sunday = 1, and `?` in exactly one of the two day fields
 * (so "day-of-month AND day-of-week" cannot be said at all).
 */
export function scheduleExpression(spec: Pick<ScheduleEventSpec, 'cron' | 'rateMs' | 'expression'>): { expression: string } | { error: string } {
  if (spec.rateMs !== undefined) return rateExpression(spec.rateMs);
  if (spec.cron === undefined) return { error: `schedule '${spec.expression}' has neither a cron nor a rate` };
  const fields = spec.cron.trim().split(/\s+/);
  if (fields.length !== 5) return { error: `cron '${spec.cron}' must have 5 fields` };
  const [minute, hour, dom, month, dow] = fields;
  if (dom !== '*' && dom !== '?' && dow !== '*' && dow !== '?') {
    return { error: `cron '${spec.cron}' sets both day-of-month and day-of-week; AWS cron can only use one of them` };
  }
  if (dow === '*' || dow === '?') return { expression: `cron(${minute} ${hour} ${dom === '?' ? '*' : dom} ${month} ? *)` };
  const awsDow = convertDayOfWeek(dow);
  if ('error' in awsDow) return { error: `cron '${spec.cron}': ${awsDow.error}` };
  return { expression: `cron(${minute} ${hour} ? ${month} ${awsDow.value} *)` };
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

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** Neutral day-of-week (0-7, Sunday 0 or 7, or names) to AWS names, which need no renumbering. */
function convertDayOfWeek(field: string): { value: string } | { error: string } {
  const out: string[] = [];
  for (const part of field.split(',')) {
    const [range, step] = part.split('/');
    const ends = range.split('-');
    if (ends.length > 2) return { error: `day-of-week '${part}' is not understood` };
    const mapped: string[] = [];
    for (const end of ends) {
      if (/^\d+$/.test(end)) {
        const n = Number(end);
        if (n > 7) return { error: `day-of-week ${n} is out of range` };
        mapped.push(DAY_NAMES[n % 7]);
      } else if (/^[A-Za-z]{3}$/.test(end) && DAY_NAMES.includes(end.toUpperCase())) {
        mapped.push(end.toUpperCase());
      } else if (end === '*' && ends.length === 1) {
        mapped.push('*');
      } else {
        return { error: `day-of-week '${part}' is not understood` };
      }
    }
    if (mapped.length === 2 && DAY_NAMES.indexOf(mapped[0]) > DAY_NAMES.indexOf(mapped[1])) {
      // e.g. 5-7 = FRI-SUN, which wraps past Saturday: AWS needs it as a list.
      return { error: `day-of-week range '${part}' wraps around the week; write it as a list (e.g. 5,6,0)` };
    }
    out.push(mapped.join('-') + (step ? `/${step}` : ''));
  }
  return { value: out.join(',') };
}
