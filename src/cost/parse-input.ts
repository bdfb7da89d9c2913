import { SlsxError } from '../errors/slsx-error.js';
import { HOURS_PER_DAY, MS_PER_S } from './money.js';

/**
 * Parsers for the figures of `sls-x cost estimate`. Each names the flag (or config field) in
 * its error and says what a good value looks like: `10Mb` is not `10M`, `120mss` is not `120ms`.
 */

function bad(flag: string, value: string, what: string, example: string): SlsxError {
  return new SlsxError('COST_INPUT', `${flag} '${value}': ${what}.`, { hint: `For example ${flag} ${example}.` });
}

const NUMBER = '(\\d+(?:\\.\\d+)?|\\.\\d+)';

const COUNT_SUFFIX: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, B: 1e9, G: 1e9 };

/** `10M`, `250k`, `1.5B`, `3,000,000`, `3_000_000` -> a count. */
export function parseCount(flag: string, raw: string | number, max: number): number {
  const value = String(raw).trim();
  const m = new RegExp(`^${NUMBER}\\s*([A-Za-z]*)$`).exec(value.replace(/[_,](?=\d{3}(\D|$))/g, ''));
  if (!m) {
    if (value.startsWith('-')) throw bad(flag, value, 'must not be negative', '10M');
    throw bad(flag, value, 'is not a number', '10M (ten million), 250k or 3000000');
  }
  const suffix = m[2];
  if (!(suffix in COUNT_SUFFIX)) {
    const guess = suffix.toLowerCase().startsWith('m') ? ' (did you mean M, million?)' : '';
    throw bad(flag, value, `unknown unit '${suffix}'${guess}; use a plain count or k (thousand), M (million), B (billion)`, '10M');
  }
  const n = Number(m[1]) * COUNT_SUFFIX[suffix];
  if (!Number.isFinite(n)) throw bad(flag, value, 'is not a number', '10M');
  if (n > max) throw bad(flag, value, `is more than ${max.toExponential()} (absurd for one month)`, '10M');
  return n;
}

const TIME_UNITS: Record<string, number> = { '': 1, ms: 1, s: MS_PER_S, sec: MS_PER_S, m: 60 * MS_PER_S, min: 60 * MS_PER_S };

/** `120ms`, `1.5s`, `2min`, `120` (ms) -> milliseconds. */
export function parseDuration(flag: string, raw: string | number, max: number, allowZero = false): number {
  const value = String(raw).trim();
  const m = new RegExp(`^${NUMBER}\\s*([A-Za-z]*)$`).exec(value);
  if (!m) {
    if (value.startsWith('-')) throw bad(flag, value, 'must not be negative', '120ms');
    throw bad(flag, value, 'is not a duration', '120ms or 1.5s');
  }
  const unit = m[2].toLowerCase();
  if (!(unit in TIME_UNITS)) throw bad(flag, value, `unknown unit '${m[2]}'; use ms, s or min`, '120ms or 1.5s');
  const ms = Number(m[1]) * TIME_UNITS[unit];
  if (ms === 0 && !allowZero) throw bad(flag, value, 'must be more than 0', '120ms');
  if (ms > max) throw bad(flag, value, `is longer than ${max / MS_PER_S} s (no target runs that long)`, '120ms');
  return ms;
}

const MEMORY_UNITS: Record<string, number> = { '': 1, mb: 1, mib: 1, m: 1, gb: 1024, gib: 1024, g: 1024 };

/** `1536`, `1536MB`, `1.5GB`, `2GiB` -> MB (whole). */
export function parseMemory(flag: string, raw: string | number, max: number): number {
  const value = String(raw).trim();
  const m = new RegExp(`^${NUMBER}\\s*([A-Za-z]*)$`).exec(value);
  if (!m) {
    if (value.startsWith('-')) throw bad(flag, value, 'must not be negative', '1536 (MB) or 2GB');
    throw bad(flag, value, 'is not a memory size', '1536 (MB) or 2GB');
  }
  const unit = m[2].toLowerCase();
  if (!(unit in MEMORY_UNITS)) throw bad(flag, value, `unknown unit '${m[2]}'; use MB or GB`, '1536 or 2GB');
  const mb = Number(m[1]) * MEMORY_UNITS[unit];
  if (!Number.isInteger(mb)) throw bad(flag, value, 'must be a whole number of MB', '1536');
  if (mb <= 0) throw bad(flag, value, 'must be more than 0', '1536');
  if (mb > max) throw bad(flag, value, `is more than ${max} MB; no target gives that much`, '1536');
  return mb;
}

/** `5%` or `0.05` -> 0.05 (0..1). */
export function parseFraction(flag: string, raw: string | number): number {
  const value = String(raw).trim();
  const m = new RegExp(`^${NUMBER}\\s*(%?)$`).exec(value);
  if (!m) throw bad(flag, value, value.startsWith('-') ? 'must not be negative' : 'is not a fraction or percentage', '5% or 0.05');
  const f = m[2] ? Number(m[1]) / 100 : Number(m[1]);
  if (f > 1) throw bad(flag, value, 'must be between 0 and 1 (or 0% and 100%)', '5%');
  return f;
}

/** A whole number within [min, max]. */
export function parseInteger(flag: string, raw: string | number, min: number, max: number): number {
  const value = String(raw).trim();
  if (!/^-?\d+$/.test(value)) throw bad(flag, value, 'must be a whole number', String(Math.max(min, 1)));
  const n = Number(value);
  if (n < min) throw bad(flag, value, min === 0 ? 'must not be negative' : `must be at least ${min}`, String(Math.max(min, 1)));
  if (n > max) throw bad(flag, value, `must be at most ${max}`, String(Math.max(min, 1)));
  return n;
}

/** A plain number within [min, max] (e.g. the peak factor). */
export function parseNumber(flag: string, raw: string | number, min: number, max: number): number {
  const value = String(raw).trim();
  if (!new RegExp(`^${NUMBER}$`).test(value)) throw bad(flag, value, value.startsWith('-') ? 'must not be negative' : 'is not a number', String(min));
  const n = Number(value);
  if (n < min || n > max) throw bad(flag, value, `must be between ${min} and ${max}`, String(min));
  return n;
}

/** How many of `per` fit in the catalog's month. */
export function periodsPerMonth(flag: string, per: string, hoursPerMonth: number): number {
  switch (per) {
    case 'month':
      return 1;
    case 'day':
      return hoursPerMonth / HOURS_PER_DAY;
    case 'hour':
      return hoursPerMonth;
    default:
      throw bad(flag, per, 'unknown period; use month, day or hour', 'day');
  }
}
