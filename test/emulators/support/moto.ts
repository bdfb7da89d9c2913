/**
 * Helpers for suites that run against moto, an independent implementation of the AWS APIs.
 * The suites find moto only through SLSX_MOTO_URL (e.g. http://127.0.0.1:5055) and are skipped
 * without it. Everything here talks to moto with plain AWS SDK clients, not the adapter's, so
 * what a suite asserts about moto's state does not depend on the code under test.
 */
import { testTmp } from '../../support/tmp.js';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LambdaClient, ListFunctionsCommand, ListEventSourceMappingsCommand, GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { SQSClient, ListQueuesCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { S3Client, ListBucketsCommand, ListObjectsV2Command, GetBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { ApiGatewayV2Client, GetApisCommand, GetIntegrationsCommand, GetRoutesCommand, GetStagesCommand } from '@aws-sdk/client-apigatewayv2';
import { SchedulerClient, ListSchedulesCommand, ListScheduleGroupsCommand, GetScheduleCommand } from '@aws-sdk/client-scheduler';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ResourceGroupsTaggingAPIClient, GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';

export const MOTO_URL = process.env.SLSX_MOTO_URL;
/** Why a moto suite is skipped, printed once when it is. */
export const SKIP_REASON = 'SLSX_MOTO_URL is not set (e.g. SLSX_MOTO_URL=http://127.0.0.1:5055 with moto running): the moto suites are skipped';

/** What a real user exports to point sls-x at an AWS endpoint with static keys. */
export function motoEnv(url: string, region = 'us-east-1'): NodeJS.ProcessEnv {
  return {
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: region,
    // Keep the SDK away from ~/.aws and instance metadata: everything comes from the lines above.
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_CONFIG_FILE: '/nonexistent',
    NO_COLOR: '1',
    PATH: process.env.PATH,
    HOME: process.env.HOME,
  };
}

/** Empty moto (every service, every region). Bounded by a timeout. */
export async function resetMoto(url: string): Promise<void> {
  const res = await fetch(`${url}/moto-api/reset`, { method: 'POST', signal: AbortSignal.timeout(15_000) });
  if (!res.ok) throw new Error(`moto reset answered ${res.status}`);
}

/** Plain SDK clients on moto, independent of the adapter's own. */
export function motoClients(url: string, region = 'us-east-1') {
  const config = { region, endpoint: url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 2 };
  return {
    lambda: new LambdaClient(config),
    sqs: new SQSClient(config),
    iam: new IAMClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    apigw: new ApiGatewayV2Client(config),
    scheduler: new SchedulerClient(config),
    logs: new CloudWatchLogsClient(config),
    tagging: new ResourceGroupsTaggingAPIClient(config),
  };
}
export type MotoClients = ReturnType<typeof motoClients>;

/** Everything moto holds whose name starts with `prefix` (`<service>-<stage>`), listed through every page (bounded). */
export interface MotoState {
  functions: string[];
  mappings: Array<{ function: string; queue: string; batchSize?: number }>;
  queues: string[];
  roles: string[];
  buckets: string[];
  apis: string[];
  scheduleGroups: string[];
  schedules: string[];
  logGroups: string[];
  /** ARNs of everything tagged with the service and stage (the tags sls-x finds its resources by). */
  tagged: string[];
}

const MAX_PAGES = 50;

export async function motoState(c: MotoClients, prefix: string, rolePath: string): Promise<MotoState> {
  const functions: string[] = [];
  let marker: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const res = await c.lambda.send(new ListFunctionsCommand(marker ? { Marker: marker } : {}));
    functions.push(...(res.Functions ?? []).map((f) => f.FunctionName!));
    if (!(marker = res.NextMarker)) break;
  }
  const ours = functions.filter((f) => f.startsWith(`${prefix}-`)).sort();
  const mappings: MotoState['mappings'] = [];
  for (const fn of ours) {
    const res = await c.lambda.send(new ListEventSourceMappingsCommand({ FunctionName: fn }));
    for (const m of res.EventSourceMappings ?? []) mappings.push({ function: fn, queue: m.EventSourceArn!.split(':').pop()!, batchSize: m.BatchSize });
  }
  const queues = ((await c.sqs.send(new ListQueuesCommand({ QueueNamePrefix: `${prefix}-` }))).QueueUrls ?? []).map((u) => u.split('/').pop()!).sort();
  const roles: string[] = [];
  let roleMarker: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const res = await c.iam.send(new ListRolesCommand({ PathPrefix: rolePath, ...(roleMarker ? { Marker: roleMarker } : {}) }));
    roles.push(...(res.Roles ?? []).map((r) => r.RoleName!));
    if (!res.IsTruncated || !(roleMarker = res.Marker)) break;
  }
  const buckets = ((await c.s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!).filter((b) => b.startsWith(`${prefix.toLowerCase()}-`)).sort();
  const apis = ((await c.apigw.send(new GetApisCommand({}))).Items ?? []).map((a) => a.Name!).filter((n) => n === prefix || n.startsWith(`${prefix}-`));
  const scheduleGroups = ((await c.scheduler.send(new ListScheduleGroupsCommand({ NamePrefix: prefix }))).ScheduleGroups ?? []).map((g) => g.Name!);
  const schedules: string[] = [];
  for (const g of scheduleGroups) schedules.push(...((await c.scheduler.send(new ListSchedulesCommand({ GroupName: g }))).Schedules ?? []).map((s) => `${g}/${s.Name}`));
  const logGroups = ((await c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${prefix}-` }))).logGroups ?? []).map((g) => g.logGroupName!).sort();
  const [service, stage] = [rolePath.split('/')[2]!, rolePath.split('/')[3]!];
  const tagged: string[] = [];
  let token: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const res = await c.tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: 'slsx:service', Values: [service] }, { Key: 'slsx:stage', Values: [stage] }], ...(token ? { PaginationToken: token } : {}) }));
    tagged.push(...(res.ResourceTagMappingList ?? []).map((r) => r.ResourceARN!));
    if (!(token = res.PaginationToken)) break;
  }
  return { functions: ours, mappings, queues, roles: roles.sort(), buckets, apis, scheduleGroups, schedules: schedules.sort(), logGroups, tagged: tagged.sort() };
}

export async function scheduleOf(c: MotoClients, group: string, name: string) {
  return c.scheduler.send(new GetScheduleCommand({ GroupName: group, Name: name }));
}

export async function allBuckets(c: MotoClients): Promise<string[]> {
  return ((await c.s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!);
}

export async function memoryOf(c: MotoClients, fn: string): Promise<number | undefined> {
  return (await c.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn }))).MemorySize;
}

export async function queueAttributes(c: MotoClients, queueName: string): Promise<Record<string, string>> {
  const { GetQueueUrlCommand } = await import('@aws-sdk/client-sqs');
  const { QueueUrl } = await c.sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
  return (await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes ?? {};
}

export async function routesOf(c: MotoClients, apiName: string): Promise<string[]> {
  const api = ((await c.apigw.send(new GetApisCommand({}))).Items ?? []).find((a) => a.Name === apiName);
  if (!api) return [];
  return ((await c.apigw.send(new GetRoutesCommand({ ApiId: api.ApiId }))).Items ?? []).map((r) => r.RouteKey!).sort();
}

/** The API's endpoint, stages and integration targets, as moto holds them. */
export async function apiOf(c: MotoClients, apiName: string) {
  const api = ((await c.apigw.send(new GetApisCommand({}))).Items ?? []).find((a) => a.Name === apiName);
  if (!api) return undefined;
  const stages = ((await c.apigw.send(new GetStagesCommand({ ApiId: api.ApiId }))).Items ?? []).map((s) => ({ name: s.StageName!, autoDeploy: s.AutoDeploy }));
  const integrations = ((await c.apigw.send(new GetIntegrationsCommand({ ApiId: api.ApiId }))).Items ?? []).map((i) => i.IntegrationUri!);
  return { id: api.ApiId!, endpoint: api.ApiEndpoint!, stages, integrations };
}

export async function bucketNotifications(c: MotoClients, bucket: string) {
  return c.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
}

export async function objectKeys(c: MotoClients, bucket: string, prefix: string): Promise<string[]> {
  try {
    return ((await c.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchBucket') return [];
    throw err;
  }
}

/** A temp project folder with the given files; `cleanup` removes it. */
export function tempProject(files: Record<string, string>): { root: string; write(file: string, text: string): void; cleanup(): void } {
  const root = testTmp('slsx-moto-');
  const write = (file: string, text: string): void => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  for (const [file, text] of Object.entries(files)) write(file, text);
  return { root, write, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
