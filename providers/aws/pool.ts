import { CallPool, withMethods, type Rate } from '../../src/core/call-pool.js';
import { isThrottled } from './errors.js';
import type { AwsClients } from './clients.js';

/**
 * The rates sls-x paces AWS control-plane calls at, per API (`service:Operation`), else per
 * service. Published quotas where AWS publishes one (per account and region):
 * - Lambda: GetFunction 100/s, GetPolicy 15/s, the rest of the control plane 15/s
 *   (docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html, "API requests");
 * - CloudWatch Logs: FilterLogEvents 5/s, GetLogEvents 25/s, DescribeLogGroups 10/s, most others
 *   5/s (docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html);
 * - API Gateway: 10 requests/s with a burst of 40 for management calls
 *   (docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
 * IAM, SQS, S3, Scheduler, STS, the tagging API and DynamoDB's control plane (which limits
 * table operations in progress at once, not calls a second) publish no management-call rate:
 * the figures below are conservative defaults, and the SDK's adaptive retry covers the rest.
 */
const RATES: Record<string, Rate> = {
  'lambda:GetFunction': { perSecond: 100, burst: 100 },
  'lambda:GetPolicy': { perSecond: 15, burst: 15 },
  'lambda:Invoke': { perSecond: 100, burst: 100 },
  lambda: { perSecond: 15, burst: 15 },
  'logs:FilterLogEvents': { perSecond: 5, burst: 1 },
  'logs:GetLogEvents': { perSecond: 25, burst: 25 },
  'logs:DescribeLogGroups': { perSecond: 10, burst: 10 },
  'logs:DescribeLogStreams': { perSecond: 25, burst: 25 },
  logs: { perSecond: 5, burst: 5 },
  apigateway: { perSecond: 10, burst: 40 },
  iam: { perSecond: 10, burst: 10 },
  sqs: { perSecond: 50, burst: 50 },
  s3: { perSecond: 50, burst: 50 },
  scheduler: { perSecond: 20, burst: 20 },
  sts: { perSecond: 10, burst: 10 },
  tag: { perSecond: 5, burst: 5 },
  dynamodb: { perSecond: 10, burst: 10 },
};

/** Calls in flight at once for one command, over every AWS service. */
export const AWS_CONCURRENCY = 16;

export function awsRate(key: string): Rate {
  const api = key.replace(/^aws:/, '');
  return RATES[api] ?? RATES[api.split(':')[0]!] ?? { perSecond: 10, burst: 10 };
}

const SERVICE: Record<string, string> = { lambda: 'lambda', iam: 'iam', sqs: 'sqs', s3: 's3', apigw: 'apigateway', scheduler: 'scheduler', logs: 'logs', sts: 'sts', tagging: 'tag', dynamodb: 'dynamodb' };

const pools = new WeakMap<AwsClients, { pool: CallPool; clients: AwsClients }>();

/**
 * The pool of a client set, and the clients whose every `send` (waiters included) goes through
 * it. One per client set, so every session and command over the same clients shares it.
 * Throttled calls are retried by the SDK's adaptive retry mode (clients.ts); a throttle that
 * still reaches the pool halves that API's pace.
 */
export function pooledClients(raw: AwsClients): { pool: CallPool; clients: AwsClients } {
  const known = pools.get(raw);
  if (known) return known;
  const pool = new CallPool({
    concurrency: AWS_CONCURRENCY,
    rate: awsRate,
    isThrottle: isThrottled,
    ...(raw.wait?.pace ? { sleep: raw.wait.pace } : {}),
    trace: !!raw.wait?.pace,
  });
  const clients = { ...raw } as AwsClients & Record<string, unknown>;
  for (const [field, service] of Object.entries(SERVICE)) {
    const client = (raw as unknown as Record<string, { send: (cmd: object, ...rest: unknown[]) => Promise<unknown> }>)[field];
    if (!client) continue;
    clients[field] = withMethods(client, (name, send) =>
      name === 'send' ? (cmd: object, ...rest: unknown[]) => pool.run(`aws:${service}:${cmd.constructor.name.replace(/Command$/, '')}`, () => send(cmd, ...rest)) : undefined,
    );
  }
  const entry = { pool, clients };
  pools.set(raw, entry);
  pools.set(clients, entry);
  return entry;
}

/** The pool a client set's calls go through (tests read its stats and trace). */
export function poolOf(clients: AwsClients): CallPool {
  return pooledClients(clients).pool;
}
