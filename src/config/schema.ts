import { z } from 'zod';
import { BUILD_LOADERS, HTTP_METHODS, RUNTIMES, TARGETS } from '../model/service.js';
import { DURATION_PATTERN, RATE_PATTERN, SIZE_PATTERN } from './units.js';

/**
 * The raw faas.yaml, as one zod schema: the source of the TypeScript types (`RawConfig`),
 * of runtime shape validation, and of schema/faas.schema.json (editors) and docs/faas-yaml.md.
 * It checks shapes only and has no transforms, so it converts to JSON Schema one to one;
 * meaning (units, cron, references, limits) is checked in normalize.ts and checks/.
 */

const DURATION_ERROR = 'expected a duration like `500ms`, `10s`, `2m` or `1h` (a bare number is seconds)';
const SIZE_ERROR = 'expected a size like `512`, `512MB` or `2GB` (a bare number is MB)';
const RATE_ERROR = 'expected a rate like `10M/month`, `250k/day` or a number per month';

const duration = z
  .union([z.number().nonnegative(), z.string().regex(new RegExp(DURATION_PATTERN), { error: DURATION_ERROR })], { error: DURATION_ERROR })
  .meta({ description: 'A duration: `500ms`, `10s`, `2m`, `1h`, `4d`; a bare number is seconds.', examples: ['10s', '500ms', 30] });

const unitDuration = z
  .string({ error: 'expected a duration with its unit, like `120ms` or `1.5s`' })
  .regex(new RegExp(DURATION_PATTERN), { error: 'expected a duration with its unit, like `120ms` or `1.5s`' })
  .meta({ description: 'A duration with its unit: `120ms`, `1.5s`.', examples: ['120ms'] });

const size = z
  .union([z.number().positive(), z.string().regex(new RegExp(SIZE_PATTERN), { error: SIZE_ERROR })], { error: SIZE_ERROR })
  .meta({ description: 'A size in MB: `512`, `512MB`, `2GB` (1 GB = 1024 MB).', examples: [512, '2GB'] });

const envValue = z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' });
const env = z
  .record(z.string(), envValue)
  .meta({ description: 'Plain environment variables. Never put secret values here: list their names under `secrets`.' });

const runtime = z.enum(RUNTIMES).meta({ description: 'Node.js version the functions run on.', default: 'node22' });
const architecture = z.enum(['arm64', 'x86_64']).meta({ description: 'CPU architecture (AWS; the other clouds run x86_64).', default: 'arm64' });
const method = z.enum([...HTTP_METHODS, ...HTTP_METHODS.map((m) => m.toLowerCase())] as [string, ...string[]]);

const awsTarget = z
  .strictObject({
    region: z.string().optional().meta({ description: 'AWS region, e.g. `eu-west-1`.' }),
    account: z.string().optional().meta({ description: 'AWS account id (12 digits); deploy refuses other accounts.' }),
    profile: z.string().optional().meta({ description: 'Named profile from ~/.aws/config.' }),
    logRetentionDays: z.number().int().positive().optional().meta({ description: 'CloudWatch log retention in days.' }),
  })
  .meta({ description: 'AWS Lambda settings.' });

const azureTarget = z
  .strictObject({
    region: z.string().optional().meta({ description: 'Azure region, e.g. `westeurope`.' }),
    subscription: z.string().optional().meta({ description: 'Azure subscription id.' }),
    resourceGroup: z.string().optional().meta({ description: 'Resource group to deploy into.' }),
    keyVault: z.string().optional().meta({ description: 'Key Vault (in the resource group) holding the secrets, referenced from app settings; sls-x never reads the values.' }),
    logRetentionDays: z.number().int().positive().optional().meta({ description: 'Log retention in days.' }),
  })
  .meta({ description: 'Azure Functions (Flex Consumption) settings.' });

const gcpTarget = z
  .strictObject({
    region: z.string().optional().meta({ description: 'GCP region, e.g. `europe-west1`.' }),
    project: z.string().optional().meta({ description: 'GCP project id.' }),
    logRetentionDays: z.number().int().positive().optional().meta({ description: 'Log retention in days.' }),
  })
  .meta({ description: 'Google Cloud Functions (2nd gen) settings.' });

