import { randomUUID } from 'node:crypto';
import type { AdapterContext, ForcedColdStart } from '../../src/core/adapter.js';
import type { Service } from '../../src/model/service.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { finished } from './apply/function.js';
import type { GcfFunction } from './clients.js';
import { call } from './errors.js';
import { getFunction } from './observe.js';
import { entries, filterFor, INSTANCE_START, invokeFunction, session, spec, startReasons } from './operations.js';
import { waitOptions } from './clients.js';
import { withBackoff } from '../../src/apply/backoff.js';
import { resolve, type Session } from './session.js';

/** The variable whose change makes a new revision (new instances); removed again by cleanup. */
export const COLDSTART_NONCE = 'SLSX_COLDSTART_NONCE';
/** InvocationRecord.source of a forced run (described in src/metrics/sources.ts). */
export const FORCED_SOURCE = 'client measurement (GCP forced cold start)';

const ENV_PATH = 'service_config.environment_variables';
const MIN_PATH = 'service_config.min_instance_count';

/**
 * Min instance counts as they were before this command's first forcing, per function. Keyed by
 * the session (one per AdapterContext, so nothing outlives the command): the first run sets the
 * count to 0, later runs read 0, and cleanup must put back the first value.
 */
const originalMin = new WeakMap<Session, Map<string, number>>();

/** Patch only the given service_config fields of `current` and await the operation through `promise()`. */
async function patch(s: Session, current: GcfFunction, serviceConfig: NonNullable<GcfFunction['serviceConfig']>, paths: string[]): Promise<GcfFunction> {
  const name = String(current.name);
  const doing = `cloudfunctions.functions.patch ${name}`;
  const [op] = await call(doing, () => s.clients.functions.updateFunction({ function: { name, serviceConfig }, updateMask: { paths } }));
  return finished(doing, op);
}

async function deployed(s: Session, fn: string): Promise<GcfFunction> {
  const name = resolve(s.names.functionPath(fn), s);
  const got = await getFunction(s, name);
  if (!got) throw new SlsxError('FUNCTION_NOT_FOUND', `Function '${fn}' is not deployed to GCP (${s.names.functionName(fn)} in ${s.project}/${s.region}).`, { hint: 'Run `sls-x deploy --target gcp` first.' });
  return got;
}

/** Reads of Cloud Logging for the timed request before its run is left uncounted (backoff 1 s to 8 s: about 30 s). */
export const CONFIRM_ATTEMPTS = 6;

/**
 * Whether the timed request met a new instance: find it in Cloud Run's request log by the trace
 * id it carried, then its instance's start line. Cold only when it was that instance's first
 * request and the instance started for traffic (AUTOSCALING); after a rollout the first request
 * usually lands on an instance the rollout started (`DEPLOYMENT_ROLLOUT`), which is warm by then.
 * Logs arrive with a delay: bounded reads with backoff on the clients' sleep; never found, not cold.
 */
async function instanceStart(s: Session, name: string, traceId: string, sinceMs: number): Promise<{ cold: boolean; reason?: string }> {
  class NotYet extends Error {}
  try {
    return await withBackoff(
      async () => {
        const all = await entries(s, filterFor(s, [name], sinceMs - 60_000, `(log_id("run.googleapis.com/requests") OR textPayload:"${INSTANCE_START}")`));
        const mine = all.find((e) => e.httpRequest && (e.trace ?? '').endsWith(`/${traceId}`));
        const instance = mine?.labels?.instanceId;
        const reason = instance ? startReasons(all).get(instance) : undefined;
        if (!mine || !instance || !reason) throw new NotYet();
        const first = all.find((e) => e.httpRequest && e.labels?.instanceId === instance) === mine;
        return { cold: first && reason === 'AUTOSCALING', reason };
      },
      { attempts: CONFIRM_ATTEMPTS, sleep: waitOptions(s.clients).sleep, baseMs: 1000, maxMs: 8000, retryIf: (err) => err instanceof NotYet },
    );
  } catch (err) {
    if (err instanceof NotYet) return { cold: false };
    throw err;
  }
}

/**
 * Force a cold start on Cloud Functions (2nd gen): a new revision starts new instances, so set
 * `SLSX_COLDSTART_NONCE` to a new value (updateMask `service_config.environment_variables`, every
 * other variable sent back as it is), await the operation, then call the function at the URL the
 * update returned. Min instances would serve the call warm, so a function with any is also set to
 * 0 for the bench (mask `service_config.min_instance_count`, as AWS calls `$LATEST` past its warm
 * alias). `cleanup` removes the nonce and puts min instances back in one update, so the next plan
 * shows no drift. GCP logs no init time: runs carry client-side latency only.
 */
export async function gcpForceColdStart(service: Service, fn: string, ctx: AdapterContext): Promise<ForcedColdStart> {
  const f = spec(service, fn);
  // A queue or storage function is reached through Pub/Sub or its bucket: the time to publish says nothing about its start.
  if (!f.events.some((e) => e.kind === 'http' || e.kind === 'schedule')) {
    throw new SlsxError('TARGET_NOT_AVAILABLE', `\`sls-x bench coldstart\` on gcp calls the function at its URL; '${fn}' has no HTTP or schedule event, so its latency cannot be timed.`, {
      hint: 'Bench an HTTP function, or this one on local or aws.',
    });
  }
  const s = await session(service, ctx);
  const current = await deployed(s, fn);
  const env = { ...(current.serviceConfig?.environmentVariables ?? {}) };
  const mins = originalMin.get(s) ?? new Map<string, number>();
  originalMin.set(s, mins);
  if (!mins.has(fn)) mins.set(fn, Number(current.serviceConfig?.minInstanceCount ?? 0));
  const warm = mins.get(fn)! > 0;
  const updated = await patch(
    s,
    current,
    { environmentVariables: { ...env, [COLDSTART_NONCE]: randomUUID() }, ...(warm ? { minInstanceCount: 0 } : {}) },
    warm ? [ENV_PATH, MIN_PATH] : [ENV_PATH],
  );
  const url = String(updated.url ?? updated.serviceConfig?.uri ?? current.url ?? current.serviceConfig?.uri ?? resolve(s.names.functionUrl(fn), s)).replace(/\/+$/, '');
  const name = s.names.functionName(fn);
  const forcedAt = ctx.now().getTime();
  return {
    method: `new revision (${COLDSTART_NONCE} on ${name}${warm ? `, min instances ${mins.get(fn)} -> 0 for the bench` : ''}, then call its URL; a run counts cold only when Cloud Logging shows it was the first request of an instance started for traffic (AUTOSCALING), not by the rollout; GCP logs no init time)`,
    invoke: async (payload) => {
      const traceId = randomUUID().replace(/-/g, '');
      const out = await invokeFunction(service, fn, payload, ctx, { url, source: FORCED_SOURCE, traceId });
      const start = await instanceStart(s, name, traceId, forcedAt);
      return { ...out, record: { ...out.record, coldStart: start.cold } };
    },
    cleanup: async () => {
      const now = await deployed(s, fn);
      const vars = { ...(now.serviceConfig?.environmentVariables ?? {}) };
      const min = mins.get(fn) ?? 0;
      const minBack = Number(now.serviceConfig?.minInstanceCount ?? 0) !== min;
      if (!(COLDSTART_NONCE in vars) && !minBack) return;
      delete vars[COLDSTART_NONCE];
      await patch(s, now, { environmentVariables: vars, ...(minBack ? { minInstanceCount: min } : {}) }, minBack ? [ENV_PATH, MIN_PATH] : [ENV_PATH]);
      mins.delete(fn);
    },
  };
}
