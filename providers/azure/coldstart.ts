import type { AdapterContext, ForcedColdStart, InvokeResult } from '../../src/core/adapter.js';
import type { Service } from '../../src/model/service.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { withBackoff } from '../../src/apply/backoff.js';
import { planAzureTriggers } from '../../templates/shims/common/azure-triggers.js';
import { call, callOrMissing } from './errors.js';
import { dataPlaneRequest } from './data-plane.js';
import { azureInvoke, session, spec } from './operations.js';
import type { Session } from './session.js';

/** Source of bench runs on azure: client-timed, and cold because they follow a restart (see sources.ts). */
export const RESTART_SOURCE = 'client measurement (Azure, first request after an app restart)';

/** Reads of the app's instance list after a restart before giving up (backoff 1 s doubling to 10 s: about 2 minutes). */
export const RESTART_WAIT_ATTEMPTS = 15;
const WAIT_BASE_MS = 1000;
const WAIT_MAX_MS = 10_000;

class OldInstancesLeft extends Error {}

/** The always-ready group a function's instances belong to on Flex Consumption (`http` or `function:<name>`). */
function groupOf(service: Service, fn: string): string {
  const trigger = planAzureTriggers(fn, spec(service, fn).events)[0];
  return !trigger || trigger.kind === 'http' ? 'http' : `function:${trigger.name}`;
}

/** The app's instance ids as Resource Manager lists them (`GET .../sites/<app>/instances`); reads the app not at all. */
async function instanceIds(s: Session, rg: string, app: string): Promise<string[]> {
  return call(`webApps listInstanceIdentifiers ${app}`, async () => {
    const ids: string[] = [];
    for await (const i of s.clients.web.webApps.listInstanceIdentifiers(rg, app)) ids.push(String(i.name ?? i.id ?? ''));
    return ids.filter(Boolean);
  });
}

/**
 * How long the host that answered has been up, from the Functions host status API
 * (`GET /admin/host/status` with the host key: `processUptime` in ms; see
 * https://learn.microsoft.com/azure/azure-functions/functions-host-json and the host's
 * HostStatus model). Read only after the timed request, so it never warms the app. Undefined
 * when the host does not say.
 */
async function hostUptimeMs(s: Session, host: string, masterKey: string, doing: string): Promise<number | undefined> {
  const res = await dataPlaneRequest(s.clients, doing, { method: 'GET', url: `https://${host}/admin/host/status`, headers: { 'x-functions-key': masterKey }, anonymous: true });
  if (res.status !== 200) return undefined;
  try {
    const up = (JSON.parse(res.body) as { processUptime?: unknown }).processUptime;
    return typeof up === 'number' && Number.isFinite(up) ? up : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Force a cold start on azure: restart the Function App with `webApps.restart(..., { synchronous:
 * true })` (a full restart, no `softRestart`; `synchronous` makes Resource Manager answer only once
 * the restart is done: https://learn.microsoft.com/rest/api/appservice/web-apps/restart), then wait,
 * through Resource Manager only, until none of the instances listed before the restart is listed
 * any more (`GET .../instances`, bounded backoff on the clients' sleep). The site's `state` is no
 * signal: it reads `Running` throughout a restart.
 *
 * The wait never calls the app itself: any request to the app's host would start the new instance,
 * and the measured invocation would then be warm. After the measured request, the host status API
 * says how long the host that served it has been up: a host older than the restart means the run
 * met an old instance, and it is not counted cold.
 *
 * The restart is app-wide: every function of the app restarts, and so do always-ready instances,
 * which the platform starts again on its own. A function whose group has always-ready instances
 * may be served by one that already finished starting, so its runs are not claimed cold.
 */
export async function azureForceColdStart(service: Service, fn: string, ctx: AdapterContext): Promise<ForcedColdStart> {
  spec(service, fn);
  const s = await session(service, ctx);
  const rg = s.names.resourceGroup;
  const app = s.names.app;
  const site = await callOrMissing(`webApps get ${app}`, () => s.clients.web.webApps.get(rg, app));
  if (!site) throw new SlsxError('FUNCTION_NOT_FOUND', `Function '${fn}' is not deployed to Azure (no Function App ${app} in ${rg}).`, { hint: 'Run `sls-x deploy --target azure` first.' });
  const host = site.defaultHostName ?? `${app}.azurewebsites.net`;
  const group = groupOf(service, fn);
  const ready = (site.functionAppConfig?.scaleAndConcurrency?.alwaysReady ?? []).find((a) => a.name === group)?.instanceCount ?? 0;
  const keys = await call(`webApps listHostKeys ${app}`, () => s.clients.web.webApps.listHostKeys(rg, app));
  const before = new Set(await instanceIds(s, rg, app));

  const restartedAt = Date.now();
  await call(`webApps restart ${app}`, () => s.clients.web.webApps.restart(rg, app, { synchronous: true }));
  let left: string[] = [];
  try {
    await withBackoff(
      async () => {
        left = (await instanceIds(s, rg, app)).filter((id) => before.has(id));
        if (left.length) throw new OldInstancesLeft(left.join(', '));
      },
      { attempts: RESTART_WAIT_ATTEMPTS, sleep: s.clients.sleep, baseMs: WAIT_BASE_MS, maxMs: WAIT_MAX_MS, retryIf: (err) => err instanceof OldInstancesLeft },
    );
  } catch (err) {
    if (!(err instanceof OldInstancesLeft)) throw err;
    throw new SlsxError('CLOUD_ERROR', `Function App ${app} still lists instance(s) from before its restart (${err.message}) after ${RESTART_WAIT_ATTEMPTS} reads.`, {
      hint: 'The app may keep always-ready instances or be busy: run the bench again, or look at the app in the Azure portal (Diagnose and solve problems).',
    });
  }

  const warmNote = ready > 0 ? `; '${group}' keeps ${ready} always-ready instance(s), which restart by themselves and may serve the run, so it is not claimed cold` : '';
  return {
    method: `app restart (webApps.restart of ${app}, synchronous, until its old instances are gone; then the first request after it): every function of the app and its always-ready instances restart too${warmNote}`,
    invoke: async (payload): Promise<InvokeResult> => {
      const out = await azureInvoke(service, fn, payload, ctx);
      const uptime = keys.masterKey ? await hostUptimeMs(s, host, keys.masterKey, `host status ${app}`) : undefined;
      // A host that has been up longer than the time since the restart began predates it.
      const oldHost = uptime !== undefined && uptime > Date.now() - restartedAt;
      return { ...out, record: { ...out.record, coldStart: ready === 0 && !oldHost, source: RESTART_SOURCE } };
    },
  };
}
