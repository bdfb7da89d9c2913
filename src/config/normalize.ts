import { dirname } from 'node:path';
import {
  DEFAULT_CORS,
  corsOf,
  type BucketSpec, type CorsSpec, type EventSpec, type FunctionSpec, type HttpMethod, type JwtAuthSpec, type QueueSpec, type Service, type TableSpec, type TargetName, type TargetSettings, type TrafficProfile,
} from '../model/service.js';
import type { ConfigPath } from './positions.js';
import type { Reporter } from './report.js';
import type { RawConfig, RawEvent, RawFunction, RawTraffic } from './schema.js';
import { mergeBuild } from './build.js';
import { parseSchedule } from './schedule.js';
import { parseDuration, parseRequestRate, parseSize } from './units.js';

/** Defaults applied when the config says nothing. Documented in docs/faas-yaml.md. */
export const DEFAULTS = {
  stage: 'dev',
  target: 'local' as TargetName,
  runtime: 'node22' as const,
  memory: 512,
  timeoutMs: 10_000,
  architecture: 'arm64' as const,
  ephemeralStorage: 512,
  queue: { visibilityTimeoutMs: 30_000, maxRetries: 3, deadLetter: true, retentionMs: 4 * 86_400_000 },
  batchSize: 10,
  localIdleTimeoutMs: 300_000,
};

export interface Normalized {
  service: Service;
  /** Where each function / event / queue / bucket object came from (path in the pruned config). */
  origin: WeakMap<object, ConfigPath>;
}

/**
 * RawConfig (shape-valid) -> Service: every default applied, times in ms, memory in MB.
 * Problems of meaning found on the way (a bad cron, a fractional MB) are reported; the
 * offending event is left out so the rest can still be checked.
 */
