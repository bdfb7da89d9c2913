import { posix, relative, sep } from 'node:path';
import { functionsEnv } from '../../src/bundle/shim-meta.js';
import type { DesiredResource } from '../../src/core/resources.js';
import type { Artifact } from '../../src/model/artifact.js';
import { corsOf, type FunctionSpec, type Service } from '../../src/model/service.js';
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  LOCAL_TYPES,
  bucketId,
  functionId,
  queueId,
  queueTriggerId,
  routeId,
  scheduleId,
  storageTriggerId,
  type BucketProps,
  type FunctionProps,
  type QueueProps,
  type QueueTriggerProps,
  type RouteProps,
  type ScheduleProps,
  type StorageTriggerProps,
} from './naming.js';

function artifactFolder(service: Service, artifact: Artifact | undefined, fn: string): string {
  const zip = artifact?.zipPath ?? posix.join('.sls-x', 'build', 'local', `${fn}.zip`);
  const rel = relative(service.root, zip.replace(/\.zip$/, '')).split(sep).join('/');
  return rel.startsWith('..') ? zip.replace(/\.zip$/, '') : rel;
}

/** What the config wants the local cloud to run. Pure: same service and artifacts, same resources. */
export function localDesired(service: Service, artifacts: Artifact[]): DesiredResource[] {
  const out: DesiredResource[] = [];
  for (const q of service.queues) {
    const props: QueueProps = { visibilityTimeoutMs: q.visibilityTimeoutMs, maxRetries: q.maxRetries, deadLetter: q.deadLetter, retentionMs: q.retentionMs };
    out.push({ id: queueId(q.name), type: LOCAL_TYPES.queue, props: { ...props } });
  }
  for (const b of service.buckets) {
    const props: BucketProps = { existing: b.existing ?? null };
    out.push({ id: bucketId(b.name), type: LOCAL_TYPES.bucket, props: { ...props } });
  }
  for (const fn of service.functions) {
    const artifact = artifacts.find((a) => a.functions.includes(fn.name) || a.name === fn.name);
    const props: FunctionProps = {
      handler: `${fn.handler.file}#${fn.handler.export}`,
      sha256: artifact?.sha256 ?? '',
      artifact: artifactFolder(service, artifact, fn.name),
      entry: artifact?.entry ?? 'index.mjs',
      memory: fn.memory,
      timeoutMs: fn.timeoutMs,
      // The config's env, and the function's events and timeout for the shim (never in the code).
      env: { ...fn.env, ...functionsEnv(service, [fn], 'local') },
      secrets: [...fn.secrets].sort(),
      concurrency: { max: fn.concurrency.max ?? null, warm: fn.concurrency.warm },
      idleTimeoutMs: service.targets.local?.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      sends: [...fn.sends].sort(),
      buckets: fn.buckets.map((b) => ({ name: b.name, access: b.access })).sort((a, b) => (a.name < b.name ? -1 : 1)),
      ...(fn.tables?.length ? { tables: localTables(service, fn) } : {}),
    };
    const fid = functionId(fn.name);
    out.push({ id: fid, type: LOCAL_TYPES.function, props: { ...props } });
    fn.events.forEach((ev, index) => {
      if (ev.kind === 'http') {
        const props: RouteProps = { function: fn.name, method: ev.method, path: ev.path, cors: corsOf(ev) ?? false };
        out.push({ id: routeId(ev.method, ev.path), type: LOCAL_TYPES.route, props: { ...props }, dependsOn: [fid] });
      } else if (ev.kind === 'queue') {
        const props: QueueTriggerProps = { function: fn.name, queue: ev.queue, batchSize: ev.batchSize, batchWindowMs: ev.batchWindowMs };
        out.push({ id: queueTriggerId(fn.name, ev.queue), type: LOCAL_TYPES.queueTrigger, props: { ...props }, dependsOn: [fid, queueId(ev.queue)] });
      } else if (ev.kind === 'schedule') {
        const props: ScheduleProps = {
          function: fn.name,
          expression: ev.expression,
          cron: ev.cron ?? null,
          rateMs: ev.rateMs ?? null,
          timezone: ev.timezone,
          enabled: ev.enabled,
          input: ev.input ?? null,
        };
        out.push({ id: scheduleId(fn.name, index), type: LOCAL_TYPES.schedule, props: { ...props }, dependsOn: [fid] });
      } else {
        const props: StorageTriggerProps = { function: fn.name, bucket: ev.bucket, on: [...ev.on], prefix: ev.prefix ?? null, suffix: ev.suffix ?? null };
        out.push({ id: storageTriggerId(fn.name, ev.bucket, index), type: LOCAL_TYPES.storageTrigger, props: { ...props }, dependsOn: [fid, bucketId(ev.bucket)] });
      }
    });
  }
  return out;
}

/** A function's declared tables with their key attributes (the local cloud's SQLite tables). */
export function localTables(service: Service, fn: FunctionSpec): Array<{ name: string; access: 'read' | 'write' | 'readwrite'; key: string }> {
  return (fn.tables ?? [])
    .map((t) => ({ name: t.name, access: t.access, key: service.tables?.find((d) => d.name === t.name)?.key ?? 'id' }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}
