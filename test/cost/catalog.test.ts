import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG_NAMES, defaultCatalogs } from '../../src/cost/catalog.js';
import { estimate } from '../../src/cost/estimate.js';
import { applyRateOverrides } from '../../src/cost/rates-override.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { profile } from './helpers.js';

describe('pricing catalogs', () => {
  const cats = defaultCatalogs();

  it.each(CATALOG_NAMES)('%s has an effective date and a value, unit, source and tag for every rate and limit', (name) => {
    const cat = cats[name] as unknown as { effectiveDate: string; rates: Record<string, any>; limits: Record<string, any> };
    expect(cat.effectiveDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const entries = [...Object.entries(cat.rates), ...Object.entries(cat.limits)];
    expect(entries.length).toBeGreaterThan(0);
    for (const [key, e] of entries) {
      expect(typeof e.value, key).toBe('number');
      expect(e.value, key).toBeGreaterThanOrEqual(0);
      expect(e.source, key).toMatch(/\S{8,}/);
      expect(e.unit, key).toMatch(/\S/);
      expect(['P', 'S', 'U'], key).toContain(e.tag);
    }
    const keys = entries.map(([k]) => k);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('cites a source for the GCP memory-to-vCPU table and the Flex instance sizes', () => {
    expect(cats.gcp.tables.memoryToCpu.source).toMatch(/cloud\.google\.com\/functions\/docs\/configuring\/memory/);
    expect(cats.azure.tables.flexInstances.source).toMatch(/flex-consumption-plan/);
  });

  it('holds no rate as a literal in the estimator code (src/cost/*.ts)', () => {
    // Unit conversions are allowed (1000 ms, 1024 MB, 1e6 per million, 10,000 and 100,000 for the
    // "per 10,000" / "per 100,000" price units, 3600 s, 60 s); input sanity bounds live in input-bounds.ts.
    const allowed = new Set(['1000', '1024', '1_000_000', '10_000', '100_000', '3600', '60', '1e3', '1e6', '1e9']);
    const dir = new URL('../../src/cost/', import.meta.url);
    const offenders: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'input-bounds.ts')) {
      const code = readFileSync(new URL(file, dir), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '')
        .replace(/'[^'\n]*'|`[^`\n]*`|"[^"\n]*"/g, "''");
      for (const m of code.matchAll(/(?<![\w.$])(\d[\d_]*\.\d+|\.\d+|\d[\d_]*(?:e\d+)?)(?![\w.])/g)) {
        const lit = m[1];
        const isDecimal = lit.includes('.');
        if (allowed.has(lit)) continue;
        if (!isDecimal && Number(lit.replace(/_/g, '')) <= 100) continue;
        offenders.push(`${file}: ${lit}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('prices from the catalog: changing a rate changes the estimate', () => {
    const p = [profile({ requestsPerMonth: 3e6, durationMs: 120, memoryMb: 1536 })];
    const base = estimate(p, cats, { targets: ['aws'], arch: 'x86_64' }).rows[0].total;
    const cheaper = applyRateOverrides(cats, { aws: { requestPerMillion: 0.1 } }, 'rates.json');
    const row = estimate(p, cheaper, { targets: ['aws'], arch: 'x86_64' }).rows[0];
    expect(row.total).toBe(Number((base - 0.2).toFixed(2)));
    expect(cheaper.overridden).toEqual(['aws.requestPerMillion']);
    expect(cheaper.aws.rates.requestPerMillion.source).toBe('override from rates.json');
    expect(cats.aws.rates.requestPerMillion.value).toBe(0.2); // the original is untouched
  });

  it.each([
    [{ aws: { requestsPerMillion: 0.1 } }, /'aws\.requestsPerMillion' is not a known rate or limit/],
    [{ aws: { requestPerMillion: '0.1' } }, /'aws\.requestPerMillion' must be a number >= 0 \(got "0.1"\)/],
    [{ aws: { requestPerMillion: -1 } }, /'aws\.requestPerMillion' must be a number >= 0/],
    [{ oracle: { x: 1 } }, /'oracle' is not a catalog/],
    [[1, 2], /must be a JSON object/],
  ])('refuses a bad --rates file %j naming the key (RATES_INVALID)', (file, message) => {
    try {
      applyRateOverrides(cats, file, 'rates.json');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SlsxError);
      expect((err as SlsxError).code).toBe('RATES_INVALID');
      expect((err as SlsxError).exitCode).toBe(2);
      expect((err as SlsxError).message).toMatch(message);
    }
  });
});
