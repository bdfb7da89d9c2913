/**
 * How a function's neutral events become Azure Functions registrations (v4 Node model): names,
 * routes, NCRONTAB schedules, and the app settings that carry physical queue and container names.
 * Pure and SDK-free, so the azure adapter can compute the same names and settings.
 */
import type { EventSpec, HttpEventSpec, QueueEventSpec, ScheduleEventSpec, StorageEventSpec } from '../../../src/model/service.js';
import type { RuntimeEventSpec } from '../../../src/model/shim.js';
import { ncrontabProblem, toNcrontab } from '../../../src/config/schedule.js';

/** Storage connection every storage trigger uses (identity-based: `AzureWebJobsStorage__accountName`). */
export const AZURE_STORAGE_CONNECTION = 'AzureWebJobsStorage';

const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** What the registrations read of an http or queue event (the shim gets only this: RuntimeEventSpec). */
type HttpLike = Pick<HttpEventSpec, 'kind' | 'method' | 'path'>;
type QueueLike = Pick<QueueEventSpec, 'kind' | 'queue'>;

/** One Azure function registration derived from a neutral function. */
export type AzureTrigger =
  | { kind: 'http'; name: string; route: string; methods: string[]; events: HttpLike[] }
  | { kind: 'queue'; name: string; queueName: string; event: QueueLike }
  | { kind: 'schedule'; name: string; schedule: string; event: Pick<ScheduleEventSpec, 'expression' | 'input'> }
  | { kind: 'storage'; name: string; events: StorageEventSpec[] };

/** App setting holding the real name of a queue or container: `SLSX_QUEUE_ORDERS`, `SLSX_BUCKET_UPLOADS`. */
export function azureAppSettingName(kind: 'queue' | 'bucket', neutralName: string): string {
  return `SLSX_${kind.toUpperCase()}_${neutralName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Neutral path `/orders/{id}` / `/files/{p+}` as an Azure route `orders/{id}` / `files/{*p}`. */
export function toAzureRoute(path: string): string {
  return path
    .replace(/^\/+/, '')
    .split('/')
    .map((seg) => seg.replace(/^\{([A-Za-z_][A-Za-z0-9_]*)\+\}$/, '{*$1}'))
    .join('/');
}

/**
 * A 5-field cron (minute hour dom month dow) as a 6-field NCRONTAB (seconds first): `?` becomes
 * `*`, names become numbers, weekday 7 becomes 0. Throws what NCRONTAB cannot express (validate
 * refuses those first, at faas.yaml:line:col).
 */
export function cronToNcrontab(cron: string): string {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`expected a 5-field cron, got "${cron}"`);
  const out = toNcrontab(cron);
  if (!out) throw new Error(`cron "${cron}" cannot run on Azure: ${ncrontabProblem(cron)}`);
  return out;
}

/**
 * A fixed rate as NCRONTAB, or `undefined` when no NCRONTAB fires at exactly that rate (e.g.
 * 7 minutes or 90 minutes: cron steps restart every hour/day). Validation should reject those.
 */
export function rateToNcrontab(rateMs: number): string | undefined {
  if (!Number.isInteger(rateMs) || rateMs <= 0 || rateMs % 1000 !== 0) return undefined;
  const s = rateMs / 1000;
  if (s < 60) return 60 % s === 0 ? `*/${s} * * * * *` : undefined;
  if (s % 60 !== 0) return undefined;
  const m = s / 60;
  if (m < 60) return 60 % m === 0 ? `0 */${m} * * * *` : undefined;
  if (m % 60 !== 0) return undefined;
  const h = m / 60;
  if (h < 24) return 24 % h === 0 ? `0 0 */${h} * * *` : undefined;
  return h === 24 ? '0 0 0 * * *' : undefined;
}

/** The NCRONTAB of a schedule event; throws when the rate cannot be expressed exactly. */
export function azureSchedule(spec: Pick<ScheduleEventSpec, 'cron' | 'rateMs' | 'expression'>): string {
  if (spec.cron) return cronToNcrontab(spec.cron);
  const rate = spec.rateMs === undefined ? undefined : rateToNcrontab(spec.rateMs);
  if (!rate) {
    throw new Error(
      `schedule "${spec.expression}" cannot run on Azure: a timer trigger (NCRONTAB) fires at exact divisions of a minute, hour or day; use e.g. rate(5 minutes) or a cron`,
    );
  }
  return rate;
}

/**
 * The registrations for a function: one per http path (methods merged), queue, schedule, and
 * one Event Grid trigger for all its storage events. A single registration takes the function's
 * name; several are named `<function>-<kind>-<n>`.
 */
export function planAzureTriggers(functionName: string, events: ReadonlyArray<EventSpec | RuntimeEventSpec>): AzureTrigger[] {
  const out: AzureTrigger[] = [];
  const byPath = new Map<string, HttpLike[]>();
  for (const e of events) if (e.kind === 'http') byPath.set(e.path, [...(byPath.get(e.path) ?? []), e]);
  for (const [path, evs] of byPath) {
    const methods: string[] = evs.some((e) => e.method === 'ANY') ? [...ALL_METHODS] : [...new Set(evs.map((e) => e.method))];
    // CORS is answered by the shim: the host must hand it the browsers' preflights (OPTIONS).
    if (evs.some((e) => (e as { cors?: unknown }).cors) && !methods.includes('OPTIONS')) methods.push('OPTIONS');
    out.push({ kind: 'http', name: '', route: toAzureRoute(path), methods, events: evs });
  }
  for (const e of events) {
    if (e.kind === 'queue') out.push({ kind: 'queue', name: '', queueName: `%${azureAppSettingName('queue', e.queue)}%`, event: e });
    if (e.kind === 'schedule' && e.enabled !== false) out.push({ kind: 'schedule', name: '', schedule: azureSchedule(e), event: e });
  }
  const storage = events.filter((e): e is StorageEventSpec => e.kind === 'storage');
  if (storage.length) out.push({ kind: 'storage', name: '', events: storage });
  const counts = new Map<string, number>();
  for (const t of out) {
    const n = (counts.get(t.kind) ?? 0) + 1;
    counts.set(t.kind, n);
    t.name = out.length === 1 ? functionName : `${functionName}-${t.kind}-${n}`;
  }
  return out;
}
