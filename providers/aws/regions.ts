/**
 * Commercial, GovCloud and China regions Lambda runs in (2026). A region not listed here is
 * refused at plan time rather than failing half-way through a deploy; add new ones here.
 */
export const AWS_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'af-south-1',
  'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ca-central-1', 'ca-west-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1',
  'il-central-1', 'me-south-1', 'me-central-1', 'mx-central-1', 'sa-east-1',
  'us-gov-east-1', 'us-gov-west-1', 'cn-north-1', 'cn-northwest-1',
] as const;

export function isKnownRegion(region: string): boolean {
  return (AWS_REGIONS as readonly string[]).includes(region);
}

/** The AWS partition a region belongs to: the second field of every ARN there. */
export function partitionOf(region: string): 'aws' | 'aws-us-gov' | 'aws-cn' {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}

/** The DNS suffix of a region's service endpoints (`execute-api.<region>.<suffix>`). */
export function dnsSuffixOf(region: string): string {
  return partitionOf(region) === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}
