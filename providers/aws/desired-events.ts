import type { DesiredResource } from '../../src/core/resources.js';
import type { FunctionSpec, Service } from '../../src/model/service.js';
import { fit, NAME_LIMITS, TYPES, type Names } from './naming.js';
import { bucketPhysicalName, schedulerPolicy } from './policy.js';
import { PLACEHOLDERS, functionArn, queueArn, roleArn } from './session.js';
import { scheduleExpression } from './cron.js';


/** The ARN events invoke: the `live` alias when the function keeps warm instances, else the function. */
export function invokeTarget(fn: FunctionSpec, names: Names): string {
  return functionArn(names.functionName(fn.name), fn.concurrency.warm > 0 ? names.alias : undefined);
}

const P = PLACEHOLDERS.partition;
const R = PLACEHOLDERS.region;
const A = PLACEHOLDERS.account;

/** SQS keeps dead letters the longest it can: 14 days. */
export const DLQ_RETENTION_S = 1_209_600;

/** API Gateway HTTP API integrations time out after 30 s at most. */
export const API_INTEGRATION_TIMEOUT_MS = 30_000;

const S3_EVENTS = { created: 's3:ObjectCreated:*', deleted: 's3:ObjectRemoved:*' } as const;

/** The function (or alias) qualifier events invoke and permissions are granted on. */
function qualifier(fn: FunctionSpec, names: Names): string | undefined {
  return fn.concurrency.warm > 0 ? names.alias : undefined;
}

/** Dependencies of anything that invokes `fn`: the function, and its alias when it has one. */
function invokeDeps(fn: FunctionSpec): string[] {
  return fn.concurrency.warm > 0 ? [`function:${fn.name}`, `alias:${fn.name}`] : [`function:${fn.name}`];
}

/** Permission resource granting `principal` the right to invoke `fn`. */
function permission(fn: FunctionSpec, names: Names, suffix: string, principal: string, sourceArn: string, extraDeps: string[], sourceAccount?: string): DesiredResource {
  return {
    id: `permission:${fn.name}:${suffix}`,
    type: TYPES.permission,
    security: true,
    props: {
      function: names.functionName(fn.name),
      qualifier: qualifier(fn, names),
      statementId: fit(`slsx-${suffix}`.replace(/[^A-Za-z0-9-_.]/g, '-'), NAME_LIMITS.statementId),
      principal,
      sourceArn,
      sourceAccount,
    },
    dependsOn: [...invokeDeps(fn), ...extraDeps],
  };
}

function httpResources(service: Service, names: Names): DesiredResource[] {
  const httpFns = service.functions.filter((f) => f.events.some((e) => e.kind === 'http'));
  if (httpFns.length === 0) return [];
  const corsMethods = new Set<string>();
  for (const fn of httpFns) for (const e of fn.events) if (e.kind === 'http' && e.cors) corsMethods.add(e.method === 'ANY' ? '*' : e.method);
  const out: DesiredResource[] = [
    {
      id: 'api',
      type: TYPES.api,
      props: {
        name: names.apiName,
        protocol: 'HTTP',
        stage: service.stage,
        // HTTP APIs configure CORS per API: validate() warns when only some routes ask for it.
        cors: corsMethods.size === 0 ? undefined : { allowOrigins: ['*'], allowMethods: [...corsMethods].sort(), allowHeaders: ['authorization', 'content-type'], maxAge: 300 },
      },
    },
  ];
  for (const fn of httpFns) {
    out.push({
      id: `integration:${fn.name}`,
      type: TYPES.integration,
      props: { function: invokeTarget(fn, names), payloadFormat: '2.0', timeoutMs: Math.min(fn.timeoutMs, API_INTEGRATION_TIMEOUT_MS) },
      dependsOn: ['api', ...invokeDeps(fn)],
    });
    for (const e of fn.events) {
      if (e.kind !== 'http') continue;
      const routeKey = `${e.method} ${e.path}`;
      out.push({ id: `route:${routeKey}`, type: TYPES.route, props: { routeKey, integration: `integration:${fn.name}` }, dependsOn: ['api', `integration:${fn.name}`] });
    }
    out.push(permission(fn, names, 'api', 'apigateway.amazonaws.com', `arn:${P}:execute-api:${R}:${A}:${PLACEHOLDERS.api}/*/*`, ['api']));
  }
  return out;
}

