import type { DesiredResource } from '../../src/core/resources.js';
import { corsOf, type FunctionSpec, type JwtAuthSpec, type Service } from '../../src/model/service.js';
import { authorizerName, fit, NAME_LIMITS, TYPES, type Names } from './naming.js';
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

/**
 * The API's CorsConfiguration: one per HTTP API (validate() refuses routes asking for different
 * CORS, and warns when only some ask). Methods default to those of the CORS routes.
 */
export function apiCors(service: Service): Record<string, unknown> | undefined {
  const routes = service.functions.flatMap((f) => f.events.flatMap((e) => (e.kind === 'http' && corsOf(e) ? [{ e, cors: corsOf(e)! }] : [])));
  if (routes.length === 0) return undefined;
  const cors = routes[0].cors;
  const methods = cors.methods ?? [...new Set(routes.map((r) => (r.e.method === 'ANY' ? '*' : r.e.method)))];
  return {
    allowOrigins: [...cors.origins],
    allowMethods: methods.includes('*') ? ['*'] : [...methods].sort(),
    allowHeaders: [...cors.headers].sort(),
    maxAge: cors.maxAgeS,
    // Only when set, so an API deployed before these existed plans as unchanged.
    ...(cors.credentials ? { allowCredentials: true } : {}),
    ...(cors.exposeHeaders.length ? { exposeHeaders: [...cors.exposeHeaders].sort() } : {}),
  };
}

/** The JWT authorizer a route's `auth` needs: one per issuer and audiences, shared by the routes that ask for the same. */
function authorizer(jwt: JwtAuthSpec): DesiredResource {
  const name = authorizerName(jwt);
  return {
    id: `authorizer:${name}`,
    type: TYPES.authorizer,
    props: { name, type: 'JWT', identitySource: [JWT_IDENTITY_SOURCE], issuer: jwt.issuer, audience: [...jwt.audience].sort() },
    dependsOn: ['api'],
  };
}

/** Where API Gateway finds the token: the `Authorization` header (`Bearer <token>`). */
export const JWT_IDENTITY_SOURCE = '$request.header.Authorization';

function httpResources(service: Service, names: Names): DesiredResource[] {
  const httpFns = service.functions.filter((f) => f.events.some((e) => e.kind === 'http'));
  if (httpFns.length === 0) return [];
  const out: DesiredResource[] = [
    {
      id: 'api',
      type: TYPES.api,
      props: {
        name: names.apiName,
        protocol: 'HTTP',
        stage: service.stage,
        cors: apiCors(service),
      },
    },
  ];
  const authorizers = new Map<string, DesiredResource>();
  for (const fn of httpFns) {
    for (const e of fn.events) {
      if (e.kind !== 'http' || !e.auth) continue;
      const a = authorizer(e.auth.jwt);
      if (!authorizers.has(a.id)) authorizers.set(a.id, a);
    }
  }
  out.push(...[...authorizers.values()].sort((a, b) => (a.id < b.id ? -1 : 1)));
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
      const auth = e.auth ? `authorizer:${authorizerName(e.auth.jwt)}` : undefined;
      out.push({
        id: `route:${routeKey}`,
        type: TYPES.route,
        props: {
          routeKey,
          integration: `integration:${fn.name}`,
          // Only on routes with `auth`, so routes deployed before it existed plan as unchanged.
          ...(auth ? { authorizer: auth, ...(e.auth!.jwt.scopes.length ? { scopes: [...e.auth!.jwt.scopes].sort() } : {}) } : {}),
        },
        dependsOn: ['api', `integration:${fn.name}`, ...(auth ? [auth] : [])],
      });
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
