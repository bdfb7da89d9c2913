import type { Outputs } from '../../src/core/adapter.js';
import type { Service } from '../../src/model/service.js';
import { planAzureTriggers } from '../../templates/shims/common/azure-triggers.js';
import { callOrMissing } from './errors.js';
import type { Session } from './session.js';

/** Endpoints (`https://<default host name>/api/<route>`) and the functions' names in the app. */
export async function azureOutputs(service: Service, session: Session): Promise<Outputs> {
  const app = session.names.app;
  const site = await callOrMissing(`webApps get ${app}`, () => session.clients.web.webApps.get(session.names.resourceGroup, app));
  const host = site?.defaultHostName ?? `${app}.azurewebsites.net`;
  const endpoints: Outputs['endpoints'] = [];
  for (const fn of service.functions) {
    for (const e of fn.events) if (e.kind === 'http') endpoints.push({ method: e.method, url: `https://${host}/api${e.path}`, function: fn.name });
  }
  const functions = service.functions.map((f) => ({ name: f.name, physicalName: `${app}/${planAzureTriggers(f.name, f.events).map((t) => t.name).join(',') || f.name}` }));
  return { endpoints, functions, region: session.region, subscription: session.subscriptionId, resourceGroup: session.names.resourceGroup, app };
}
