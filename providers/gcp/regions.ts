/**
 * Regions Cloud Functions (2nd gen) runs in (2026). A region not listed here is refused at
 * plan time rather than failing half-way through a deploy; add new ones here.
 */
export const GCP_REGIONS = [
  'africa-south1',
  'asia-east1', 'asia-east2', 'asia-northeast1', 'asia-northeast2', 'asia-northeast3', 'asia-south1', 'asia-south2', 'asia-southeast1', 'asia-southeast2',
  'australia-southeast1', 'australia-southeast2',
  'europe-central2', 'europe-north1', 'europe-north2', 'europe-southwest1', 'europe-west1', 'europe-west2', 'europe-west3', 'europe-west4', 'europe-west6', 'europe-west8', 'europe-west9', 'europe-west10', 'europe-west12',
  'me-central1', 'me-central2', 'me-west1',
  'northamerica-northeast1', 'northamerica-northeast2', 'northamerica-south1',
  'southamerica-east1', 'southamerica-west1',
  'us-central1', 'us-east1', 'us-east4', 'us-east5', 'us-south1', 'us-west1', 'us-west2', 'us-west3', 'us-west4',
] as const;

export function isKnownRegion(region: string): boolean {
  return (GCP_REGIONS as readonly string[]).includes(region);
}

/** Cloud Storage location for buckets sls-x creates: the functions' region (single-region buckets). */
export function bucketLocation(region: string): string {
  return region.toUpperCase();
}

/**
 * Firestore's regional locations (Standard edition), from
 * https://cloud.google.com/firestore/docs/locations (page updated 2025; read 2026). Every Cloud
 * Functions region above is one today, so a stage's database sits in its functions' own region;
 * a region added above but missing here is refused at plan time for a service with tables, not
 * moved somewhere else without saying so. The multi-regions (`nam5`, `eur3`, `nam7`) are not used.
 */
export const FIRESTORE_LOCATIONS = [
  'africa-south1',
  'asia-east1', 'asia-east2', 'asia-northeast1', 'asia-northeast2', 'asia-northeast3', 'asia-south1', 'asia-south2', 'asia-southeast1', 'asia-southeast2',
  'australia-southeast1', 'australia-southeast2',
  'europe-central2', 'europe-north1', 'europe-north2', 'europe-southwest1', 'europe-west1', 'europe-west2', 'europe-west3', 'europe-west4', 'europe-west6', 'europe-west8', 'europe-west9', 'europe-west10', 'europe-west12',
  'me-central1', 'me-central2', 'me-west1',
  'northamerica-northeast1', 'northamerica-northeast2', 'northamerica-south1',
  'southamerica-east1', 'southamerica-west1',
  'us-central1', 'us-east1', 'us-east4', 'us-east5', 'us-south1', 'us-west1', 'us-west2', 'us-west3', 'us-west4',
] as const;

/** The Firestore location of a stage's database: its functions' region, or undefined when Firestore has none there. */
export function firestoreLocation(region: string): string | undefined {
  return (FIRESTORE_LOCATIONS as readonly string[]).includes(region) ? region : undefined;
}