const localTarget = z
  .strictObject({
    port: z.number().int().min(0).max(65535).optional().meta({ description: 'Port of the local HTTP gateway (0 = any free port).' }),
    idleTimeout: duration.optional().meta({ description: 'Idle time before a local instance is reclaimed.', default: '5m' }),
  })
  .meta({ description: 'Local cloud settings.' });

const corsObject = z
  .strictObject({
    origins: z.array(z.string()).min(1).meta({ description: 'Origins allowed to call the route from a browser: `*`, or `scheme://host[:port]` each (no path).' }),
    methods: z
      .array(z.enum(['*', ...HTTP_METHODS.filter((m) => m !== 'ANY'), ...HTTP_METHODS.filter((m) => m !== 'ANY').map((m) => m.toLowerCase())] as [string, ...string[]]))
      .min(1)
      .optional()
      .meta({ description: 'Methods a preflight allows (default: the methods of the routes; on AWS, of every CORS route of the API).' }),
    headers: z.array(z.string()).optional().meta({ description: 'Request headers a preflight allows (`*`: any).', default: ['authorization', 'content-type'] }),
    exposeHeaders: z.array(z.string()).optional().meta({ description: 'Response headers a browser script may read.' }),
    credentials: z.boolean().optional().meta({ description: 'Allow credentials (cookies, `Authorization` sent by the browser); not with origin `*`.', default: false }),
    maxAge: duration.optional().meta({ description: 'How long a browser may cache a preflight answer.', default: '5m' }),
  })
  .meta({ description: 'CORS settings.' });

const jwtAuth = z
  .strictObject({
    issuer: z.string().meta({ description: 'The token issuer, `https://...` (its `iss`); keys come from `<issuer>/.well-known/openid-configuration`.' }),
    audience: z.union([z.string(), z.array(z.string()).min(1)], { error: 'expected an audience or a list of them' }).meta({ description: 'Accepted audiences: the token\'s `aud` (or `client_id` when it has no `aud`) must be one of them.' }),
    scopes: z.array(z.string()).optional().meta({ description: 'When set, the token\'s `scope` / `scp` must hold at least one of these.' }),
  })
  .meta({ description: 'A JWT (Bearer token) authorizer: RS256 or ES256 signatures, `iss`, `aud`, `exp` and `nbf` checked.' });

const httpEvent = z
  .union(
    [
      z.string().meta({ description: 'Short form: `GET /orders/{id}`.' }),
      z.strictObject({
        method: method.optional().meta({ description: 'HTTP method, or `ANY`.', default: 'ANY' }),
        path: z.string().meta({ description: 'Path starting with `/`; parameters as `{name}`, a greedy last one as `{name+}`.' }),
        cors: z
          .union([z.boolean(), corsObject], { error: 'expected `true`, `false` or `{ origins, methods, headers, exposeHeaders, credentials, maxAge }`' })
          .optional()
          .meta({ description: 'Answer CORS preflight requests and add CORS headers: `true` (any origin, headers `authorization` and `content-type`, 5 minutes) or the settings.', default: false }),
        auth: z
          .strictObject({ jwt: jwtAuth })
          .optional()
          .meta({ description: 'Require a valid token: requests without one get 401 and never reach the handler.' }),
      }),
    ],
    { error: 'expected `METHOD /path` or `{ method, path, cors, auth }`' },
  )
  .meta({ description: 'An HTTP route.' });

const queueEvent = z
  .union(
    [
      z.string().meta({ description: 'Short form: the queue name.' }),
      z.strictObject({
        name: z.string().meta({ description: 'A queue declared under top-level `queues`.' }),
        batchSize: z.number().int().min(1).optional().meta({ description: 'Most messages per invocation.', default: 10 }),
        batchWindow: duration.optional().meta({ description: 'Longest time to gather a batch.', default: 0 }),
      }),
    ],
    { error: 'expected a queue name or `{ name, batchSize, batchWindow }`' },
  )
  .meta({ description: 'Messages from a queue, in batches.' });

