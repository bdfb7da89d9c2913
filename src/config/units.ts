/**
 * Units used in faas.yaml: durations (`500ms`, `10s`, `2m`, `1h`; a bare number is seconds),
 * sizes (`512`, `512MB`, `1GB`; a bare number is MB, and 1 GB = 1024 MB as the clouds count it)
 * and request rates (`10M/month`, `250k/day`; a bare number is per month).
 * Each parser returns `undefined` for input it does not understand: callers report it with a position.
 */

/** Matches the string form of a duration; the schema uses it too, so the two cannot drift. */
export const DURATION_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|sec|m|min|h|d)\\s*$';
export const SIZE_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*(MB|M|MiB|GB|G|GiB)?\\s*$';
export const RATE_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*[kKmMbB]?\\s*(/\\s*(month|day|hour|minute|second))?\\s*$';

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds, or undefined. Bare numbers are seconds. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|d)\s*$/.exec(value);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * DURATION_UNITS[m[2]!]!);
}

/** MB, or undefined. Bare numbers are MB. */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(MB|M|MiB|GB|G|GiB)?\s*$/.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] && m[2].startsWith('G') ? n * 1024 : n;
}

/** Hours in the month every cloud price list uses (730 = 8760 / 12). */
export const HOURS_PER_MONTH = 730;
const PER_MONTH: Record<string, number> = {
  month: 1,
  day: HOURS_PER_MONTH / 24,
  hour: HOURS_PER_MONTH,
  minute: HOURS_PER_MONTH * 60,
  second: HOURS_PER_MONTH * 3600,
};
const SCALE: Record<string, number> = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6, b: 1e9, B: 1e9 };

/** Requests per month, or undefined. `10M/month`, `250k/day`, `50/second`; a bare number is per month. */
export function parseRequestRate(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmMbB]?)\s*(?:\/\s*(month|day|hour|minute|second))?\s*$/.exec(value);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * SCALE[m[2] ?? '']! * PER_MONTH[m[3] ?? 'month']!);
}

/** `90000` -> `90s`, `120000` -> `2m`: for messages. */
export function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0 && ms >= 3_600_000) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  if (ms % 1000 === 0 && ms >= 1000) return `${ms / 1000}s`;
  return `${ms}ms`;
}
