/**
 * Schedule expressions: `cron(m h dom mon dow)` (5-field Unix cron, the neutral form) and
 * `rate(N minutes|hours|days)`, plus the exact conversions the targets need. A conversion
 * that cannot be exact returns undefined, and the caller reports it: never a silently
 * different schedule.
 */

export type ParsedSchedule =
  | { kind: 'cron'; cron: string; fields: string[]; extensions: Array<'L' | 'W' | '#'> }
  | { kind: 'rate'; rateMs: number; amount: number; unit: 'minute' | 'hour' | 'day' };

export interface ScheduleError {
  error: string;
  hint: string;
}

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day-of-week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
] as const;

const CRON_HINT = 'Use 5 fields: `cron(minute hour day-of-month month day-of-week)`, e.g. `cron(0 3 * * *)` for 03:00 UTC daily.';
const RATE_HINT = 'Use `rate(N minutes)`, `rate(N hours)` or `rate(N days)`, e.g. `rate(5 minutes)`.';
const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

export function parseSchedule(expression: string): ParsedSchedule | ScheduleError {
  const text = expression.trim();
  const cron = /^cron\((.*)\)$/s.exec(text);
  if (cron) return parseCron(cron[1]!.trim());
  const rate = /^rate\((.*)\)$/s.exec(text);
  if (rate) return parseRate(rate[1]!.trim());
  if (/^[\d*?,/\-LW#A-Za-z]+(\s+[\d*?,/\-LW#A-Za-z]+){4}$/.test(text)) {
    return { error: `Schedule \`${text}\` must be wrapped: \`cron(${text})\`.`, hint: CRON_HINT };
  }
  return { error: `Schedule \`${text}\` is neither \`cron(...)\` nor \`rate(...)\`.`, hint: `${CRON_HINT} Or ${RATE_HINT}` };
}

function parseRate(body: string): ParsedSchedule | ScheduleError {
  const m = /^(\d+)\s+(minute|minutes|hour|hours|day|days)$/.exec(body);
  if (!m) return { error: `Invalid rate \`rate(${body})\`.`, hint: RATE_HINT };
  const amount = Number(m[1]);
  if (amount < 1) return { error: `Rate \`rate(${body})\` must be at least 1.`, hint: RATE_HINT };
  const unit = m[2]!.replace(/s$/, '') as 'minute' | 'hour' | 'day';
  return { kind: 'rate', amount, unit, rateMs: amount * UNIT_MS[unit] };
}

function parseCron(body: string): ParsedSchedule | ScheduleError {
  const fields = body.split(/\s+/).filter(Boolean);
  if (fields.length === 6) {
    return {
      error: `\`cron(${body})\` has 6 fields; sls-x uses 5-field Unix cron.`,
      hint: `${CRON_HINT} (AWS-style expressions end with a year field and count weekdays 1-7: drop the year and use 0-6 = SUN-SAT.)`,
    };
  }
  if (fields.length !== 5) return { error: `\`cron(${body})\` has ${fields.length} field(s); 5 are needed.`, hint: CRON_HINT };
  const extensions = new Set<'L' | 'W' | '#'>();
  for (let i = 0; i < 5; i++) {
    const problem = checkField(fields[i]!.toUpperCase(), i, extensions);
    if (problem) return { error: `Invalid cron \`cron(${body})\`: ${FIELDS[i]!.name} field \`${fields[i]}\` ${problem}.`, hint: CRON_HINT };
  }
  return { kind: 'cron', cron: fields.join(' '), fields, extensions: [...extensions] };
}

function checkField(field: string, index: number, ext: Set<'L' | 'W' | '#'>): string | undefined {
  const spec = FIELDS[index]!;
  const value = (v: string): number | undefined => {
    if (/^\d+$/.test(v)) return Number(v);
    const names: readonly string[] | undefined = 'names' in spec ? spec.names : undefined;
    const i = names?.indexOf(v) ?? -1;
    return i === -1 ? undefined : i + (spec.name === 'month' ? 1 : 0);
  };
  const inRange = (v: string): string | undefined => {
    const n = value(v);
    if (n === undefined) return `has \`${v}\`, which is not a number${'names' in spec ? ' or name' : ''}`;
    if (n < spec.min || n > spec.max) return `has ${n}, outside ${spec.min}-${spec.max}`;
    return undefined;
  };
  for (const item of field.split(',')) {
    if (item === '') return 'has an empty list item';
    if (item === '*' || (item === '?' && (index === 2 || index === 4))) continue;
    if (index === 2 && (item === 'L' || /^\d+W$/.test(item) || item === 'LW')) {
      ext.add(item.includes('W') ? 'W' : 'L');
      if (/^\d+W$/.test(item)) {
        const p = inRange(item.slice(0, -1));
        if (p) return p;
      }
      continue;
    }
    if (index === 4 && /^[0-7A-Z]+L$/.test(item)) {
      ext.add('L');
      const p = inRange(item.slice(0, -1));
      if (p) return p;
      continue;
    }
    if (index === 4 && /^[0-7A-Z]+#[1-5]$/.test(item)) {
      ext.add('#');
      const p = inRange(item.split('#')[0]!);
      if (p) return p;
      continue;
    }
    const m = /^([^/]+?)(?:\/(\d+))?$/.exec(item);
    if (!m) return `has \`${item}\`, which is not valid`;
    const [, range, step] = m;
    if (step !== undefined && Number(step) < 1) return 'has a step of 0';
    if (range === '*') continue;
    const bounds = range!.split('-');
    if (bounds.length > 2) return `has \`${item}\`, which is not a valid range`;
    for (const b of bounds) {
      const p = inRange(b);
      if (p) return p;
    }
    if (bounds.length === 2 && value(bounds[0]!)! > value(bounds[1]!)!) return `has the range ${range}, which runs backwards`;
  }
  return undefined;
}

/** An exact 5-field cron for a rate, when one exists (Cloud Scheduler and Azure timers have no rates). */
export function rateToCron(rateMs: number): string | undefined {
  const minutes = rateMs / 60_000;
  if (!Number.isInteger(minutes) || minutes < 1) return undefined;
  if (minutes < 60) return 60 % minutes === 0 ? (minutes === 1 ? '* * * * *' : `*/${minutes} * * * *`) : undefined;
  const hours = minutes / 60;
  if (!Number.isInteger(hours)) return undefined;
  if (hours < 24) return 24 % hours === 0 ? (hours === 1 ? '0 * * * *' : `0 */${hours} * * *`) : undefined;
  return hours === 24 ? '0 0 * * *' : undefined;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/**
 * Why a 5-field cron has no exact NCRONTAB (Azure Functions timers), or undefined when it has one.
 * NCRONTAB (https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions)
 * has no `?`, no `L`/`W`/`#`, weekdays 0-6 only, and fires only when day-of-month AND day-of-week
 * both match, where cron fires when either does: a cron restricting both has no equivalent.
 */
export function ncrontabProblem(cron: string): string | undefined {
  return ncrontab(cron).error;
}

/** The exact NCRONTAB (seconds first) of a 5-field cron, or undefined (see {@link ncrontabProblem}). */
export function toNcrontab(cron: string): string | undefined {
  return ncrontab(cron).value;
}

function ncrontab(cron: string): { value?: string; error?: string } {
  const f = cron.trim().toUpperCase().split(/\s+/);
  if (f.length !== 5) return { error: `expected 5 fields, got ${f.length}` };
  if (f.some((x) => /[LW#]/.test(x.replace(/[A-Z]{3}/g, (n) => (MONTHS.includes(n) || DAYS.includes(n) ? '0' : n))))) {
    return { error: 'NCRONTAB has no `L`, `W` or `#`' };
  }
  const byName = (field: string, names: string[], base: number): string => field.replace(/[A-Z]{3}/g, (n) => String(names.indexOf(n) + base));
  f[3] = byName(f[3]!, MONTHS, 1);
  f[4] = byName(f[4]!, DAYS, 0);
  f[2] = f[2]!.replace('?', '*');
  f[4] = f[4]!.replace('?', '*');
  if (f[2] !== '*' && f[4] !== '*') {
    return { error: 'it restricts both day-of-month and day-of-week: cron runs when either matches, an Azure timer (NCRONTAB) only when both do' };
  }
  const days: string[] = [];
  for (const item of f[4]!.split(',')) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(item);
    if (!m || item === '*' || item.startsWith('*/')) {
      days.push(item);
      continue;
    }
    const [, a, b, step] = m;
    if (b === undefined) days.push(a === '7' ? '0' : item);
    else if (b !== '7') days.push(item);
    else if (step !== undefined) return { error: `the weekday range \`${item}\` ends on 7 (Sunday) with a step; NCRONTAB counts weekdays 0-6` };
    else days.push(a === '7' ? '0' : `${a}-6`, '0');
  }
  f[4] = [...new Set(days)].join(',');
  return { value: `0 ${f.join(' ')}` };
}

/**
 * EventBridge Scheduler cron: `min hour dom month dow year`, weekdays 1-7 (SUN=1), and one of
 * dom/dow must be `?`. Undefined when both are restricted: Unix cron means "either", which AWS
 * cannot express.
 */
export function toAwsCron(cron: string): string | undefined {
  const [min, hour, dom, month, dow] = cron.split(' ') as [string, string, string, string, string];
  const domAny = dom === '*' || dom === '?';
  const dowAny = dow === '*' || dow === '?';
  if (!domAny && !dowAny) return undefined;
  const awsDow = dowAny ? '?' : dow.replace(/(?<![/#\d])\d+/g, (n) => String((Number(n) % 7) + 1));
  return `${min} ${hour} ${dowAny ? dom.replace('?', '*') : '?'} ${month} ${awsDow} *`;
}
