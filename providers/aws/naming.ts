import { createHash } from 'node:crypto';

/**
 * Physical names of every AWS resource sls-x creates. Pure and deterministic: the same
 * service, stage and logical name always give the same physical name, so a re-run finds what
 * an interrupted run created. Names that would pass an AWS limit are shortened and given a
 * hash suffix of the full name, so two long names never collide.
 */

/** AWS name limits (characters). */
export const NAME_LIMITS = {
  function: 64,
  role: 64,
  queue: 80,
  bucket: 63,
  api: 128,
  scheduleGroup: 64,
  schedule: 64,
  statementId: 100,
  /** DynamoDB table names: 3-255 of `[A-Za-z0-9_.-]`. */
  table: 255,
} as const;

/** Tags every taggable resource carries; observe() finds resources by the first two. */
export const TAG_SERVICE = 'slsx:service';
export const TAG_STAGE = 'slsx:stage';
/** The logical id (`function:api`), so observe() maps a physical resource back to the plan. */
export const TAG_ID = 'slsx:id';

/** 8 hex characters of sha256: enough to keep shortened names apart. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** `name` itself when it fits, else its head plus `-<hash of the whole name>`. */
export function fit(name: string, limit: number): string {
  if (name.length <= limit) return name;
  const hash = shortHash(name);
  return `${name.slice(0, limit - hash.length - 1).replace(/[-_.]+$/, '')}-${hash}`;
}

/** Replace characters AWS names refuse with `-`. */
function clean(part: string, allowed: RegExp): string {
  return part.replace(allowed, '-');
}

const WORD = /[^A-Za-z0-9-_]/g;

export interface Names {
  prefix: string;
  functionName(fn: string): string;
  roleName(fn: string): string;
  /** IAM path: roles are listed by it, then confirmed by their tags. */
  rolePath: string;
  schedulerRoleName: string;
  logGroup(fn: string): string;
  queueName(queue: string, dlq?: boolean): string;
  bucketName(bucket: string, account?: string): string;
  /** The DynamoDB table of a faas.yaml table (`tables:`). */
  tableName(table: string): string;
  apiName: string;
  scheduleGroup: string;
  scheduleName(fn: string, index: number): string;
  /** Prefix of the S3 notification ids sls-x owns in a bucket's configuration. */
  notificationPrefix: string;
  /** The alias provisioned concurrency lives on. */
  alias: string;
}

/** All names for one service and stage. */
export function names(service: string, stage: string): Names {
  const prefix = `${clean(service, WORD)}-${clean(stage, WORD)}`;
  const scoped = (part: string, limit: number): string => fit(`${prefix}-${clean(part, WORD)}`, limit);
  return {
    prefix,
    functionName: (fn) => scoped(fn, NAME_LIMITS.function),
    roleName: (fn) => scoped(fn, NAME_LIMITS.role),
    rolePath: `/slsx/${clean(service, WORD)}/${clean(stage, WORD)}/`,
    // A double dash: config function names cannot start with `-`, so no function role collides.
    schedulerRoleName: fit(`${prefix}--scheduler`, NAME_LIMITS.role),
    logGroup: (fn) => `/aws/lambda/${scoped(fn, NAME_LIMITS.function)}`,
    queueName: (queue, dlq = false) => {
      const base = fit(`${prefix}-${clean(queue, WORD)}`, NAME_LIMITS.queue - (dlq ? 4 : 0));
      return dlq ? `${base}-dlq` : base;
    },
    bucketName: (bucket, account) => {
      // Bucket names are global: a hash of service, stage, bucket (and account when the config
      // pins it) keeps two teams' `uploads` apart. Lower-case, no `_`.
      const raw = `${prefix}-${bucket}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
      const hash = shortHash(`${service}/${stage}/${bucket}/${account ?? ''}`);
      return `${fit(raw, NAME_LIMITS.bucket - 9).replace(/-+$/, '')}-${hash}`;
    },
    // Table names are per account and region, like queue names: no hash unless shortened.
    tableName: (table) => scoped(table, NAME_LIMITS.table),
    apiName: fit(prefix, NAME_LIMITS.api),
    scheduleGroup: fit(prefix, NAME_LIMITS.scheduleGroup),
    scheduleName: (fn, index) => fit(`${clean(fn, WORD)}-${index}`, NAME_LIMITS.schedule),
    notificationPrefix: `slsx-${prefix}-`,
    alias: 'live',
  };
}

/** JWT authorizers sls-x owns are named this, then a hash of the issuer and audiences (authorizers cannot be tagged). */
export const AUTHORIZER_PREFIX = 'slsx-jwt-';

/** The authorizer of one issuer and set of audiences: routes with the same ones share it. */
export function authorizerName(jwt: { issuer: string; audience: string[] }): string {
  const key = `${jwt.issuer}\n${[...jwt.audience].sort().join('\n')}`;
  return `${AUTHORIZER_PREFIX}${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/** Lambda permission statement ids sls-x owns start with this. */
export const STATEMENT_PREFIX = 'slsx-';

/** Resource types of the aws adapter, as they appear in plans. */
export const TYPES = {
  role: 'aws:iam:role',
  logGroup: 'aws:logs:log-group',
  function: 'aws:lambda:function',
  alias: 'aws:lambda:alias',
  permission: 'aws:lambda:permission',
  mapping: 'aws:lambda:event-source-mapping',
  queue: 'aws:sqs:queue',
  api: 'aws:apigateway:http-api',
  integration: 'aws:apigateway:integration',
  route: 'aws:apigateway:route',
  authorizer: 'aws:apigateway:authorizer',
  scheduleGroup: 'aws:scheduler:schedule-group',
  schedule: 'aws:scheduler:schedule',
  bucket: 'aws:s3:bucket',
  notification: 'aws:s3:notification',
  table: 'aws:dynamodb:table',
} as const;

