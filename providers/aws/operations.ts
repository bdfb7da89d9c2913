import { randomUUID } from 'node:crypto';
import type { AdapterContext, ForcedColdStart, InvokeResult } from '../../src/core/adapter.js';
import type { InvocationRecord, LogLine } from '../../src/model/invocation.js';
import type { FunctionSpec, Service } from '../../src/model/service.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { waitOptions } from './clients.js';
import { call, isNotFound, mapAwsError } from './errors.js';
import { parseLogEvent, parseReportLine, reportToRecord } from './report.js';
import { resolveRegion } from './preflight.js';
import { openSession, type Session } from './session.js';

/** Polls of `logs --follow` before it stops by itself (about an hour at the default 2 s). */
export const FOLLOW_MAX_POLLS = 1800;
export const FOLLOW_INTERVAL_MS = 2000;
/** Pages read per query, so a huge log group cannot keep a command busy forever. */
const MAX_PAGES = 50;

export async function session(service: Service, ctx: AdapterContext): Promise<Session> {
  const region = resolveRegion(service, ctx.env);
  const profile = service.targets.aws?.profile;
  return openSession(ctx, { target: 'aws', service: service.service, stage: service.stage, region }, undefined, typeof profile === 'string' ? profile : undefined);
}

function spec(service: Service, fn: string): FunctionSpec {
  const found = service.functions.find((f) => f.name === fn);
  if (!found) {
    throw new SlsxError('FUNCTION_NOT_FOUND', `There is no function '${fn}' in ${service.configFile}.`, {
      hint: `Functions: ${service.functions.map((f) => f.name).join(', ') || '(none)'}.`,
    });
  }
  return found;
}

/** Invoke a deployed function (its `live` alias when it keeps warm instances) and read the REPORT figures from the log tail. */
export async function awsInvoke(service: Service, fn: string, payload: unknown, ctx: AdapterContext): Promise<InvokeResult> {
  return invokeOnce(service, fn, payload, ctx, false);
}

/** One RequestResponse invoke; `latest` calls `$LATEST` even when callers go through the warm alias. */
async function invokeOnce(service: Service, fn: string, payload: unknown, ctx: AdapterContext, latest: boolean): Promise<InvokeResult> {
  const f = spec(service, fn);
  const s = await session(service, ctx);
  const { InvokeCommand } = await import('@aws-sdk/client-lambda');
  const name = s.names.functionName(fn);
  const started = ctx.now().getTime();
  let res;
  try {
    res = await s.clients.lambda.send(
      new InvokeCommand({
        FunctionName: name,
        ...(f.concurrency.warm > 0 && !latest ? { Qualifier: s.names.alias } : {}),
        InvocationType: 'RequestResponse',
        LogType: 'Tail',
        Payload: Buffer.from(JSON.stringify(payload ?? {})),
      }),
    );
  } catch (err) {
    if (isNotFound(err)) {
      throw new SlsxError('FUNCTION_NOT_FOUND', `Function '${fn}' is not deployed to AWS (${name} in ${s.region}).`, { hint: 'Run `sls-x deploy --target aws` first.' });
    }
    throw mapAwsError(err, `lambda:Invoke ${name}`);
  }
  const ended = ctx.now().getTime();
  const tail = res.LogResult ? Buffer.from(res.LogResult, 'base64').toString('utf8') : '';
  const logs = tail.split('\n').filter((l) => l.trim() !== '').map((l) => parseLogEvent(l, ended, fn));
  const text = res.Payload ? Buffer.from(res.Payload).toString('utf8') : '';
  let result: unknown = text;
  try {
    result = text === '' ? undefined : JSON.parse(text);
  } catch {
    // a non-JSON payload is shown as text
  }
  const reportLine = tail.split('\n').find((l) => l.startsWith('REPORT '));
  const report = reportLine ? parseReportLine(reportLine) : undefined;
  const error = res.FunctionError ? (result as { errorMessage?: string })?.errorMessage ?? res.FunctionError : undefined;
  const base: Partial<InvocationRecord> = { trigger: 'invoke', latencyMs: ended - started, ...(error ? { error } : {}) };
  const record: InvocationRecord = report
    ? reportToRecord(report, fn, ended, base)
    : { target: 'aws', function: fn, requestId: res.$metadata?.requestId ?? '', startedAt: started, coldStart: false, durationMs: ended - started, billedMs: 0, memoryMb: f.memory, outcome: 'ok', source: 'client measurement (no REPORT line)', ...base };
  if (error && record.outcome === 'ok') record.outcome = /timed out/i.test(error) ? 'timeout' : 'error';
  return { result, record, logs };
}

/** The variable whose change forces new execution environments; removed again by cleanup. */
export const COLDSTART_NONCE = 'SLSX_COLDSTART_NONCE';

/** Set the function's environment (all other configuration untouched) and wait until the update is done. */
async function setVariables(s: Session, name: string, variables: Record<string, string>): Promise<void> {
  const lambda = await import('@aws-sdk/client-lambda');
  await call(`lambda:UpdateFunctionConfiguration ${name}`, () =>
    s.clients.lambda.send(new lambda.UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: variables } })),
  );
  const w = waitOptions(s.clients);
  try {
    await lambda.waitUntilFunctionUpdatedV2({ client: s.clients.lambda, minDelay: w.minDelay, maxDelay: w.maxDelay, maxWaitTime: w.maxWaitTime }, { FunctionName: name });
  } catch (err) {
    throw new SlsxError('CLOUD_ERROR', `Lambda function ${name} did not finish its configuration update: ${(err as Error).message}`, {
      hint: 'Look at the function in the Lambda console (LastUpdateStatusReason), then run the bench again.',
      cause: err,
    });
  }
}

