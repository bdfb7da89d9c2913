/** Unit conversions (not rates): what a GB, a second, a million are. */
export const MB_PER_GB = 1024;
export const MS_PER_S = 1000;
export const PER_MILLION = 1_000_000;
/** Azure Storage prices transactions per 10,000; Firestore prices documents per 100,000. */
export const PER_10K = 10_000;
export const PER_100K = 100_000;
export const S_PER_HOUR = 3600;
export const HOURS_PER_DAY = 24;
export const KB_PER_MB = 1024;
export const BYTES_PER_GIB = 1024 * 1024 * 1024;
export const GIB_PER_TIB = 1024;

/**
 * Round to the cent the way bills do: half up, on the decimal value (so 1.005 -> 1.01, which
 * plain `Math.round(x * 100)` gets wrong because 1.005 * 100 = 100.49999...).
 */
export function roundCents(amount: number): number {
  if (!Number.isFinite(amount)) return amount;
  const scaled = Number((Math.abs(amount) * 100).toPrecision(12));
  return (Math.sign(amount) * Math.round(scaled)) / 100;
}

/** Round `value` up to the next multiple of `step` (step <= 0 means no rounding). */
export function ceilTo(value: number, step: number): number {
  if (step <= 0) return value;
  // toPrecision guards against 120.00000000001 turning into 121 after a unit conversion.
  return Math.ceil(Number((value / step).toPrecision(12))) * step;
}

/**
 * Split a shared allowance (a free tier) across consumers in proportion to their usage,
 * never giving one more than it uses. Deterministic and order-independent: the same usage
 * always gets the same share, and the shares add up to min(allowance, total usage).
 */
export function allocateProRata(allowance: number, usage: number[]): number[] {
  const total = usage.reduce((a, b) => a + b, 0);
  if (total <= 0 || allowance <= 0) return usage.map(() => 0);
  if (allowance >= total) return usage.slice();
  return usage.map((u) => (allowance * u) / total);
}

/** Cost of `quantity` units under cumulative tiers: [{ upTo, rate }], the last with upTo = Infinity. */
export function tieredCost(quantity: number, tiers: Array<{ upTo: number; rate: number }>): number {
  let cost = 0;
  let from = 0;
  for (const t of tiers) {
    if (quantity <= from) break;
    const inTier = Math.min(quantity, t.upTo) - from;
    cost += inTier * t.rate;
    from = t.upTo;
  }
  return cost;
}
