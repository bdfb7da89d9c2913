import { createHash, randomUUID } from 'node:crypto';
import { mockClient } from 'aws-sdk-client-mock';
import * as lambdaSdk from '@aws-sdk/client-lambda';
import * as iamSdk from '@aws-sdk/client-iam';
import * as sqsSdk from '@aws-sdk/client-sqs';
import * as s3Sdk from '@aws-sdk/client-s3';
import * as apigwSdk from '@aws-sdk/client-apigatewayv2';
import * as schedulerSdk from '@aws-sdk/client-scheduler';
import * as logsSdk from '@aws-sdk/client-cloudwatch-logs';
import * as stsSdk from '@aws-sdk/client-sts';
import * as taggingSdk from '@aws-sdk/client-resource-groups-tagging-api';
import * as dynamodbSdk from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../../../providers/aws/clients.js';
import { awsError } from './fake-errors.js';
import { lambdaHandlers } from './fake-lambda.js';
import { apigwHandlers, s3Handlers, schedulerHandlers } from './fake-more.js';
import { dynamodbHandlers, type FakeTable } from './fake-dynamodb.js';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

export type Tags = Record<string, string>;
export type Handler = (input: any) => unknown;

/** In-memory AWS state: enough of each service's behaviour for whole deploys to run against it. */
export class FakeAws {
  readonly account = ACCOUNT;
  readonly region = REGION;
  /** Every call, in order: `Service:Command` and its input. */
  readonly calls: Array<{ name: string; input: any }> = [];
  private failures = new Map<string, Error[]>();

  roles = new Map<string, { path: string; arn: string; trust: string; tags: Tags; policies: Map<string, string>; attached?: Set<string> }>();
  functions = new Map<string, any>();
  logGroups = new Map<string, { retention?: number; tags: Tags }>();
  queues = new Map<string, { url: string; attributes: Record<string, string>; tags: Tags }>();
  apis = new Map<string, any>();
  scheduleGroups = new Map<string, { tags: Tags; schedules: Map<string, any> }>();
  buckets = new Map<string, { tags?: Tags; owner: string; notification: any; objects: Map<string, { body: string; etag: string; raw?: Buffer }> }>();
  mappings = new Map<string, any>();
  tables = new Map<string, FakeTable>();
  /** DescribeTable calls a new table answers CREATING before it is ACTIVE (0: at once, as moto does). */
  tableCreatingPolls = 0;
  /** Tags of taggable resources by ARN (functions, log groups, queues, APIs, groups, buckets, mappings). */
  tags = new Map<string, Tags>();
  /** Lambda invoke results by function name. */
  invokeResults = new Map<string, { payload: unknown; logTail: string; functionError?: string }>();
  logEvents = new Map<string, Array<{ eventId: string; timestamp: number; message: string }>>();
  /** Times CreateFunction answers "role cannot be assumed" before it works (IAM propagation). */
  rolePropagationDelay = 0;
  sleeps: number[] = [];
  /** Pauses the call pool asked for to pace each API (returned at once). */
  paces: number[] = [];

  readonly clients: AwsClients;

