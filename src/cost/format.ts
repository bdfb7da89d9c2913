/** Number formatting shared by the renderers. */

export function money(n: number): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** 3000000 -> 3M, 250000 -> 250k, 1234 -> 1,234. */
export function count(n: number): string {
  const units: Array<[number, string]> = [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (n >= size) {
      const v = n / size;
      return `${Number(v.toPrecision(v >= 100 ? 3 : 3)).toLocaleString('en-US')}${suffix}`;
    }
  }
  return Number(n.toPrecision(3)).toLocaleString('en-US');
}

export function ms(n: number): string {
  return n >= 1000 ? `${Number((n / 1000).toPrecision(4))} s` : `${Number(n.toPrecision(4))} ms`;
}

export function pct(f: number): string {
  return `${Number((f * 100).toPrecision(3))}%`;
}

export function pad(s: string, width: number, right = false): string {
  const t = s.length > width ? `${s.slice(0, width - 1)}…` : s;
  return right ? t.padStart(width) : t.padEnd(width);
}
