import { randomUUID } from 'node:crypto';
import type { AdapterContext, InvokeResult } from '../../src/core/adapter.js';
import type { InvocationRecord, LogLine } from '../../src/model/invocation.js';
import type { FunctionSpec, Service } from '../../src/model/service.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { waitOptions, type LogEntry } from './clients.js';
import { call } from './errors.js';
import { functionUrl } from './outputs.js';
import { resolveProject, resolveRegion } from './preflight.js';
import { openSession, resolve, type Session } from './session.js';

export const FOLLOW_MAX_POLLS = 1800;
export const FOLLOW_INTERVAL_MS = 2000;
export const SOURCE = 'GCP Cloud Logging (Cloud Run request logs)';

/** A session without the plan-time checks: operations only read, or call what is deployed. */
export async function session(service: Service, ctx: AdapterContext): Promise<Session> {
  return openSession(ctx, {
    project: resolveProject(service, ctx.env),
    projectNumber: '',
    region: resolveRegion(service, ctx.env),
    service: service.service,
    stage: service.stage,
    external: { buckets: [], secrets: [] },
  });
}

export function spec(service: Service, fn: string): FunctionSpec {
  const found = service.functions.find((f) => f.name === fn);
  if (!found) throw new SlsxError('FUNCTION_NOT_FOUND', `There is no function '${fn}' in ${service.configFile}.`, { hint: `Functions: ${service.functions.map((f) => f.name).join(', ') || '(none)'}.` });
  return found;
}

/** How `bench coldstart` calls a function it just forced cold (see coldstart.ts). */
export interface ForcedInvoke {
  /** The function's URL, read from the update's result, so no lookup runs inside the timed call. */
  url: string;
  /** The record's source: the request is the first one a new revision serves. */
  source: string;
  /** Trace id sent in `X-Cloud-Trace-Context`, to find the request in Cloud Logging afterwards. */
  traceId?: string;
}

/**
 * Cloud Run logs why each instance started: `Starting new instance. Reason: AUTOSCALING - ...`
 * (traffic needed it), `DEPLOYMENT_ROLLOUT` (a new revision was rolled out),
 * `MANUAL_OR_CUSTOMER_MIN_INSTANCE` (min instances). Only AUTOSCALING starts are cold starts a
 * user waits for. https://cloud.google.com/run/docs/logging#instance-start
 */
export const INSTANCE_START = 'Starting new instance';
const START_REASON = /Starting new instance\. Reason: ([A-Z_]+)/;

/** Each instance's start reason, from the start lines among `entries`. */
export function startReasons(entries: LogEntry[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of entries) {
    const m = START_REASON.exec(e.textPayload ?? (typeof e.jsonPayload?.message === 'string' ? e.jsonPayload.message : ''));
    const instance = e.labels?.instanceId;
    if (m && instance) out.set(instance, m[1]!);
  }
  return out;
}

function record(f: FunctionSpec, startedAt: number, ms: number, ok: boolean, requestId: string, error?: string, forced?: ForcedInvoke): InvocationRecord {
  return { target: 'gcp', function: f.name, requestId, startedAt, coldStart: !!forced, durationMs: ms, billedMs: Math.ceil(ms / 100) * 100, memoryMb: f.memory, latencyMs: ms, outcome: ok ? 'ok' : 'error', trigger: 'invoke', ...(error ? { error } : {}), source: forced?.source ?? 'client measurement (GCP invoke)' };
}