const scheduleEvent = z
  .union(
    [
      z.string().meta({ description: '`cron(minute hour day-of-month month day-of-week)` or `rate(5 minutes)`.' }),
      z.strictObject({
        expression: z.string().meta({ description: '`cron(...)` or `rate(...)`.' }),
        timezone: z.string().optional().meta({ description: 'IANA time zone of the cron expression.', default: 'UTC' }),
        enabled: z.boolean().optional().meta({ description: 'Create the schedule disabled when false.', default: true }),
        input: z.unknown().optional().meta({ description: 'JSON payload handed to the handler.' }),
      }),
    ],
    { error: 'expected `cron(...)`, `rate(...)` or `{ expression, timezone, enabled, input }`' },
  )
  .meta({ description: 'A schedule (5-field cron, UTC unless `timezone` is set, or a fixed rate).' });

const storageOn = z.enum(['created', 'deleted']);
const storageEvent = z
  .union(
    [
      z.string().meta({ description: 'Short form: the bucket name (objects created).' }),
      z.strictObject({
        bucket: z.string().meta({ description: 'A bucket declared under top-level `buckets`.' }),
        on: z.union([storageOn, z.array(storageOn).min(1)]).optional().meta({ description: '`created`, `deleted` or both.', default: 'created' }),
        prefix: z.string().optional().meta({ description: 'Only keys starting with this.' }),
        suffix: z.string().optional().meta({ description: 'Only keys ending with this.' }),
      }),
    ],
    { error: 'expected a bucket name or `{ bucket, on, prefix, suffix }`' },
  )
  .meta({ description: 'Object changes in a bucket.' });

/** Exactly one key per event; checked in checks/events.ts (JSON Schema says it with min/maxProperties). */
export const eventSchema = z
  .strictObject({
    http: httpEvent.optional(),
    queue: queueEvent.optional(),
    schedule: scheduleEvent.optional(),
    storage: storageEvent.optional(),
  })
  .meta({ description: 'One trigger: exactly one of `http`, `queue`, `schedule`, `storage`.', minProperties: 1, maxProperties: 1 });

export const trafficSchema = z
  .strictObject({
    requests: z
      .union([z.number().nonnegative(), z.string().regex(new RegExp(RATE_PATTERN), { error: RATE_ERROR })], { error: RATE_ERROR })
      .meta({ description: 'Requests: `10M/month`, `250k/day`, `50/second`; a bare number is per month.' }),
    duration: unitDuration.meta({ description: 'Average billed duration, e.g. `120ms`.' }),
    memory: size.optional().meta({ description: 'Memory for the estimate (default: the function\'s).' }),
    coldStartRate: z.number().min(0).max(1).optional().meta({ description: 'Fraction of invocations that start cold (0..1).' }),
    init: unitDuration.optional().meta({ description: 'Cold-start init duration, e.g. `300ms`.' }),
    tableReads: z.number().nonnegative().optional().meta({ description: 'Table reads per request, for the tables\' request pricing: 1 per `get` (items up to 4 KB); a `query` or `scan` counts 1 per 4 KB of the items it passes (on AWS, the whole table).', default: 0 }),
    tableWrites: z.number().nonnegative().optional().meta({ description: 'Table writes per request, for the tables\' request pricing: 1 per `put` or `delete` (items up to 1 KB).', default: 0 }),
  })
  .meta({ description: 'Traffic profile for `sls-x cost estimate`.' });

const bucketAccess = z.enum(['read', 'write', 'readwrite']);

