/**
 * Azure regions that offer Functions on the Flex Consumption plan (public cloud). A region not
 * here is refused at validate time; SLSX_AZURE_EXTRA_REGIONS (comma-separated) admits new ones
 * and sovereign clouds without a release.
 */
export const FLEX_REGIONS = [
  'australiaeast', 'australiasoutheast', 'brazilsouth', 'canadacentral', 'centralindia', 'centralus', 'eastasia', 'eastus', 'eastus2',
  'francecentral', 'germanywestcentral', 'italynorth', 'japaneast', 'japanwest', 'koreacentral', 'mexicocentral', 'northcentralus',
  'northeurope', 'norwayeast', 'polandcentral', 'southafricanorth', 'southcentralus', 'southeastasia', 'southindia', 'spaincentral',
  'swedencentral', 'switzerlandnorth', 'uaenorth', 'uksouth', 'ukwest', 'westcentralus', 'westeurope', 'westus', 'westus2', 'westus3',
] as const;

export function isKnownRegion(region: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const extra = (env.SLSX_AZURE_EXTRA_REGIONS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return (FLEX_REGIONS as readonly string[]).includes(region) || extra.includes(region);
}
