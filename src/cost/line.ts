import { roundCents, S_PER_HOUR } from './money.js';
import type { LineItem, LineKind } from './result.js';

/** Build a line item; the amount is the exact figure rounded to the cent. */
export function line(
  kind: LineKind,
  label: string,
  f: { quantity: number; unit: string; exact: number; rates: string[]; freeQuantity?: number; freeValue?: number; notEstimated?: string },
): LineItem {
  return {
    kind,
    label,
    quantity: f.quantity,
    unit: f.unit,
    freeQuantity: f.freeQuantity ?? 0,
    freeValue: f.freeValue ?? 0,
    exact: f.exact,
    amount: roundCents(f.exact),
    rates: f.rates,
    ...(f.notEstimated ? { notEstimated: f.notEstimated } : {}),
  };
}

/** Seconds in the catalog's billing month. */
export function secondsPerMonth(hoursPerMonth: number): number {
  return hoursPerMonth * S_PER_HOUR;
}
