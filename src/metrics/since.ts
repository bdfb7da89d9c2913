import { SlsxError } from '../errors/slsx-error.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since 10m` as milliseconds (ms, s, m, h, d); a clear USAGE error otherwise. */
export function parseSince(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m|h|d)\s*$/.exec(value);
  if (!m) throw new SlsxError('USAGE', `${flag} ${JSON.stringify(value)} is not a duration.`, { hint: `Write it like 30s, 10m, 2h or 1d, e.g. \`${flag} 1h\`.` });
  return Math.round(Number(m[1]) * UNITS[m[2]]);
}