/** Bundler settings (esbuild); key and value formats of `define` and `loader` are checked in checks/build.ts. */
export const buildSchema = z
  .strictObject({
    external: z
      .array(z.string().regex(/^!?[^\s!*]*\*?[^\s!*]*$/, { error: 'expected a package name (`pg-native`), a pattern with one `*` (`@aws-sdk/*`), or `!name` to bundle one a default leaves out' }).min(1))
      .optional()
      .meta({ description: 'Packages left out of the bundle (installed where the function runs, or provided by the runtime): `pg-native`, `@aws-sdk/*`. Added to the target\'s defaults (AWS: `@aws-sdk/*`) and to the service\'s list; `!name` takes one of those out again (bundles it).' }),
    minify: z.boolean().optional().meta({ description: 'Minify the bundle.', default: true }),
    sourcemap: z.boolean().optional().meta({ description: 'Write linked source maps (`handler.mjs.map`, `_slsx.mjs.map`; azure `index.mjs.map`) beside the bundles, into the zip. Default: on for local, off for the clouds; `sls-x package --sourcemap` turns it on.' }),
    define: z
      .record(z.string(), z.string())
      .optional()
      .meta({ description: 'Replace an expression with a constant when bundling (esbuild `define`): `process.env.NODE_ENV: \'"production"\'`. Values are JavaScript as text: a JSON value or a name. Compiled into the code: never a secret.' }),
    loader: z
      .record(z.string(), z.enum(BUILD_LOADERS))
      .optional()
      .meta({ description: 'How to bundle imported files by extension (esbuild loaders): `.txt: text`, `.sql: text`, `.png: binary`, `.json: json`.' }),
  })
  .meta({ description: 'Bundler (esbuild) settings.' });

const iamStatementSchema = z
  .strictObject({
    effect: z.enum(['Allow', 'Deny']).optional().meta({ description: 'Allow (default) or Deny.', default: 'Allow' }),
    actions: z.array(z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9*?]+$/, { error: 'an IAM action is `service:Action`, e.g. `dynamodb:GetItem`' })).min(1).meta({ description: 'Actions, e.g. `dynamodb:GetItem`.' }),
    resources: z.array(z.string().regex(/^(\*|arn:[^\s]+)$/, { error: 'a resource is an ARN (`arn:aws:dynamodb:...`) or `*`' })).min(1).meta({ description: 'Resource ARNs (or `*`).' }),
  })
  .meta({ description: 'One IAM policy statement.' });