export function normalize(raw: Partial<RawConfig>, where: { configFile: string; stage: string; target?: TargetName }, report: Reporter): Normalized {
  const origin = new WeakMap<object, ConfigPath>();
  const defaults = raw.defaults ?? {};
  const runtime = raw.runtime ?? DEFAULTS.runtime;

  const mb = (value: unknown, path: ConfigPath, fallback: number): number => {
    if (value === undefined) return fallback;
    const n = parseSize(value);
    if (n === undefined) return fallback;
    if (!Number.isInteger(n)) {
      report.error('invalid-value', `\`${path.join('.')}\` is ${n} MB; memory sizes are whole MB.`, { path, hint: `Use ${Math.ceil(n)} (or a size like \`1GB\`).` });
      return Math.ceil(n);
    }
    return n;
  };
  const ms = (value: unknown, fallback: number): number => (value === undefined ? fallback : (parseDuration(value) ?? fallback));

  const functions: FunctionSpec[] = [];
  for (const [name, fn] of Object.entries(raw.functions ?? {})) {
    const path = ['functions', name];
    const spec = normalizeFunction(name, fn, path);
    origin.set(spec, path);
    functions.push(spec);
  }

  function normalizeFunction(name: string, fn: RawFunction, path: ConfigPath): FunctionSpec {
    const [file, exportName] = splitHandler(fn.handler);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...(defaults.env ?? {}), ...(fn.env ?? {}) })) env[k] = String(v);
    const events: EventSpec[] = [];
    (fn.events ?? []).forEach((ev, i) => {
      const spec = normalizeEvent(ev, [...path, 'events', i]);
      if (spec) {
        origin.set(spec, [...path, 'events', i]);
        events.push(spec);
      }
    });
    return {
      name,
      handler: { file, export: exportName },
      runtime: fn.runtime ?? runtime,
      memory: mb(fn.memory, [...path, 'memory'], mb(defaults.memory, ['defaults', 'memory'], DEFAULTS.memory)),
      timeoutMs: ms(fn.timeout, ms(defaults.timeout, DEFAULTS.timeoutMs)),
      architecture: fn.architecture ?? defaults.architecture ?? DEFAULTS.architecture,
      env,
      secrets: [...new Set(fn.secrets ?? [])],
      concurrency: { ...(fn.concurrency?.max !== undefined ? { max: fn.concurrency.max } : {}), warm: fn.concurrency?.warm ?? 0 },
      ephemeralStorage: mb(fn.ephemeralStorage, [...path, 'ephemeralStorage'], DEFAULTS.ephemeralStorage),
      events,
      sends: [...new Set(fn.sends ?? [])],
      buckets: (fn.buckets ?? []).map((b) => (typeof b === 'string' ? { name: b, access: 'readwrite' as const } : { name: b.name, access: b.access ?? 'readwrite' })),
      ...(fn.tables?.length ? { tables: fn.tables.map((t) => (typeof t === 'string' ? { name: t, access: 'readwrite' as const } : { name: t.name, access: t.access ?? 'readwrite' })) } : {}),
      ...(fn.targets?.aws?.iam?.length || fn.targets?.azure?.roles?.length || fn.targets?.gcp?.roles?.length
        ? {
            extraIam: {
              ...(fn.targets?.aws?.iam?.length ? { aws: fn.targets.aws.iam.map((st) => ({ effect: st.effect ?? 'Allow' as const, actions: [...st.actions], resources: [...st.resources] })) } : {}),
              ...(fn.targets?.azure?.roles?.length ? { azure: fn.targets.azure.roles.map((r) => ({ role: r.role, scope: r.scope })) } : {}),
              ...(fn.targets?.gcp?.roles?.length ? { gcp: fn.targets.gcp.roles.map((r) => ({ role: r.role, resource: r.resource })) } : {}),
            },
          }
        : {}),
      ...(raw.build || fn.build ? { build: mergeBuild(raw.build, fn.build) } : {}),
    };
  }

  function normalizeEvent(ev: RawEvent, path: ConfigPath): EventSpec | undefined {
    const keys = Object.keys(ev);
    if (keys.length !== 1) return undefined; // reported by checks/events.ts
    if (ev.http !== undefined) {
      if (typeof ev.http === 'string') {
        const m = /^\s*(?:([A-Za-z]+)\s+)?(\/\S*)\s*$/.exec(ev.http);
        if (!m) {
          report.error('invalid-http', `HTTP event \`${ev.http}\` is not \`METHOD /path\`.`, { path: [...path, 'http'], hint: 'Write e.g. `http: GET /orders/{id}` or `http: { method: GET, path: /orders/{id} }`.' });
          return undefined;
        }
        const method = (m[1] ?? 'ANY').toUpperCase();
        if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'].includes(method)) {
          report.error('invalid-http', `\`${m[1]}\` is not an HTTP method.`, { path: [...path, 'http'], hint: 'Use GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY.' });
          return undefined;
        }
        return { kind: 'http', method: method as HttpMethod, path: m[2]!, cors: false };
      }
      return {
        kind: 'http',
        method: (ev.http.method ?? 'ANY').toUpperCase() as HttpMethod,
        path: ev.http.path,
        cors: normalizeCors(ev.http.cors),
        ...(ev.http.auth?.jwt ? { auth: { jwt: normalizeJwt(ev.http.auth.jwt) } } : {}),
      };
    }
    if (ev.queue !== undefined) {
      const q = typeof ev.queue === 'string' ? { name: ev.queue } : ev.queue;
      return { kind: 'queue', queue: q.name, batchSize: 'batchSize' in q && q.batchSize !== undefined ? q.batchSize : DEFAULTS.batchSize, batchWindowMs: ms('batchWindow' in q ? q.batchWindow : undefined, 0) };
    }
    if (ev.schedule !== undefined) {
      const s = typeof ev.schedule === 'string' ? { expression: ev.schedule } : ev.schedule;
      const exprPath = typeof ev.schedule === 'string' ? [...path, 'schedule'] : [...path, 'schedule', 'expression'];
      const parsed = parseSchedule(s.expression);
      if ('error' in parsed) {
        report.error('invalid-schedule', parsed.error, { path: exprPath, hint: parsed.hint });
        return undefined;
      }
      return {
        kind: 'schedule',
        expression: s.expression.trim(),
        ...(parsed.kind === 'cron' ? { cron: parsed.cron } : { rateMs: parsed.rateMs }),
        timezone: ('timezone' in s && s.timezone) || 'UTC',
        enabled: 'enabled' in s && s.enabled !== undefined ? s.enabled : true,
        ...('input' in s && s.input !== undefined ? { input: s.input } : {}),
      };
    }
    if (ev.storage !== undefined) {
      const s = typeof ev.storage === 'string' ? { bucket: ev.storage } : ev.storage;
      const on = 'on' in s && s.on !== undefined ? (Array.isArray(s.on) ? [...new Set(s.on)] : [s.on]) : ['created' as const];
      return {
        kind: 'storage',
        bucket: s.bucket,
        on,
        ...('prefix' in s && s.prefix ? { prefix: s.prefix } : {}),
        ...('suffix' in s && s.suffix ? { suffix: s.suffix } : {}),
      };
    }
    return undefined;
  }

  const queues: QueueSpec[] = Object.entries(raw.queues ?? {}).map(([name, q]) => {
    const spec: QueueSpec = {
      name,
      visibilityTimeoutMs: ms(q?.visibilityTimeout, DEFAULTS.queue.visibilityTimeoutMs),
      maxRetries: q?.maxRetries ?? DEFAULTS.queue.maxRetries,
      deadLetter: q?.deadLetter ?? DEFAULTS.queue.deadLetter,
      retentionMs: ms(q?.retention, DEFAULTS.queue.retentionMs),
    };
    origin.set(spec, ['queues', name]);
    return spec;
  });

  const buckets: BucketSpec[] = Object.entries(raw.buckets ?? {}).map(([name, b]) => {
    const spec: BucketSpec = b?.existing ? { name, existing: b.existing } : { name };
    origin.set(spec, ['buckets', name]);
    return spec;
  });

  const tables: TableSpec[] = Object.entries(raw.tables ?? {}).map(([name, t]) => {
    const spec: TableSpec = { name, key: t?.key ?? 'id' };
    origin.set(spec, ['tables', name]);
    return spec;
  });

  const traffic: Record<string, TrafficProfile> = {};
  const addTraffic = (name: string, t: RawTraffic) => {
    traffic[name] = {
      requestsPerMonth: parseRequestRate(t.requests) ?? 0,
      durationMs: parseDuration(t.duration) ?? 0,
      ...(t.memory !== undefined ? { memory: parseSize(t.memory) } : {}),
      ...(t.coldStartRate !== undefined ? { coldStartRate: t.coldStartRate } : {}),
      ...(t.init !== undefined ? { initMs: parseDuration(t.init) } : {}),
      ...(t.tableReads ? { tableReads: t.tableReads } : {}),
      ...(t.tableWrites ? { tableWrites: t.tableWrites } : {}),
    };
  };
  for (const [name, t] of Object.entries(raw.traffic ?? {})) addTraffic(name, t);
  for (const [name, fn] of Object.entries(raw.functions ?? {})) if (fn.traffic) addTraffic(name, fn.traffic);

  const service: Service = {
    service: raw.service ?? '',
    stage: where.stage,
    root: dirname(where.configFile),
    configFile: where.configFile,
    runtime,
    defaultTarget: raw.target ?? DEFAULTS.target,
    targets: normalizeTargets(raw.targets),
    functions,
    queues,
    buckets,
    ...(tables.length ? { tables } : {}),
    traffic,
    ...(raw.build ? { build: mergeBuild(raw.build, undefined) } : {}),
  };
  return { service, origin };
}

