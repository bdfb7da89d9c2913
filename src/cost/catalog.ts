import aws from './catalog/aws.json' with { type: 'json' };
import azure from './catalog/azure.json' with { type: 'json' };
import gcp from './catalog/gcp.json' with { type: 'json' };
import vm from './catalog/vm.json' with { type: 'json' };
import common from './catalog/common.json' with { type: 'json' };

/** One number of a price list, with where it comes from. */
export interface RateEntry {
  value: number;
  unit: string;
  source: string;
  /** P = the provider's own page, S = third-party transcription of it, U = unverified. */
  tag: string;
}

export interface CatalogTable<Row> {
  source: string;
  tag: string;
  rows: Row[];
}

/** One provider's price list: every number is data with a source, never a literal in code. */
export interface ProviderCatalog<R extends string = string, L extends string = string> {
  provider: string;
  effectiveDate: string;
  currency: string;
  region?: string;
  note?: string;
  rates: Record<R, RateEntry>;
  limits: Record<L, RateEntry>;
}

type Keys<T> = Extract<keyof T, string>;

export type AwsCatalog = ProviderCatalog<Keys<typeof aws.rates>, Keys<typeof aws.limits>>;
export type AzureCatalog = ProviderCatalog<Keys<typeof azure.rates>, Keys<typeof azure.limits>> & {
  tables: { flexInstances: CatalogTable<{ memoryMb: number; httpConcurrency: number }> };
};
export type GcpCatalog = ProviderCatalog<Keys<typeof gcp.rates>, Keys<typeof gcp.limits>> & {
  tables: { memoryToCpu: CatalogTable<{ memoryMb: number; vcpu: number }> };
};
export type VmCatalog = ProviderCatalog<Keys<typeof vm.rates>, never>;
export type CommonCatalog = ProviderCatalog<Keys<typeof common.rates>, never>;

/** Every catalog the estimator reads. */
export interface Catalogs {
  aws: AwsCatalog;
  azure: AzureCatalog;
  gcp: GcpCatalog;
  vm: VmCatalog;
  common: CommonCatalog;
  /** Rates replaced by `--rates`, as `provider.key`, for the output to say so. */
  overridden: string[];
}

export type CatalogName = 'aws' | 'azure' | 'gcp' | 'vm' | 'common';
export const CATALOG_NAMES: readonly CatalogName[] = ['aws', 'azure', 'gcp', 'vm', 'common'];

/**
 * The built-in catalogs, deep-copied so a caller (or an override) never changes the shared
 * module data.
 */
export function defaultCatalogs(): Catalogs {
  return structuredClone({ aws, azure, gcp, vm, common, overridden: [] as string[] }) as unknown as Catalogs;
}

/** Shorthand for a rate's value. */
export function rate<R extends string>(cat: ProviderCatalog<R, string>, key: R): number {
  return cat.rates[key].value;
}

/** Shorthand for a limit's value. */
export function limit<L extends string>(cat: ProviderCatalog<string, L>, key: L): number {
  return cat.limits[key].value;
}

/** `aws 2026-11-27, azure 2026-11-27, ...` for the output header. */
export function catalogDates(c: Catalogs, names: CatalogName[] = ['aws', 'azure', 'gcp']): string {
  return names.map((n) => `${n} ${c[n].effectiveDate}`).join(', ');
}
