import { pathOf, type CheckContext } from './context.js';

/** Time zones must be IANA names every target and the local cron understand. */
export function checkSchedules(ctx: CheckContext): void {
  for (const fn of ctx.service.functions) {
    for (const ev of fn.events) {
      if (ev.kind !== 'schedule' || ev.timezone === 'UTC') continue;
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: ev.timezone });
      } catch {
        ctx.report.error('invalid-timezone', `\`${ev.timezone}\` is not a time zone.`, {
          path: [...pathOf(ctx, ev, pathOf(ctx, fn)), 'schedule', 'timezone'],
          hint: 'Use an IANA name like `Europe/Paris` or `America/New_York`, or leave it out for UTC.',
        });
      }
    }
  }
}
