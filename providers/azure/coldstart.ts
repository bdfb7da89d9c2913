import type { AdapterContext, ForcedColdStart, InvokeResult } from '../../src/core/adapter.js';
import type { Service } from '../../src/model/service.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { withBackoff } from '../../src/apply/backoff.js';
import { planAzureTriggers } from '../../templates/shims/common/azure-triggers.js';
import { call, callOrMissing } from './errors.js';
import { azureInvoke, session, spec } from './operations.js';

/** Source of bench runs on azure: client-timed, and cold because they follow a restart (see sources.ts). */
export const RESTART_SOURCE = 'client measurement (Azure, first request after an app restart)';

/** Reads of the site's state after a restart before giving up (backoff 1 s doubling to 10 s: about 2 minutes). */
export const RESTART_WAIT_ATTEMPTS = 15;
const WAIT_BASE_MS = 1000;
const WAIT_MAX_MS = 10_000;

class NotRunningYet extends Error {}

/** The always-ready group a function's instances belong to on Flex Consumption (`http` or `function:<name>`). */
function groupOf(service: Service, fn: string): string {
  const trigger = planAzureTriggers(fn, spec(service, fn).events)[0];
  return !trigger || trigger.kind === 'http' ? 'http' : `function:${trigger.name}`;
}

/**
 * Force a cold start on azure: restart the Function App (`POST .../sites/<app>/restart`, the
 * ARM `webApps.restart`, a full restart: no `softRestart`), which stops the app's instances on
 * Flex Consumption as on other plans, then wait until Resource Manager reports the site
 * `Running` again, reading it through bounded backoff on the clients' sleep (no fixed sleep).
 *
 * The wait deliberately reads Resource Manager only and never calls the app itself: any request
 * to the app's host would start the new instance, and the measured invocation would then be warm.
 * The measured call is the first request after the restart, so its client-side latency includes
 * the instance start and the host's loading of the package. Azure reports no server-side init.
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
  const group = groupOf(service, fn);
  const ready = (site.functionAppConfig?.scaleAndConcurrency?.alwaysReady ?? []).find((a) => a.name === group)?.instanceCount ?? 0;

  await call(`webApps restart ${app}`, () => s.clients.web.webApps.restart(rg, app));
  try {
    await withBackoff(
      async () => {
        const now = await call(`webApps get ${app}`, () => s.clients.web.webApps.get(rg, app));
        if ((now.state ?? '').toLowerCase() !== 'running') throw new NotRunningYet(now.state ?? 'unknown');
      },
      { attempts: RESTART_WAIT_ATTEMPTS, sleep: s.clients.sleep, baseMs: WAIT_BASE_MS, maxMs: WAIT_MAX_MS, retryIf: (err) => err instanceof NotRunningYet },
    );
  } catch (err) {
    if (!(err instanceof NotRunningYet)) throw err;
    throw new SlsxError('CLOUD_ERROR', `Function App ${app} did not report Running after its restart (state: ${err.message}, ${RESTART_WAIT_ATTEMPTS} reads).`, {
      hint: 'Look at the app in the Azure portal (Overview, Diagnose and solve problems), then run the bench again.',
    });
  }

  const warmNote = ready > 0 ? `; '${group}' keeps ${ready} always-ready instance(s), which restart by themselves and may serve the run, so it is not claimed cold` : '';
  return {
    method: `app restart (webApps.restart of ${app}, then the first request after it): every function of the app and its always-ready instances restart too${warmNote}`,
    invoke: async (payload): Promise<InvokeResult> => {
      const out = await azureInvoke(service, fn, payload, ctx);
      return { ...out, record: { ...out.record, coldStart: ready === 0, source: RESTART_SOURCE } };
    },
  };
}
