import type { Artifact } from '../../src/model/artifact.js';
import { functionsEnv } from '../../src/bundle/shim-meta.js';
import type { FunctionSpec, Runtime, Service } from '../../src/model/service.js';
import type { DesiredResource, Props } from '../../src/core/resources.js';
import { stableJson } from '../../src/plan/diff.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { marker, names as namesFor, PLACEHOLDERS, TYPES, type Names } from './naming.js';
import { desiredEvents } from './desired-events.js';
import { desiredBindings } from './desired-iam.js';
import { grantsEnv, hatchResources, hatchTarget } from './extra-iam.js';

export const GCF_RUNTIMES: Record<Runtime, string> = { node20: 'nodejs20', node22: 'nodejs22', node24: 'nodejs24' };

export const PUBSUB_PUBLISHED = 'google.cloud.pubsub.topic.v1.messagePublished';
export const STORAGE_EVENTS = { created: 'google.cloud.storage.object.v1.finalized', deleted: 'google.cloud.storage.object.v1.deleted' } as const;

/** Cloud Functions' own default when maxInstanceCount is not set (2nd gen). */
export const DEFAULT_MAX_INSTANCES = 100;

/** The real name of a config bucket: its `existing:` name, or the one sls-x gives it. */
export function bucketPhysicalName(service: Service, names: Names, bucket: string): string {
  const b = service.buckets.find((x) => x.name === bucket);
  return b?.existing ?? names.bucketName(bucket, service.targets.gcp?.account);
}

/**
 * `SLSX_TABLES` of a function: each table it declares, as the table client reads it: the
 * collection's full name (`projects/<P>/databases/<db>/documents/<table>`), the key attribute and
 * the declared access (the client enforces it; the cloud grant is per database, see desired-iam.ts).
 */
export function tablesEnv(service: Service, fn: FunctionSpec, names: Names): Record<string, { name: string; key: string; access: string }> {
  return Object.fromEntries((fn.tables ?? []).map((t) => [t.name, { name: names.tablePath(t.name), key: service.tables?.find((x) => x.name === t.name)?.key ?? 'id', access: t.access }]));
}

/** Environment the function runs with: the config's env plus where its queues, buckets and tables are (secrets arrive as their own variables). */
export function functionEnv(service: Service, fn: FunctionSpec, names: Names): Record<string, string> {
  const env: Record<string, string> = { ...fn.env };
  if (fn.sends.length > 0) env.SLSX_QUEUES = stableJson(Object.fromEntries(fn.sends.map((q) => [q, names.topicPath(q)])));
  if (fn.buckets.length > 0) env.SLSX_BUCKETS = stableJson(Object.fromEntries(fn.buckets.map((b) => [b.name, bucketPhysicalName(service, names, b.name)])));
  if (fn.tables?.length) env.SLSX_TABLES = stableJson(tablesEnv(service, fn, names));
  // The resources its escape hatch grants on: how a later observe finds those grants (extra-iam.ts).
  Object.assign(env, grantsEnv(fn));
  // Events and timeout reach the shim here, not in the code: a config change is a config update.
  Object.assign(env, functionsEnv(service, [fn], 'gcp'));
  return env;
}

/** The one event trigger a 2nd gen function can have (validate refuses more): a Pub/Sub topic or a bucket. */
export function eventTrigger(service: Service, fn: FunctionSpec, names: Names): Props | undefined {
  for (const e of fn.events) {
    if (e.kind === 'queue') {
      return { eventType: PUBSUB_PUBLISHED, pubsubTopic: names.topicPath(e.queue), retryPolicy: 'RETRY_POLICY_RETRY', serviceAccount: names.serviceAccountEmail(fn.name) };
    }
    if (e.kind === 'storage') {
      return {
        eventType: STORAGE_EVENTS[e.on[0]],
        bucket: bucketPhysicalName(service, names, e.bucket),
        retryPolicy: 'RETRY_POLICY_RETRY',
        serviceAccount: names.serviceAccountEmail(fn.name),
      };
    }
  }
  return undefined;
}

/** HTTP and scheduled functions take requests from outside; event-only functions only from Google's own event delivery. */
export function ingress(fn: FunctionSpec): string {
  return fn.events.some((e) => e.kind === 'http' || e.kind === 'schedule') || fn.events.length === 0 ? 'ALLOW_ALL' : 'ALLOW_INTERNAL_ONLY';
}

