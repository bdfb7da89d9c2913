import type { ScheduleProps } from '../naming.js';
import type { RawScheduleEvent } from '../protocol.js';
import type { CloudState } from './state.js';

/** setTimeout cannot wait longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ScheduleDeps {
  state: CloudState;
  fire(fn: string, event: RawScheduleEvent): void;
}

/**
 * One schedule on real timers: cron through croner (in the schedule's time zone), rate as a fixed
 * interval. The last run is persisted, so a rate keeps its cadence across restarts (a run missed
 * while the local cloud was down fires once at start-up); cron does not catch up, like the clouds.
 */
export class ScheduleRunner {
  private timer: NodeJS.Timeout | undefined;
  private cron: { stop(): void } | undefined;
  private stopped = false;

  constructor(readonly id: string, private readonly props: ScheduleProps, private readonly deps: ScheduleDeps) {}

  async start(): Promise<void> {
    if (!this.props.enabled) return;
    if (this.props.cron) {
      const { Cron } = await import('croner');
      if (this.stopped) return;
      this.cron = new Cron(cronerPattern(this.props.cron), { timezone: this.props.timezone || 'UTC' }, () => this.run(Date.now()));
    } else if (this.props.rateMs) {
      const last = this.deps.state.lastRun(this.id);
      const next = last === undefined ? Date.now() + this.props.rateMs : last + this.props.rateMs;
      this.arm(next);
    }
  }

  private arm(at: number): void {
    if (this.stopped) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, at - Date.now()));
    this.timer = setTimeout(() => {
      if (Date.now() + 5 < at) return this.arm(at);
      this.run(Date.now());
      this.arm(Math.max(Date.now() + 1, at + (this.props.rateMs ?? 60_000)));
    }, wait);
  }

  private run(at: number): void {
    if (this.stopped) return;
    this.deps.state.markRun(this.id, at);
    this.deps.fire(this.props.function, { id: this.id, time: new Date(at).toISOString(), expression: this.props.expression, ...(this.props.input !== null ? { input: this.props.input } : {}) });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.cron?.stop();
  }
}

const FIELD_MAX = [59, 23, 31, 12, 7];

/**
 * The neutral 5-field cron as croner takes it: croner refuses a step after a single number
 * (`0/2`, valid Unix cron: from 0 every 2); that is the range to the field's end with the step.
 */
export function cronerPattern(cron: string): string {
  return cron
    .trim()
    .split(/\s+/)
    .map((field, i) => field.split(',').map((item) => item.replace(/^(\d+)\/(\d+)$/, (_m, a: string, n: string) => `${a}-${FIELD_MAX[i]}/${n}`)).join(','))
    .join(' ');
}
