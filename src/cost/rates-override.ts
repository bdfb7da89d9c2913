import { SlsxError } from '../errors/slsx-error.js';
import { CATALOG_NAMES, type Catalogs, type CatalogName, type RateEntry } from './catalog.js';

/**
 * Apply a `--rates` file: `{ "aws": { "requestPerMillion": 0.25 }, "common": { "hoursPerMonth": 720 } }`.
 * Any rate or limit of any catalog may be replaced (a region's price, a negotiated discount, a
 * raised concurrency quota). Unknown providers or keys, and values that are not finite numbers
 * >= 0, are refused with RATES_INVALID naming the key: a typo must never fall back silently to
 * the list price. Returns a new Catalogs; the input is not changed.
 */
export function applyRateOverrides(base: Catalogs, overrides: unknown, file: string): Catalogs {
  const out = structuredClone(base);
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw invalid(file, '(top level)', 'must be a JSON object keyed by provider');
  }
  for (const [provider, entries] of Object.entries(overrides as Record<string, unknown>)) {
    if (provider === '$schema' || provider === 'note') continue;
    if (!(CATALOG_NAMES as readonly string[]).includes(provider)) {
      throw invalid(file, provider, `is not a catalog; use one of: ${CATALOG_NAMES.join(', ')}`);
    }
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
      throw invalid(file, provider, 'must be an object of { "<rate key>": <number> }');
    }
    const cat = out[provider as CatalogName] as unknown as { rates: Record<string, RateEntry>; limits: Record<string, RateEntry> };
    for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
      const path = `${provider}.${key}`;
      const entry = cat.rates[key] ?? cat.limits[key];
      if (!entry) {
        const known = [...Object.keys(cat.rates), ...Object.keys(cat.limits)];
        throw invalid(file, path, `is not a known rate or limit; known keys for ${provider}: ${known.join(', ')}`);
      }
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw invalid(file, path, `must be a number >= 0 (got ${JSON.stringify(value)})`);
      }
      entry.value = value;
      entry.source = `override from ${file}`;
      entry.tag = 'override';
      out.overridden.push(path);
    }
  }
  return out;
}

function invalid(file: string, key: string, what: string): SlsxError {
  return new SlsxError('RATES_INVALID', `${file}: '${key}' ${what}.`, {
    hint: 'A rates file looks like { "aws": { "requestPerMillion": 0.25 } }; see docs/cost.md#overriding-rates for every key.',
  });
}