function queueResources(service: Service, names: Names): DesiredResource[] {
  const out: DesiredResource[] = [];
  for (const q of service.queues) {
    const dlqId = `queue:${q.name}:dlq`;
    if (q.deadLetter) {
      out.push({ id: dlqId, type: TYPES.queue, props: { name: names.queueName(q.name, true), visibilityTimeout: Math.ceil(q.visibilityTimeoutMs / 1000), retention: DLQ_RETENTION_S } });
    }
    out.push({
      id: `queue:${q.name}`,
      type: TYPES.queue,
      props: {
        name: names.queueName(q.name),
        visibilityTimeout: Math.ceil(q.visibilityTimeoutMs / 1000),
        retention: Math.ceil(q.retentionMs / 1000),
        // A message is received once, then retried maxRetries times before it moves to the DLQ.
        redrive: q.deadLetter ? { deadLetterTarget: queueArn(names.queueName(q.name, true)), maxReceiveCount: q.maxRetries + 1 } : undefined,
      },
      dependsOn: q.deadLetter ? [dlqId] : [],
    });
  }
  for (const fn of service.functions) {
    for (const e of fn.events) {
      if (e.kind !== 'queue') continue;
      out.push({
        id: `mapping:${fn.name}:${e.queue}`,
        type: TYPES.mapping,
        props: {
          function: invokeTarget(fn, names),
          queue: queueArn(names.queueName(e.queue)),
          batchSize: e.batchSize,
          batchWindow: Math.ceil(e.batchWindowMs / 1000),
          reportBatchItemFailures: true,
          enabled: true,
        },
        // The role must allow sqs:ReceiveMessage before Lambda accepts the mapping.
        dependsOn: [...invokeDeps(fn), `queue:${e.queue}`, `role:${fn.name}`],
      });
    }
  }
  return out;
}

function scheduleResources(service: Service, names: Names): DesiredResource[] {
  const scheduled = service.functions.filter((f) => f.events.some((e) => e.kind === 'schedule'));
  if (scheduled.length === 0) return [];
  const out: DesiredResource[] = [
    { id: 'schedule-group', type: TYPES.scheduleGroup, props: { name: names.scheduleGroup } },
    {
      id: 'role:scheduler',
      type: TYPES.role,
      security: true,
      props: {
        name: names.schedulerRoleName,
        path: names.rolePath,
        trust: ['scheduler.amazonaws.com'],
        policy: schedulerPolicy(scheduled.map((fn) => invokeTarget(fn, names))),
        managedPolicies: [],
        otherInlinePolicies: [],
      },
      replaceOn: ['path'],
    },
  ];
  for (const fn of scheduled) {
    fn.events.forEach((e, index) => {
      if (e.kind !== 'schedule') return;
      const expr = scheduleExpression(e);
      out.push({
        id: `schedule:${fn.name}:${index}`,
        type: TYPES.schedule,
        props: {
          name: names.scheduleName(fn.name, index),
          group: names.scheduleGroup,
          // validate() refuses schedules AWS cannot express, so `error` never reaches a plan.
          expression: 'expression' in expr ? expr.expression : e.expression,
          timezone: e.timezone,
          state: e.enabled ? 'ENABLED' : 'DISABLED',
          target: invokeTarget(fn, names),
          role: roleArn(names.rolePath, names.schedulerRoleName),
          input: e.input === undefined ? undefined : JSON.stringify(e.input),
        },
        dependsOn: ['schedule-group', 'role:scheduler', ...invokeDeps(fn)],
      });
    });
  }
  return out;
}

function storageResources(service: Service, names: Names): DesiredResource[] {
  const out: DesiredResource[] = [];
  for (const b of service.buckets) {
    if (!b.existing) out.push({ id: `bucket:${b.name}`, type: TYPES.bucket, props: { name: bucketPhysicalName(service, names, b.name) } });
  }
  for (const b of service.buckets) {
    const bucket = bucketPhysicalName(service, names, b.name);
    const configs: Array<Record<string, unknown>> = [];
    const deps: string[] = b.existing ? [] : [`bucket:${b.name}`];
    for (const fn of service.functions) {
      const events = fn.events.filter((e) => e.kind === 'storage' && e.bucket === b.name);
      if (events.length === 0) continue;
      const perm = permission(fn, names, `s3-${bucket}`, 's3.amazonaws.com', `arn:${P}:s3:::${bucket}`, deps, A);
      out.push(perm);
      deps.push(perm.id);
      events.forEach((e, index) => {
        if (e.kind !== 'storage') return;
        configs.push({
          id: `${names.notificationPrefix}${fn.name}-${index}`,
          function: invokeTarget(fn, names),
          events: e.on.map((on) => S3_EVENTS[on]).sort(),
          prefix: e.prefix,
          suffix: e.suffix,
        });
      });
    }
    if (configs.length === 0) continue;
    configs.sort((x, y) => String(x.id).localeCompare(String(y.id)));
    // Keyed by the physical bucket: observe() finds notifications in existing buckets too.
    out.push({ id: `notification:${bucket}`, type: TYPES.notification, props: { bucket, configs }, dependsOn: [...new Set(deps)] });
  }
  return out;
}

/** Event resources: HTTP API, queues and mappings, schedules, buckets and notifications. */
export function desiredEvents(service: Service, names: Names): DesiredResource[] {
  return [...httpResources(service, names), ...queueResources(service, names), ...scheduleResources(service, names), ...storageResources(service, names)];
}
