import type { Outputs } from '../../src/core/adapter.js';
import type { Service } from '../../src/model/service.js';
import { callOrMissing } from './errors.js';
import { findApiId } from './apply/api.js';
import type { Session } from './session.js';
import { dnsSuffixOf } from './regions.js';

/** Endpoints (the API's own endpoint + stage + path, so emulators' URLs come out right) and function names. */
export async function awsOutputs(service: Service, session: Session): Promise<Outputs> {
  const functions = service.functions.map((f) => ({ name: f.name, physicalName: session.names.functionName(f.name) }));
  const endpoints: Outputs['endpoints'] = [];
  const routes = service.functions.flatMap((f) => f.events.flatMap((e) => (e.kind === 'http' ? [{ fn: f.name, method: e.method, path: e.path }] : [])));
  if (routes.length > 0) {
    const apiId = await findApiId(session);
    if (apiId) {
      const { GetApiCommand } = await import('@aws-sdk/client-apigatewayv2');
      const api = await callOrMissing(`apigateway:GetApi ${apiId}`, () => session.clients.apigw.send(new GetApiCommand({ ApiId: apiId })));
      const base = `${api?.ApiEndpoint ?? `https://${apiId}.execute-api.${session.region}.${dnsSuffixOf(session.region)}`}/${session.stage}`;
      for (const r of routes) endpoints.push({ method: r.method, url: `${base}${r.path}`, function: r.fn });
    }
  }
  return { endpoints, functions, region: session.region, account: session.account };
}
