import type { ScheduleHandler } from 'sls-x/runtime';

/** Every night at 03:00 UTC: a report of the day (here: a log line). */
export const nightly: ScheduleHandler = async (ev, ctx) => {
  ctx.log.info('nightly report', { firedAt: ev.time, expression: ev.expression });
};
