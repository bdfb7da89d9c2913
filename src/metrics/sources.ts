import type { TargetName } from '../model/service.js';

/** What each cold-start figure measures. Server-side init and client-side latency never share a column. */
export const MEASURES = {
  init: 'server-side init: starting a new instance and loading the handler module, as the platform times it (cold starts only)',
  coldLatency: 'client-side end-to-end latency of cold invocations: request in to response out, init included',
  warmLatency: 'client-side end-to-end latency of warm invocations: request in to response out',
} as const;

export type FigureKind = keyof typeof MEASURES;

/** Short column labels, each saying which side measured it. */
export const COLUMN = {
  init: 'init p50/p95 ms (server-side)',
  coldLatency: 'cold latency p50/p95 ms (client-side)',
  warmLatency: 'warm latency p50/p95 ms (client-side)',
} as const;

interface SourceDetail {
  init: string;
  /** Where client-side latency comes from, when this source has any. */
  latency?: string;
  /** Why this source has no client-side latency. */
  noLatency?: string;
}

/** Where a record's figures come from, keyed by InvocationRecord.source. */
const DETAILS: Record<string, SourceDetail> = {
  'local measurement': {
    init: 'local measurement: the local cloud times each new instance, worker start to handler module loaded',
    latency: 'local measurement: the local HTTP gateway, request in to response out (HTTP-triggered invocations only; `sls-x invoke` calls have none)',
    noLatency: 'local measurement: only HTTP-triggered invocations (through the local gateway) have client-side latency',
  },
  'AWS REPORT lines': {
    init: 'AWS REPORT lines: `Init Duration` of cold invocations, read from CloudWatch Logs',
    noLatency: 'AWS REPORT lines carry no client-side latency: `sls-x bench coldstart <fn> --target aws` measures and prints it for forced cold starts',
  },
  'GCP Cloud Logging (Cloud Run request logs)': {
    init: 'GCP Cloud Logging: no init time is logged; a cold start is the first request an instance serves after its start-up probe',
    latency: "GCP Cloud Logging: the request latency in Cloud Run's request logs, measured by Google's front end from request in to response out",
  },
  'client measurement (GCP invoke)': {
    init: 'client measurement: `sls-x invoke` on gcp has no server-side init figure',
    latency: 'client measurement: the HTTP call to the function (or the publish), timed by sls-x',
  },
  'client measurement (GCP forced cold start)': {
    init: 'none: GCP logs no init time, so `sls-x bench coldstart --target gcp` has no server-side init figure',
    latency: "client measurement: the HTTP call to the function's URL, the first request its new revision serves, timed by sls-x",
  },
  'client measurement (no REPORT line)': {
    init: 'client measurement: the invoke answer had no REPORT line, so no server-side init',
    latency: 'client measurement: the Lambda Invoke API round trip, timed by sls-x',
  },
  'client measurement (Azure, first request after an app restart)': {
    init: 'client measurement: Azure reports no server-side init to sls-x (none is shown)',
    latency: 'client measurement: the first request after `sls-x bench coldstart` restarted the Function App, timed by sls-x (instance start and host start included)',
  },
};

/** The "where" of one figure kind for one record source. */
export function describeSource(source: string, kind: FigureKind): string {
  const d = DETAILS[source];
  if (!d) return source;
  return kind === 'init' ? d.init : (d.latency ?? source);
}

/** Why a source has no client-side latency (undefined when it normally has some). */
export function missingLatency(source: string): string | undefined {
  return DETAILS[source]?.noLatency;
}

/** Targets with no invocation-record reader yet, and why. */
export const NO_READER_YET: Partial<Record<TargetName, string>> = {
  azure: 'Azure Application Insights records durations but no cold-start flag: sls-x does not read it yet',
};

/** Where `sls-x bench coldstart` times its client-side latency, per target. */
export const BENCH_LATENCY: Partial<Record<TargetName, string>> = {
  local: 'measured by sls-x around each invoke: the call to the local cloud and its answer',
  aws: 'measured by sls-x around each invoke: the Lambda Invoke API round trip (RequestResponse) from this machine, no API gateway',
  gcp: "measured by sls-x around each invoke: the HTTP call to the function's URL from this machine (the first request its new revision serves); GCP logs no init time, so init is unavailable",
  azure: 'measured by sls-x around the first invoke after each app restart: the HTTPS request to the app (HTTP functions) or the admin API until it accepts the run (other triggers), from this machine; no server-side init is reported',
};