/** The function's current environment variables (`$LATEST`). */
async function currentVariables(s: Session, name: string, fn: string): Promise<Record<string, string>> {
  const lambda = await import('@aws-sdk/client-lambda');
  try {
    const cfg = await s.clients.lambda.send(new lambda.GetFunctionConfigurationCommand({ FunctionName: name }));
    return { ...(cfg.Environment?.Variables ?? {}) };
  } catch (err) {
    if (isNotFound(err)) {
      throw new SlsxError('FUNCTION_NOT_FOUND', `Function '${fn}' is not deployed to AWS (${name} in ${s.region}).`, { hint: 'Run `sls-x deploy --target aws` first.' });
    }
    throw mapAwsError(err, `lambda:GetFunctionConfiguration ${name}`);
  }
}

/**
 * Force a cold start: Lambda starts new execution environments after any configuration change,
 * so set `SLSX_COLDSTART_NONCE` to a new value (every other variable kept as it is), wait for the
 * update (`waitUntilFunctionUpdatedV2`), and invoke `$LATEST`. A function with warm instances is
 * invoked on `$LATEST` too: its alias points at a published version, which cannot change, and the
 * same code and configuration run on both. `cleanup` removes the nonce again (one more update),
 * so the deployed configuration matches faas.yaml and the next plan shows no drift.
 */
export async function awsForceColdStart(service: Service, fn: string, ctx: AdapterContext): Promise<ForcedColdStart> {
  spec(service, fn);
  const s = await session(service, ctx);
  const name = s.names.functionName(fn);
  const variables = await currentVariables(s, name, fn);
  await setVariables(s, name, { ...variables, [COLDSTART_NONCE]: randomUUID() });
  return {
    method: `configuration change (${COLDSTART_NONCE} on ${name}, then invoke $LATEST)`,
    invoke: (payload) => invokeOnce(service, fn, payload, ctx, true),
    cleanup: async () => {
      const now = await currentVariables(s, name, fn);
      if (!(COLDSTART_NONCE in now)) return;
      delete now[COLDSTART_NONCE];
      await setVariables(s, name, now);
    },
  };
}

async function* filterEvents(s: Session, logGroup: string, startTime: number | undefined, filterPattern: string | undefined): AsyncGenerator<{ id: string; time: number; message: string }> {
  const { FilterLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    let res;
    try {
      res = await s.clients.logs.send(
        new FilterLogEventsCommand({ logGroupName: logGroup, ...(startTime !== undefined ? { startTime } : {}), ...(filterPattern ? { filterPattern } : {}), ...(token ? { nextToken: token } : {}) }),
      );
    } catch (err) {
      if (isNotFound(err)) return;
      throw mapAwsError(err, `logs:FilterLogEvents ${logGroup}`);
    }
    for (const e of res.events ?? []) yield { id: e.eventId ?? `${e.timestamp}:${e.message}`, time: e.timestamp ?? 0, message: e.message ?? '' };
    token = res.nextToken || undefined;
    if (!token) return;
  }
}

/** A function's log lines since `sinceMs` ago; with `follow`, polls (bounded) until aborted. */
export async function* awsLogs(service: Service, fn: string, options: { follow: boolean; sinceMs?: number; signal?: AbortSignal }, ctx: AdapterContext): AsyncIterable<LogLine> {
  spec(service, fn);
  const s = await session(service, ctx);
  const group = s.names.logGroup(fn);
  const seen = new Set<string>();
  let start = options.sinceMs !== undefined ? ctx.now().getTime() - options.sinceMs : undefined;
  const { sleep } = waitOptions(s.clients);
  for (let poll = 0; poll < (options.follow ? FOLLOW_MAX_POLLS : 1); poll++) {
    if (options.signal?.aborted) return;
    for await (const e of filterEvents(s, group, start, undefined)) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      start = Math.max(start ?? 0, e.time);
      yield parseLogEvent(e.message, e.time, fn);
    }
    if (!options.follow || options.signal?.aborted) return;
    await sleep(FOLLOW_INTERVAL_MS);
  }
}

/** Every REPORT line of the service's functions since `sinceMs` ago, as InvocationRecords. */
export async function awsInvocations(service: Service, options: { sinceMs?: number; fn?: string }, ctx: AdapterContext): Promise<InvocationRecord[]> {
  if (options.fn) spec(service, options.fn);
  const s = await session(service, ctx);
  const start = options.sinceMs !== undefined ? ctx.now().getTime() - options.sinceMs : undefined;
  const fns = service.functions.filter((f) => !options.fn || f.name === options.fn);
  const out: InvocationRecord[] = [];
  await Promise.all(
    fns.map(async (f) => {
      for await (const e of filterEvents(s, s.names.logGroup(f.name), start, '"REPORT RequestId"')) {
        const r = parseReportLine(e.message);
        if (r) out.push(reportToRecord(r, f.name, e.time));
      }
    }),
  );
  return out.sort((a, b) => a.startedAt - b.startedAt);
}
