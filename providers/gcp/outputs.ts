import type { Outputs } from '../../src/core/adapter.js';
import type { Service } from '../../src/model/service.js';
import { getFunction } from './observe.js';
import { resolve, type Session } from './session.js';

/** The URL a function answers on: what Cloud Functions reports, else its cloudfunctions.net URL. */
export async function functionUrl(session: Session, fn: string): Promise<string> {
  const f = await getFunction(session, resolve(session.names.functionPath(fn), session));
  return (f?.url ?? f?.serviceConfig?.uri ?? resolve(session.names.functionUrl(fn), session)).replace(/\/+$/, '');
}

/** Endpoints (each HTTP function's URL + the route's path) and function names. */
export async function gcpOutputs(service: Service, session: Session): Promise<Outputs> {
  const functions = service.functions.map((f) => ({ name: f.name, physicalName: session.names.functionName(f.name) }));
  const endpoints: Outputs['endpoints'] = [];
  for (const f of service.functions) {
    const routes = f.events.flatMap((e) => (e.kind === 'http' ? [e] : []));
    if (routes.length === 0) continue;
    const base = await functionUrl(session, f.name);
    for (const r of routes) endpoints.push({ method: r.method, url: `${base}${r.path}`, function: f.name });
  }
  return { endpoints, functions, project: session.project, region: session.region };
}