interface HttpPayload {
  method?: string;
  path?: string;
  pathParams?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * Invoke a deployed function: an HTTP function through its URL (payload `{ method, path,
 * headers, body }`, or a JSON body to its first route); a queue function by publishing the
 * payload to its topic; a scheduled function by calling it as Cloud Scheduler does (with an
 * identity token). Storage functions take events only from their bucket.
 */
export async function gcpInvoke(service: Service, fn: string, payload: unknown, ctx: AdapterContext): Promise<InvokeResult> {
  return invokeFunction(service, fn, payload, ctx);
}

/** `gcpInvoke`, or with `forced` the call right after a forced cold start (a known URL, the record marked cold). */
export async function invokeFunction(service: Service, fn: string, payload: unknown, ctx: AdapterContext, forced?: ForcedInvoke): Promise<InvokeResult> {
  const f = spec(service, fn);
  const s = await session(service, ctx);
  const started = ctx.now().getTime();
  const t0 = performance.now();
  const http = f.events.find((e) => e.kind === 'http');
  const queue = f.events.find((e) => e.kind === 'queue');
  if (!http && queue && queue.kind === 'queue') {
    const topic = resolve(s.names.topicPath(queue.queue), s);
    const [res] = await call(`pubsub.topics.publish ${topic}`, () => s.clients.publisher.publish({ topic, messages: [{ data: Buffer.from(JSON.stringify(payload ?? {})) }] }));
    const id = res.messageIds?.[0] ?? randomUUID();
    return { result: { published: id, topic }, record: record(f, started, performance.now() - t0, true, id), logs: [] };
  }
  if (!http && !f.events.some((e) => e.kind === 'schedule') && f.events.length > 0) {
    throw new SlsxError('TARGET_NOT_AVAILABLE', `'${fn}' is triggered by its bucket only (its ingress is internal), so sls-x cannot call it directly on GCP.`, { hint: 'Upload a file to the bucket to trigger it, or test it on the local target.' });
  }
  const base = forced?.url ?? (await functionUrl(s, fn));
  const p = (payload && typeof payload === 'object' && ('path' in payload || 'method' in payload || 'pathParams' in payload) ? payload : { body: payload }) as HttpPayload;
  const method = (p.method ?? (http && http.kind === 'http' && http.method !== 'ANY' ? http.method : 'POST')).toUpperCase();
  // Without a path, the first route's template with its parameters filled (by name when not given), as the local target does.
  const path = p.path ?? (http && http.kind === 'http' ? http.path.replace(/\{([^}+]+)\+?\}/g, (_m, name: string) => encodeURIComponent(p.pathParams?.[name] ?? name)) : '/');
  const headers: Record<string, string> = { ...(p.headers ?? {}) };
  if (forced?.traceId) headers['x-cloud-trace-context'] = `${forced.traceId}/1;o=1`;
  const body = method === 'GET' || method === 'HEAD' || p.body === undefined ? undefined : typeof p.body === 'string' ? p.body : JSON.stringify(p.body);
  if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  // Private functions (scheduled ones): an identity token for their URL, as Cloud Scheduler sends.
  if (!http && s.clients.http.idToken) headers.authorization = `Bearer ${await call(`identity token for ${base}`, () => (s.clients.http.idToken as (a: string) => Promise<string>)(base))}`;
  const res = await call(`${method} ${base}${path}`, () => s.clients.http.request(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) }));
  const ms = performance.now() - t0;
  const requestId = res.headers['function-execution-id'] ?? res.headers['x-cloud-trace-context']?.split('/')[0] ?? randomUUID();
  let parsed: unknown = res.text;
  try {
    parsed = JSON.parse(res.text);
  } catch {
    // Not JSON: shown as text.
  }
  const ok = res.status < 500;
  return { result: { status: res.status, body: parsed }, record: record(f, started, ms, ok, requestId, ok ? undefined : `HTTP ${res.status}`, forced), logs: [] };
}

const SEVERITY: Record<string, LogLine['level']> = { DEBUG: 'debug', INFO: 'info', NOTICE: 'info', DEFAULT: 'info', WARNING: 'warn', ERROR: 'error', CRITICAL: 'error', ALERT: 'error', EMERGENCY: 'error' };

function millis(t: LogEntry['timestamp']): number {
  if (!t) return 0;
  if (typeof t === 'string') return Date.parse(t);
  return Number(t.seconds ?? 0) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6);
}

function seconds(d: { seconds?: number | string | null; nanos?: number | null } | string | null | undefined): number {
  if (!d) return 0;
  if (typeof d === 'string') return Number.parseFloat(d) || 0;
  return Number(d.seconds ?? 0) + Number(d.nanos ?? 0) / 1e9;
}

export function filterFor(s: Session, names: string[], sinceMs: number, extra = ''): string {
  const services = names.map((n) => `"${n}"`).join(' OR ');
  return `resource.type="cloud_run_revision" AND resource.labels.service_name=(${services}) AND timestamp>="${new Date(sinceMs).toISOString()}"${extra ? ` AND ${extra}` : ''}`;
}

