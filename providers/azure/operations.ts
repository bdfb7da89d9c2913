import { randomUUID } from 'node:crypto';
import type { AdapterContext, InvokeResult } from '../../src/core/adapter.js';
import type { FunctionSpec, Service } from '../../src/model/service.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { planAzureTriggers } from '../../templates/shims/common/azure-triggers.js';
import { call, callOrMissing } from './errors.js';
import { dataPlaneRequest } from './data-plane.js';
import { appMemory, namesOf } from './desired.js';
import { resolveRegion, resolveSubscription } from './preflight.js';
import { openSession, scopeAccount, type Session } from './session.js';

export async function session(service: Service, ctx: AdapterContext): Promise<Session> {
  const names = namesOf(service);
  return openSession(ctx, {
    target: 'azure',
    service: service.service,
    stage: service.stage,
    region: resolveRegion(service, ctx.env),
    account: scopeAccount(resolveSubscription(service, ctx.env), names.resourceGroup),
  });
}

export function spec(service: Service, fn: string): FunctionSpec {
  const found = service.functions.find((f) => f.name === fn);
  if (!found) throw new SlsxError('FUNCTION_NOT_FOUND', `There is no function '${fn}' in ${service.configFile}.`, { hint: `Functions: ${service.functions.map((f) => f.name).join(', ') || '(none)'}.` });
  return found;
}

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/**
 * Invoke a deployed function. HTTP functions: a real request to the app's host name
 * (`{ method, path, query, headers, body }` from --data, defaults from the first route), the
 * response as the result. Other triggers: the Functions admin API (`POST /admin/functions/<name>`
 * with the app's master key, read through ARM), which queues one run and answers 202: the
 * result is that acceptance, the handler's output goes to the app's logs. Figures are measured
 * by the client (no Application Insights query yet).
 */
export async function azureInvoke(service: Service, fn: string, payload: unknown, ctx: AdapterContext): Promise<InvokeResult> {
  const f = spec(service, fn);
  const s = await session(service, ctx);
  const rg = s.names.resourceGroup;
  const app = s.names.app;
  const site = await callOrMissing(`webApps get ${app}`, () => s.clients.web.webApps.get(rg, app));
  if (!site) throw new SlsxError('FUNCTION_NOT_FOUND', `Function '${fn}' is not deployed to Azure (no Function App ${app} in ${rg}).`, { hint: 'Run `sls-x deploy --target azure` first.' });
  const host = site.defaultHostName ?? `${app}.azurewebsites.net`;
  const trigger = planAzureTriggers(f.name, f.events)[0];
  const started = ctx.now().getTime();
  const t0 = performance.now();
  let result: unknown;
  let ok: boolean;
  if (trigger?.kind === 'http') {
    const d = isObject(payload) ? payload : payload === undefined ? {} : { body: payload };
    const method = typeof d.method === 'string' ? d.method.toUpperCase() : trigger.methods[0] ?? 'GET';
    const path = typeof d.path === 'string' ? d.path : trigger.events[0].path.replace(/\{([^}+]+)\+?\}/g, (_m, n: string) => n);
    const query = isObject(d.query) ? `?${new URLSearchParams(Object.entries(d.query).map(([k, v]): [string, string] => [k, String(v)])).toString()}` : '';
    const body = d.body === undefined ? undefined : typeof d.body === 'string' ? d.body : JSON.stringify(d.body);
    const headers = isObject(d.headers) ? Object.fromEntries(Object.entries(d.headers).map(([k, v]) => [k.toLowerCase(), String(v)])) : {};
    const res = await dataPlaneRequest(s.clients, `invoke ${fn}`, { method: method as 'GET', url: `https://${host}/api${path}${query}`, body, headers, contentType: body !== undefined && typeof d.body !== 'string' ? 'application/json' : headers['content-type'], anonymous: true });
    result = { status: res.status, headers: res.headers, body: res.body };
    ok = res.status < 500;
  } else {
    const keys = await call(`webApps listHostKeys ${app}`, () => s.clients.web.webApps.listHostKeys(rg, app));
    if (!keys.masterKey) throw new SlsxError('CLOUD_ERROR', `Azure returned no master key for ${app}.`);
    const input = typeof payload === 'string' ? payload : JSON.stringify(payload ?? '');
    const name = trigger?.name ?? f.name;
    const res = await dataPlaneRequest(s.clients, `invoke ${fn}`, { method: 'POST', url: `https://${host}/admin/functions/${name}`, body: JSON.stringify({ input }), contentType: 'application/json', headers: { 'x-functions-key': keys.masterKey }, anonymous: true });
    ok = res.status === 202 || (res.status >= 200 && res.status < 300);
    if (res.status === 401 || res.status === 403) throw new SlsxError('CLOUD_ERROR', `The app ${app} refused its own host key for the admin API (HTTP ${res.status}).`, { hint: 'The keys may have just been rotated: run the command again.' });
    if (res.status === 404) throw new SlsxError('FUNCTION_NOT_FOUND', `The app ${app} has no function '${name}' (is the latest package deployed?).`, { hint: 'Run `sls-x deploy --target azure`.' });
    result = { accepted: ok, status: res.status };
  }
  const durationMs = Math.round((performance.now() - t0) * 100) / 100;
  return {
    result,
    record: {
      target: 'azure',
      function: fn,
      requestId: `client-${randomUUID()}`,
      startedAt: started,
      coldStart: false,
      durationMs,
      // Client-measured: what Flex bills (per-instance execution time) needs Application Insights.
      billedMs: Math.ceil(durationMs),
      memoryMb: appMemory(service),
      latencyMs: durationMs,
      outcome: ok ? 'ok' : 'error',
      trigger: 'invoke',
      source: 'client measurement (Azure)',
    },
    logs: [],
  };
}
