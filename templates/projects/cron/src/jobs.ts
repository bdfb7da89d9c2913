import type { ScheduleHandler } from 'sls-x/runtime';

/** Runs every night at 03:00 UTC. */
export const nightly: ScheduleHandler = async (ev, ctx) => {
  ctx.log.info('nightly run', { time: ev.time, remainingMs: ctx.remainingMs() });
  // ... clean up, aggregate, send a report
};

/** Runs every 15 minutes. */
export const heartbeat: ScheduleHandler = async (ev, ctx) => {
  ctx.log.info('heartbeat', { time: ev.time, coldStart: ctx.coldStart });
};