type RawHttpObject = Exclude<NonNullable<RawEvent['http']>, string>;

const unique = (xs: string[]): string[] => [...new Set(xs)];

/** `cors:` as written -> `false` or the full settings (`true` is DEFAULT_CORS). Meaning is checked in checks/http.ts. */
export function normalizeCors(raw: RawHttpObject['cors']): false | CorsSpec {
  if (raw === undefined || raw === false) return false;
  if (raw === true) return corsOf({ cors: true })!;
  const maxAgeMs = raw.maxAge === undefined ? undefined : parseDuration(raw.maxAge);
  return {
    origins: unique(raw.origins.map((o) => o.trim())),
    ...(raw.methods ? { methods: unique(raw.methods.map((m) => m.toUpperCase())) } : {}),
    headers: raw.headers ? unique(raw.headers.map((h) => h.trim().toLowerCase())) : [...DEFAULT_CORS.headers],
    exposeHeaders: unique((raw.exposeHeaders ?? []).map((h) => h.trim().toLowerCase())),
    credentials: raw.credentials ?? false,
    maxAgeS: maxAgeMs === undefined ? DEFAULT_CORS.maxAgeS : maxAgeMs / 1000,
  };
}

/** `auth.jwt` as written -> the audiences as a list, scopes always present. */
export function normalizeJwt(raw: NonNullable<RawHttpObject['auth']>['jwt']): JwtAuthSpec {
  return {
    issuer: raw.issuer.trim(),
    audience: unique(typeof raw.audience === 'string' ? [raw.audience] : raw.audience),
    scopes: unique(raw.scopes ?? []),
  };
}

/** `src/api.handler` -> [`src/api`, `handler`]; the file's extension is found on disk later. */
export function splitHandler(handler: string): [string, string] {
  const i = handler.lastIndexOf('.');
  if (i <= 0 || i === handler.length - 1 || handler.slice(i + 1).includes('/')) return [handler, ''];
  return [handler.slice(0, i), handler.slice(i + 1)];
}

function normalizeTargets(raw: RawConfig['targets']): Partial<Record<TargetName, TargetSettings>> {
  const out: Partial<Record<TargetName, TargetSettings>> = {};
  if (!raw) return out;
  const clean = (o: Record<string, unknown>): TargetSettings => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as TargetSettings;
  if (raw.aws) out.aws = clean({ region: raw.aws.region, account: raw.aws.account, profile: raw.aws.profile, logRetentionDays: raw.aws.logRetentionDays });
  if (raw.azure) out.azure = clean({ region: raw.azure.region, account: raw.azure.subscription, resourceGroup: raw.azure.resourceGroup, keyVault: raw.azure.keyVault, logRetentionDays: raw.azure.logRetentionDays });
  if (raw.gcp) out.gcp = clean({ region: raw.gcp.region, account: raw.gcp.project, logRetentionDays: raw.gcp.logRetentionDays });
  if (raw.local) {
    out.local = clean({ port: raw.local.port, idleTimeoutMs: raw.local.idleTimeout !== undefined ? parseDuration(raw.local.idleTimeout) : DEFAULTS.localIdleTimeoutMs });
  }
  return out;
}