function functionResources(service: Service, fn: FunctionSpec, artifact: Artifact, names: Names): DesiredResource[] {
  const saId = `sa:${fn.name}`;
  const trigger = eventTrigger(service, fn, names);
  const deps = [saId];
  for (const e of fn.events) {
    if (e.kind === 'queue') deps.push(`topic:${e.queue}`);
    if (e.kind === 'storage' && !service.buckets.find((b) => b.name === e.bucket)?.existing) deps.push(`bucket:${e.bucket}`);
  }
  // The function reads its secrets as itself at start-up: the grant must come first.
  for (const s of fn.secrets) deps.push(`iam:secret:${s}`);
  // Its tables: the database and the grant exist before its first request.
  if (fn.tables?.length && service.tables?.length) deps.push(DATABASE_ID, TABLES_GRANT_ID);
  // Its escape-hatch grants, before the code that uses them runs.
  for (const r of hatchResources(fn)) {
    const t = hatchTarget(r);
    if (t) deps.push(t.id);
  }
  const props: Props = {
    name: names.functionName(fn.name),
    runtime: GCF_RUNTIMES[fn.runtime],
    entryPoint: fn.name,
    memory: `${fn.memory}Mi`,
    timeout: Math.ceil(fn.timeoutMs / 1000),
    env: functionEnv(service, fn, names),
    // References only: Cloud Functions reads the values from Secret Manager at instance start.
    secrets: fn.secrets.map((s) => ({ key: s, projectId: PLACEHOLDERS.project, secret: names.secretPath(s).split('/').pop(), version: 'latest' })),
    maxInstances: fn.concurrency.max ?? DEFAULT_MAX_INSTANCES,
    minInstances: fn.concurrency.warm,
    serviceAccount: names.serviceAccountEmail(fn.name),
    ingress: ingress(fn),
    trigger,
    // 48 hex characters: what a label (how the function records its code) can hold.
    codeSha256: artifact.sha256.slice(0, 48),
  };
  return [
    {
      id: saId,
      type: TYPES.serviceAccount,
      security: true,
      replaceOn: ['accountId'],
      props: { accountId: names.serviceAccountId(fn.name), displayName: `sls-x ${service.service}/${service.stage} ${fn.name}`.slice(0, 100), description: marker(service.service, service.stage, saId) },
    },
    {
      id: `function:${fn.name}`,
      type: TYPES.function,
      props,
      // A function cannot move between a trigger and none, or between topics: replaced.
      replaceOn: ['trigger'],
      dependsOn: [...new Set(deps)],
      inputs: { zipPath: artifact.zipPath, size: artifact.size },
    },
  ];
}

/** Plan ids of the stage's Firestore database and of its functions' grant on it. */
export const DATABASE_ID = 'database:tables';
export const TABLES_GRANT_ID = 'iam:tables';
export const FIRESTORE_NATIVE = 'FIRESTORE_NATIVE';

/**
 * The stage's Firestore database when the config has tables: Native mode, in the functions'
 * region (regions.ts: refused at plan time where Firestore has no location), delete protection
 * off so `remove` can delete it (a protection turned on by hand is respected: remove keeps the
 * database). Each table is a collection in it: nothing to create per table.
 */
export function desiredDatabase(service: Service, names: Names): DesiredResource[] {
  if (!service.tables?.length) return [];
  return [{ id: DATABASE_ID, type: TYPES.database, props: { name: names.databaseId, location: PLACEHOLDERS.region, type: FIRESTORE_NATIVE } }];
}

/**
 * Everything the config wants in GCP, pure: names and emails carry placeholders for the
 * project, region and project number, which apply() fills in. Order is stable.
 */
export function desired(service: Service, artifacts: Artifact[]): DesiredResource[] {
  const names = namesFor(service.service, service.stage);
  const out: DesiredResource[] = [];
  for (const fn of service.functions) {
    const artifact = artifacts.find((a) => a.target === 'gcp' && (a.name === fn.name || a.functions.includes(fn.name)));
    if (!artifact) throw new SlsxError('INTERNAL', `No gcp artifact for function '${fn.name}'.`, { hint: 'Package the service for gcp before planning.' });
    out.push(...functionResources(service, fn, artifact, names));
  }
  out.push(...desiredEvents(service, names));
  out.push(...desiredDatabase(service, names));
  out.push(...desiredBindings(service, names));
  return out;
}

export { TYPES };