export const functionSchema = z
  .strictObject({
    handler: z.string().meta({ description: 'Source file (without extension) and export: `src/api.handler`.' }),
    description: z.string().optional().meta({ description: 'Free text.' }),
    runtime: runtime.optional(),
    memory: size.optional().meta({ description: 'Memory in MB (default: `defaults.memory`).' }),
    timeout: duration.optional().meta({ description: 'Longest run time (default: `defaults.timeout`).' }),
    architecture: architecture.optional(),
    env: env.optional(),
    secrets: z.array(z.string()).optional().meta({ description: 'Names of secrets, resolved from each cloud\'s secret store at run time (never values).' }),
    concurrency: z
      .strictObject({
        max: z.number().int().min(1).optional().meta({ description: 'Most instances running at once.' }),
        warm: z.number().int().min(0).optional().meta({ description: 'Instances kept warm (provisioned / always ready / min instances).', default: 0 }),
      })
      .optional()
      .meta({ description: 'Concurrency limits.' }),
    ephemeralStorage: size.optional().meta({ description: '/tmp size in MB (AWS).', default: 512 }),
    sends: z.array(z.string()).optional().meta({ description: 'Queues this function sends to (grants permission).' }),
    buckets: z
      .array(z.union([z.string(), z.strictObject({ name: z.string().meta({ description: 'A bucket declared under top-level `buckets`.' }), access: bucketAccess.optional().meta({ description: 'What the function may do.', default: 'readwrite' }) })], { error: 'expected a bucket name or `{ name, access }`' }))
      .optional()
      .meta({ description: 'Buckets this function reads or writes: a name (read and write) or `{ name, access: read|write|readwrite }`.' }),
    tables: z
      .array(z.union([z.string(), z.strictObject({ name: z.string().meta({ description: 'A table declared under top-level `tables`.' }), access: bucketAccess.optional().meta({ description: 'What the function may do.', default: 'readwrite' }) })], { error: 'expected a table name or `{ name, access }`' }))
      .optional()
      .meta({ description: 'Tables this function reads or writes with `table(name)`: a name (read and write) or `{ name, access: read|write|readwrite }`.' }),
    events: z.array(eventSchema).optional().meta({ description: 'Triggers.' }),
    traffic: trafficSchema.optional(),
    build: buildSchema.optional().meta({ description: 'Bundler settings of this function, over the top-level `build` (per key; `external` adds to it, `define` and `loader` per entry). Not per function on azure: one package for the app.' }),
    targets: z
      .strictObject({
        aws: z
          .strictObject({
            iam: z
              .array(iamStatementSchema)
              .optional()
              .meta({ description: 'Extra IAM statements for this function\'s role, beyond what sls-x derives (e.g. a DynamoDB table it does not manage). Shown under [IAM] in every plan.' }),
          })
          .optional()
          .meta({ description: 'AWS settings of this function.' }),
        azure: z
          .strictObject({
            roles: z
              .array(
                z.strictObject({
                  role: z.string().min(1).meta({ description: 'A built-in role name sls-x knows (`Storage Blob Data Reader`), or any role\'s definition GUID (or full role definition id).' }),
                  scope: z
                    .string()
                    .regex(/^\/subscriptions\/[^/\s]+(\/resourceGroups\/[^/\s]+(\/providers\/\S+)?)?$/i, { error: 'a scope is an Azure resource id: `/subscriptions/<id>/resourceGroups/<rg>/providers/...` (or `${ref:NAME}`)' })
                    .meta({ description: 'The resource id the role is assigned on (often `${ref:NAME}`).' }),
                }),
              )
              .optional()
              .meta({ description: 'Extra role assignments for the Function App\'s identity, beyond what sls-x derives (Azure gives one identity per app: every function of the service gets them). Shown under [IAM] in every plan.' }),
          })
          .optional()
          .meta({ description: 'Azure settings of this function.' }),
        gcp: z
          .strictObject({
            roles: z
              .array(
                z.strictObject({
                  role: z.string().regex(/^(roles\/[A-Za-z0-9_.]+|(projects|organizations)\/[^/\s]+\/roles\/[A-Za-z0-9_.]+)$/, { error: 'a role is `roles/<name>` or a custom role `projects/<p>/roles/<name>`' }).meta({ description: 'A predefined role (`roles/pubsub.publisher`) or a custom role.' }),
                  resource: z.string().min(1).meta({ description: 'The resource the role is granted on: `projects/<p>/topics/<t>`, `projects/<p>/subscriptions/<s>`, `projects/<p>/secrets/<s>`, `projects/_/buckets/<b>` or `projects/<p>` (often `${ref:NAME}`).' }),
                }),
              )
              .optional()
              .meta({ description: 'Extra IAM bindings for this function\'s service account, beyond what sls-x derives. Shown under [IAM] in every plan.' }),
          })
          .optional()
          .meta({ description: 'GCP settings of this function.' }),
      })
      .optional()
      .meta({ description: 'Per-target settings of this function (escape hatches; the least-privilege defaults stay).' }),
  })
  .meta({ description: 'A function.' });

export const queueSchema = z
  .strictObject({
    visibilityTimeout: duration.optional().meta({ description: 'How long a received message stays hidden before it is retried.', default: '30s' }),
    maxRetries: z.number().int().min(0).optional().meta({ description: 'Retries after the first attempt before a message is dead-lettered.', default: 3 }),
    deadLetter: z.boolean().optional().meta({ description: 'Move messages that keep failing to a dead-letter queue.', default: true }),
    retention: duration.optional().meta({ description: 'How long an unprocessed message is kept.', default: '4d' }),
  })
  .meta({ description: 'A queue.' });

export const bucketSchema = z
  .strictObject({
    existing: z.string().optional().meta({ description: 'Use this existing bucket (its real name) instead of creating one; sls-x never deletes it.' }),
  })
  .meta({ description: 'A storage bucket.' });

export const tableSchema = z
  .strictObject({
    key: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, { error: 'a key attribute is a name of letters, digits and `_` (1 to 64), e.g. `id`' })
      .optional()
      .meta({ description: 'The item attribute holding each item\'s key (a string).', default: 'id' }),
  })
  .meta({ description: 'A key-value table: DynamoDB (on-demand) on AWS, Table Storage on Azure, a Firestore collection on GCP, SQLite on local.' });