  constructor() {
    const cfg = { region: REGION, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } };
    this.clients = {
      lambda: new lambdaSdk.LambdaClient(cfg),
      iam: new iamSdk.IAMClient(cfg),
      sqs: new sqsSdk.SQSClient(cfg),
      s3: new s3Sdk.S3Client(cfg),
      apigw: new apigwSdk.ApiGatewayV2Client(cfg),
      scheduler: new schedulerSdk.SchedulerClient(cfg),
      logs: new logsSdk.CloudWatchLogsClient(cfg),
      sts: new stsSdk.STSClient(cfg),
      tagging: new taggingSdk.ResourceGroupsTaggingAPIClient(cfg),
      dynamodb: new dynamodbSdk.DynamoDBClient(cfg),
      wait: { minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 1, sleep: async (ms) => void this.sleeps.push(ms), propagationAttempts: 6, pace: async (ms) => void this.paces.push(ms) },
    };
    this.register('lambda', this.clients.lambda, lambdaSdk, lambdaHandlers(this));
    this.register('iam', this.clients.iam, iamSdk, this.iamHandlers());
    this.register('sqs', this.clients.sqs, sqsSdk, this.sqsHandlers());
    this.register('s3', this.clients.s3, s3Sdk, s3Handlers(this));
    this.register('apigateway', this.clients.apigw, apigwSdk, apigwHandlers(this));
    this.register('scheduler', this.clients.scheduler, schedulerSdk, schedulerHandlers(this));
    this.register('logs', this.clients.logs, logsSdk, this.logsHandlers());
    this.register('sts', this.clients.sts, stsSdk, { GetCallerIdentity: () => ({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/deployer` }) });
    this.register('tag', this.clients.tagging, taggingSdk, { GetResources: (i) => this.getResources(i) });
    this.register('dynamodb', this.clients.dynamodb, dynamodbSdk, dynamodbHandlers(this));
  }

  private register(service: string, client: any, sdk: any, handlers: Record<string, Handler>): void {
    const mock = mockClient(client);
    mock.onAnyCommand().callsFake((input: unknown) => {
      throw new Error(`fake ${service}: unexpected command ${JSON.stringify(input)}`);
    });
    for (const [name, fn] of Object.entries(handlers)) {
      const Command = sdk[`${name}Command`];
      if (!Command) throw new Error(`no ${name}Command in the ${service} SDK`);
      mock.on(Command).callsFake(async (input: any) => {
        const key = `${service}:${name}`;
        this.calls.push({ name: key, input });
        const queued = this.failures.get(key);
        if (queued && queued.length > 0) throw queued.shift();
        const out = await fn(input);
        return out && typeof out === 'object' && 'Body' in out ? out : structuredClone(out);
      });
    }
  }

  /** Make the next call of `name` (`lambda:CreateFunction`) fail with `error` (an interruption). */
  failNext(name: string, error: Error = awsError('ServiceUnavailable', `injected failure of ${name}`, 503)): void {
    this.failures.set(name, [...(this.failures.get(name) ?? []), error]);
  }

  /** Names of calls that change something (anything but Get/List/Describe/Head/Filter). */
  mutatingCalls(): string[] {
    return this.calls.map((c) => c.name).filter((n) => !/:(Get|List|Describe|Head|Filter)/.test(n));
  }

  /** Inputs of every call named `name`. */
  inputs(name: string): any[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.input);
  }

  resetCalls(): void {
    this.calls.length = 0;
  }

  tagResource(arn: string, tags: Tags | undefined): void {
    if (tags) this.tags.set(arn, { ...(this.tags.get(arn) ?? {}), ...tags });
  }

  private getResources(input: any): unknown {
    const filters: Array<{ Key: string; Values: string[] }> = input.TagFilters ?? [];
    const list = [...this.tags.entries()]
      .filter(([, tags]) => filters.every((f) => f.Values.includes(tags[f.Key])))
      .map(([ResourceARN, tags]) => ({ ResourceARN, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
    return { ResourceTagMappingList: list, PaginationToken: '' };
  }

  private iamHandlers(): Record<string, Handler> {
    const get = (name: string) => {
      const role = this.roles.get(name);
      if (!role) throw awsError('NoSuchEntityException', `The role with name ${name} cannot be found.`, 404);
      return role;
    };
    const view = (name: string) => {
      const r = get(name);
      return { RoleName: name, Path: r.path, Arn: r.arn, AssumeRolePolicyDocument: encodeURIComponent(r.trust), Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })) };
    };
    return {
      CreateRole: (i) => {
        if (this.roles.has(i.RoleName)) throw awsError('EntityAlreadyExistsException', `Role with name ${i.RoleName} already exists.`, 409);
        const tags = Object.fromEntries((i.Tags ?? []).map((t: any) => [t.Key, t.Value]));
        this.roles.set(i.RoleName, { path: i.Path ?? '/', arn: `arn:aws:iam::${ACCOUNT}:role${i.Path ?? '/'}${i.RoleName}`, trust: i.AssumeRolePolicyDocument, tags, policies: new Map() });
        return { Role: view(i.RoleName) };
      },
      GetRole: (i) => ({ Role: view(i.RoleName) }),
      ListRoles: (i) => ({ Roles: [...this.roles.keys()].filter((n) => this.roles.get(n)!.path.startsWith(i.PathPrefix ?? '/')).map((n) => ({ RoleName: n, Path: this.roles.get(n)!.path })), IsTruncated: false }),
      UpdateAssumeRolePolicy: (i) => void (get(i.RoleName).trust = i.PolicyDocument),
      PutRolePolicy: (i) => void get(i.RoleName).policies.set(i.PolicyName, i.PolicyDocument),
      GetRolePolicy: (i) => {
        const doc = get(i.RoleName).policies.get(i.PolicyName);
        if (!doc) throw awsError('NoSuchEntityException', `The role policy with name ${i.PolicyName} cannot be found.`, 404);
        return { RoleName: i.RoleName, PolicyName: i.PolicyName, PolicyDocument: encodeURIComponent(doc) };
      },
      DeleteRolePolicy: (i) => {
        if (!get(i.RoleName).policies.delete(i.PolicyName)) throw awsError('NoSuchEntityException', 'no such policy', 404);
      },
      ListRolePolicies: (i) => ({ PolicyNames: [...get(i.RoleName).policies.keys()], IsTruncated: false }),
      ListAttachedRolePolicies: (i) => ({ AttachedPolicies: [...(get(i.RoleName).attached ?? [])].map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.split('/').pop() })), IsTruncated: false }),
      AttachRolePolicy: (i) => void (get(i.RoleName).attached ??= new Set()).add(i.PolicyArn),
      DetachRolePolicy: (i) => {
        if (!get(i.RoleName).attached?.delete(i.PolicyArn)) throw awsError('NoSuchEntityException', `Policy ${i.PolicyArn} was not found.`, 404);
      },
      DeleteRole: (i) => {
        if (get(i.RoleName).policies.size > 0 || (get(i.RoleName).attached?.size ?? 0) > 0) throw awsError('DeleteConflictException', 'Cannot delete entity, must delete policies first.', 409);
        this.roles.delete(i.RoleName);
      },
    };
  }

  logGroupArn(name: string): string {
    return `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`;
  }

  private logsHandlers(): Record<string, Handler> {
    return {
      CreateLogGroup: (i) => {
        if (this.logGroups.has(i.logGroupName)) throw awsError('ResourceAlreadyExistsException', 'The specified log group already exists');
        this.logGroups.set(i.logGroupName, { tags: i.tags ?? {} });
        this.tagResource(this.logGroupArn(i.logGroupName), i.tags);
      },
      TagResource: (i) => this.tagResource(i.resourceArn, i.tags),
      PutRetentionPolicy: (i) => {
        const g = this.logGroups.get(i.logGroupName);
        if (!g) throw awsError('ResourceNotFoundException', 'The specified log group does not exist.');
        g.retention = i.retentionInDays;
      },
      DescribeLogGroups: (i) => {
        // Pages of `limit` (AWS: at most 50) in name order, as CloudWatch Logs answers.
        const all = [...this.logGroups.entries()].filter(([n]) => n.startsWith(i.logGroupNamePrefix ?? '')).sort(([a], [b]) => (a < b ? -1 : 1));
        const from = Number(i.nextToken ?? 0);
        const limit = Math.min(i.limit ?? 50, 50);
        const page = all.slice(from, from + limit);
        return {
          logGroups: page.map(([n, g]) => ({ logGroupName: n, retentionInDays: g.retention, arn: `${this.logGroupArn(n)}:*` })),
          ...(from + limit < all.length ? { nextToken: String(from + limit) } : {}),
        };
      },
      DeleteLogGroup: (i) => {
        if (!this.logGroups.delete(i.logGroupName)) throw awsError('ResourceNotFoundException', 'The specified log group does not exist.');
        this.tags.delete(this.logGroupArn(i.logGroupName));
      },
      FilterLogEvents: (i) => {
        const events = (this.logEvents.get(i.logGroupName) ?? []).filter((e) => i.startTime === undefined || e.timestamp >= i.startTime);
        const pattern = i.filterPattern ? String(i.filterPattern).replace(/"/g, '') : undefined;
        return { events: pattern ? events.filter((e) => e.message.includes(pattern)) : events };
      },
    };
  }

  queueArn(name: string): string {
    return `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
  }

  private sqsHandlers(): Record<string, Handler> {
    const byUrl = (url: string) => {
      const entry = [...this.queues.entries()].find(([, q]) => q.url === url);
      if (!entry) throw awsError('QueueDoesNotExist', 'The specified queue does not exist.');
      return entry;
    };
    return {
      CreateQueue: (i) => {
        const existing = this.queues.get(i.QueueName);
        if (existing) {
          const same = Object.entries(i.Attributes ?? {}).every(([k, v]) => existing.attributes[k] === v);
          if (!same) throw awsError('QueueNameExists', 'A queue already exists with the same name and a different value for attribute VisibilityTimeout');
          return { QueueUrl: existing.url };
        }
        const url = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${i.QueueName}`;
        this.queues.set(i.QueueName, { url, attributes: { VisibilityTimeout: '30', MessageRetentionPeriod: '345600', ...i.Attributes }, tags: i.tags ?? {} });
        this.tagResource(this.queueArn(i.QueueName), i.tags);
        return { QueueUrl: url };
      },
      GetQueueUrl: (i) => {
        const q = this.queues.get(i.QueueName);
        if (!q) throw awsError('QueueDoesNotExist', 'The specified queue does not exist.');
        return { QueueUrl: q.url };
      },
      GetQueueAttributes: (i) => ({ Attributes: { ...byUrl(i.QueueUrl)[1].attributes, QueueArn: this.queueArn(byUrl(i.QueueUrl)[0]) } }),
      SetQueueAttributes: (i) => {
        const q = byUrl(i.QueueUrl)[1];
        for (const [k, v] of Object.entries(i.Attributes as Record<string, string>)) {
          if (v === '') delete q.attributes[k];
          else q.attributes[k] = v;
        }
      },
      TagQueue: (i) => this.tagResource(this.queueArn(byUrl(i.QueueUrl)[0]), i.Tags),
      DeleteQueue: (i) => {
        const [name] = byUrl(i.QueueUrl);
        this.queues.delete(name);
        this.tags.delete(this.queueArn(name));
      },
    };
  }

  /** sha256 of code bytes as Lambda reports it (base64). */
  static sha(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('base64');
  }

  static uuid(): string {
    return randomUUID();
  }
}