export async function entries(s: Session, filter: string): Promise<LogEntry[]> {
  const [list] = await call('logging.entries.list', () => s.clients.logging.listLogEntries({ resourceNames: [`projects/${s.project}`], filter, orderBy: 'timestamp asc', pageSize: 1000 }));
  return list;
}

function toLine(fn: string, e: LogEntry): LogLine {
  const message = e.textPayload ?? (typeof e.jsonPayload?.message === 'string' ? e.jsonPayload.message : JSON.stringify(e.jsonPayload ?? {}));
  return { time: millis(e.timestamp), function: fn, requestId: e.labels?.execution_id ?? undefined, level: SEVERITY[String(e.severity ?? 'DEFAULT')] ?? 'info', message };
}

/** The function's log lines (stdout/stderr of its instances) from Cloud Logging; `follow` polls until aborted. */
export async function* gcpLogs(service: Service, fn: string, options: { follow: boolean; sinceMs?: number; signal?: AbortSignal }, ctx: AdapterContext): AsyncIterable<LogLine> {
  spec(service, fn);
  const s = await session(service, ctx);
  const name = s.names.functionName(fn);
  let since = ctx.now().getTime() - (options.sinceMs ?? 3_600_000);
  const seen = new Set<string>();
  for (let poll = 0; poll < (options.follow ? FOLLOW_MAX_POLLS : 1); poll++) {
    if (options.signal?.aborted) return;
    for (const e of await entries(s, filterFor(s, [name], since, 'NOT log_id("run.googleapis.com/requests")'))) {
      const line = toLine(fn, e);
      const key = `${line.time}:${line.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      since = Math.max(since, line.time);
      yield line;
    }
    if (options.follow) await waitOptions(s.clients).sleep(FOLLOW_INTERVAL_MS);
  }
}

/**
 * Invocation records from Cloud Run's request logs (one per HTTP request or event delivery,
 * with its latency). A request is a cold start when it is the first one an instance served and
 * that instance started for traffic (`Reason: AUTOSCALING` in the window); GCP logs no init time,
 * so initMs stays unset.
 */
export async function gcpInvocations(service: Service, options: { sinceMs?: number; fn?: string }, ctx: AdapterContext): Promise<InvocationRecord[]> {
  const s = await session(service, ctx);
  const fns = service.functions.filter((f) => !options.fn || f.name === options.fn);
  if (fns.length === 0) return [];
  const byName = new Map(fns.map((f) => [s.names.functionName(f.name), f]));
  const since = ctx.now().getTime() - (options.sinceMs ?? 3_600_000);
  const all = await entries(s, filterFor(s, [...byName.keys()], since, `(log_id("run.googleapis.com/requests") OR textPayload:"${INSTANCE_START}")`));
  const reasons = startReasons(all);
  const served = new Set<string>();
  const out: InvocationRecord[] = [];
  for (const e of all) {
    if (!e.httpRequest) continue;
    const f = byName.get(String(e.resource?.labels?.service_name ?? ''));
    if (!f) continue;
    const instance = e.labels?.instanceId ?? '';
    // Cold: the first request of an instance started for traffic. Rollout and min-instance starts
    // happen before any request waits on them, and an instance whose start is out of the window is unknown.
    const cold = !served.has(instance) && reasons.get(instance) === 'AUTOSCALING';
    served.add(instance);
    const ms = seconds(e.httpRequest.latency) * 1000;
    const status = Number(e.httpRequest.status ?? 200);
    out.push({
      target: 'gcp',
      function: f.name,
      requestId: String(e.trace ?? e.labels?.execution_id ?? `${instance}:${millis(e.timestamp)}`),
      startedAt: millis(e.timestamp),
      coldStart: cold,
      durationMs: ms,
      billedMs: Math.ceil(ms / 100) * 100,
      memoryMb: f.memory,
      latencyMs: ms,
      outcome: status === 429 ? 'throttled' : status >= 500 ? 'error' : 'ok',
      source: SOURCE,
    });
  }
  return out;
}