export const configSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'JSON Schema of this file (for editors).' }),
    service: z.string().meta({ description: 'Service name: lowercase letters, digits and hyphens. Part of every resource name.' }),
    stage: z.string().optional().meta({ description: 'Stage (default `dev`); `--stage` overrides.', default: 'dev' }),
    target: z.enum(TARGETS).optional().meta({ description: 'Default target; `--target` overrides.', default: 'local' }),
    targets: z
      .strictObject({ aws: awsTarget.optional(), azure: azureTarget.optional(), gcp: gcpTarget.optional(), local: localTarget.optional() })
      .optional()
      .meta({ description: 'Per-target settings. Every target listed here is checked by `sls-x validate`.' }),
    params: z
      .record(z.string(), z.record(z.string(), envValue))
      .optional()
      .meta({ description: 'Per-stage values for `${param:NAME}`: `params: { default: { dbHost: localhost }, prod: { dbHost: db.internal } }`. The current stage\'s value wins over `default`.' }),
    references: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, { error: 'a reference name is letters, digits, `_` and `-`' }),
        z
          .strictObject({
            aws: z.string().regex(/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:\S+$/, { error: 'an AWS reference is an ARN: `arn:aws:<service>:<region>:<account>:<resource>`' }).optional().meta({ description: 'The resource\'s ARN.' }),
            azure: z.string().regex(/^\/subscriptions\/[^/\s]+\/resourceGroups\/[^/\s]+\/providers\/[^\s]+$/i, { error: 'an Azure reference is a resource id: `/subscriptions/<id>/resourceGroups/<rg>/providers/...`' }).optional().meta({ description: 'The resource\'s Azure resource id.' }),
            gcp: z.string().regex(/^(projects|organizations|folders)\/[^\s]+$|^\/\/[a-z.]+\.googleapis\.com\/\S+$/, { error: 'a GCP reference is a resource name: `projects/<p>/topics/<t>` (or a full `//<service>.googleapis.com/...` name)' }).optional().meta({ description: 'The resource\'s GCP resource name.' }),
          })
          .meta({ description: 'The ids of one existing resource, per cloud.' }),
      )
      .optional()
      .meta({ description: 'Existing resources sls-x does not manage, by name: their ARN / resource id / resource name per cloud, for `${ref:NAME}` in escape hatches (never created, changed or deleted).' }),
    custom: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: 'Free-form values to refer to with `${self:custom.NAME}`; sls-x reads nothing else from here.' }),
    runtime: runtime.optional(),
    defaults: z
      .strictObject({
        memory: size.optional().meta({ description: 'Memory in MB.', default: 512 }),
        timeout: duration.optional().meta({ description: 'Longest run time.', default: '10s' }),
        architecture: architecture.optional(),
        env: env.optional(),
      })
      .optional()
      .meta({ description: 'Defaults for every function.' }),
    queues: z.record(z.string(), queueSchema.nullable()).optional().meta({ description: 'Queues, by name.' }),
    buckets: z.record(z.string(), bucketSchema.nullable()).optional().meta({ description: 'Buckets, by name.' }),
    tables: z.record(z.string(), tableSchema.nullable()).optional().meta({ description: 'Key-value tables, by name (`table(name)` in handlers).' }),
    build: buildSchema.optional().meta({ description: 'Bundler (esbuild) settings for every function; `functions.<name>.build` overrides per function.' }),
    functions: z.record(z.string(), functionSchema).meta({ description: 'Functions, by name.' }),
    traffic: z.record(z.string(), trafficSchema).optional().meta({ description: 'Traffic profiles by function name (or set `traffic` on the function).' }),
  })
  .meta({ title: 'sls-x faas.yaml', description: 'A provider-neutral serverless service for sls-x.' });

/** The raw config as written (after interpolation). */
export type RawConfig = z.infer<typeof configSchema>;
export type RawFunction = z.infer<typeof functionSchema>;
export type RawEvent = z.infer<typeof eventSchema>;
export type RawQueue = z.infer<typeof queueSchema>;
export type RawTraffic = z.infer<typeof trafficSchema>;
