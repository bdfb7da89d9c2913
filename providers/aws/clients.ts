import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { STSClient } from '@aws-sdk/client-sts';
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** How long to wait for eventual consistency; tests pass tiny values. */
export interface WaitOptions {
  /** Seconds between waiter polls (SDK waiters), minimum. */
  minDelay: number;
  maxDelay: number;
  /** Seconds before a waiter gives up. */
  maxWaitTime: number;
  /** Backoff sleeps (IAM role propagation); injected so tests never wait. */
  sleep: (ms: number) => Promise<void>;
  /** Attempts for calls that fail until a new role propagates. */
  propagationAttempts: number;
  /** Sleep used to pace calls to each API's rate (pool.ts); tests inject one that returns at once. */
  pace?: (ms: number) => Promise<void>;
}

/** Every SDK client the aws adapter uses. Tests inject these (aws-sdk-client-mock instances). */
export interface AwsClients {
  lambda: LambdaClient;
  iam: IAMClient;
  sqs: SQSClient;
  s3: S3Client;
  apigw: ApiGatewayV2Client;
  scheduler: SchedulerClient;
  logs: CloudWatchLogsClient;
  sts: STSClient;
  tagging: ResourceGroupsTaggingAPIClient;
  /** DynamoDB (`tables:`); only called for a stage with tables. */
  dynamodb?: DynamoDBClient;
  wait?: Partial<WaitOptions>;
}

export const DEFAULT_WAIT: WaitOptions = {
  minDelay: 1,
  maxDelay: 10,
  maxWaitTime: 300,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  propagationAttempts: 8,
};

export function waitOptions(clients: AwsClients): WaitOptions {
  return { ...DEFAULT_WAIT, ...clients.wait };
}

/**
 * The SDK's adaptive retry mode (client-side rate limiting that backs off when AWS throttles)
 * with 6 attempts, unless AWS_RETRY_MODE / AWS_MAX_ATTEMPTS say otherwise.
 */
export function retryConfig(env: NodeJS.ProcessEnv): { retryMode: string; maxAttempts: number } {
  const attempts = Number(env.AWS_MAX_ATTEMPTS);
  return { retryMode: env.AWS_RETRY_MODE || 'adaptive', maxAttempts: Number.isInteger(attempts) && attempts > 0 ? attempts : 6 };
}

/** True when `value` looks like an injected client set (tests, emulators). */
export function isAwsClients(value: unknown): value is AwsClients {
  return !!value && typeof value === 'object' && 'lambda' in value && 'iam' in value && 'sts' in value;
}

/**
 * Create the SDK clients for one region. Credentials come from the SDK's default chain (env,
 * shared profiles incl. `AWS_PROFILE` and SSO, web identity for CI OIDC, instance roles), so
 * nothing here reads a secret. Endpoints: the SDK itself honours `AWS_ENDPOINT_URL` and
 * `AWS_ENDPOINT_URL_<SERVICE>` from process.env, so we never pass `endpoint` for it; only
 * when a command runs with an env other than process.env (tests, embedding) are those same
 * variables handed over explicitly. `profile` (from `targets.aws.profile`) applies only
 * when AWS_PROFILE is not set. Throttled calls are retried by the SDK's adaptive retry mode
 * (`retryConfig`); every call is also paced per API by the session's pool (pool.ts).
 */
export async function createClients(region: string, env: NodeJS.ProcessEnv = process.env, profile?: string): Promise<AwsClients> {
  const [lambda, iam, sqs, s3, apigw, scheduler, logs, sts, tagging, dynamodb] = await Promise.all([
    import('@aws-sdk/client-lambda'),
    import('@aws-sdk/client-iam'),
    import('@aws-sdk/client-sqs'),
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-apigatewayv2'),
    import('@aws-sdk/client-scheduler'),
    import('@aws-sdk/client-cloudwatch-logs'),
    import('@aws-sdk/client-sts'),
    import('@aws-sdk/client-resource-groups-tagging-api'),
    import('@aws-sdk/client-dynamodb'),
  ]);
  // `targets.aws.profile` picks a shared-config profile; AWS_PROFILE still wins when set.
  const base = profile && !env.AWS_PROFILE ? { region, profile } : { region };
  // Static keys in an env other than process.env (which the SDK's chain does not see) are handed over too.
  const keys =
    env !== process.env && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? { credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) } }
      : {};
  const endpointConfig = (serviceEnv: string): { region: string; profile?: string; endpoint?: string } => {
    if (env === process.env) return base;
    const endpoint = env[`AWS_ENDPOINT_URL_${serviceEnv}`] ?? env.AWS_ENDPOINT_URL;
    return { ...base, ...keys, ...(endpoint ? { endpoint } : {}) };
  };
  // Emulators answer on one host: S3 must then address buckets by path, not by sub-domain.
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const retry = retryConfig(env);
  const config = (serviceEnv: string) => ({ ...endpointConfig(serviceEnv), ...retry });
  return {
    lambda: new lambda.LambdaClient(config('LAMBDA')),
    iam: new iam.IAMClient(config('IAM')),
    sqs: new sqs.SQSClient(config('SQS')),
    s3: new s3.S3Client({ ...config('S3'), ...(s3Endpoint ? { forcePathStyle: true } : {}) }),
    apigw: new apigw.ApiGatewayV2Client(config('APIGATEWAYV2')),
    scheduler: new scheduler.SchedulerClient(config('SCHEDULER')),
    logs: new logs.CloudWatchLogsClient(config('CLOUDWATCH_LOGS')),
    sts: new sts.STSClient(config('STS')),
    tagging: new tagging.ResourceGroupsTaggingAPIClient(config('RESOURCE_GROUPS_TAGGING_API')),
    dynamodb: new dynamodb.DynamoDBClient(config('DYNAMODB')),
  };
}
