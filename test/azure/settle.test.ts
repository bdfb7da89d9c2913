import { describe, expect, it } from 'vitest';
import { FakeArm } from './support/fake-arm.js';
import { artifacts, deploy, work } from './support/service.js';
import { shop } from './support/shop.js';

describe('azure adapter: eventual consistency', () => {
  it('a zip deploy that fails while grants propagate, and an Event Grid subscription created before the function is indexed, are retried', async () => {
    const arm = new FakeArm();
    let publishFailures = 1;
    let gridFailures = 2;
    const inner = arm.httpClient.sendRequest.bind(arm.httpClient);
    const { createHttpHeaders } = await import('@azure/core-rest-pipeline');
    const flaky = {
      sendRequest: async (req: Parameters<typeof inner>[0]) => {
        if (req.url.includes('/api/publish') && publishFailures-- > 0) return { request: req, status: 500, headers: createHttpHeaders(), bodyAsText: 'storage access denied' };
        if (req.method === 'PUT' && req.url.includes('/eventSubscriptions/') && gridFailures-- > 0) {
          return { request: req, status: 400, headers: createHttpHeaders({ 'content-type': 'application/json' }), bodyAsText: JSON.stringify({ error: { code: 'InvalidRequest', message: 'Destination function thumbnail not found' } }) };
        }
        return inner(req);
      },
    };
    Object.defineProperty(arm, 'clients', { get: () => ({ azure: { httpClient: flaky, credential: arm.credential, sleep: async () => {} } }) });
    const s = shop();
    await deploy(s, artifacts(s), arm);
    expect(arm.zips).toHaveLength(1);
    expect(arm.has('/eventsubscriptions/thumbnail-1')).toBe(true);
    expect(publishFailures).toBe(-1);
    expect(gridFailures).toBe(-1);
    expect(work((await deploy(s, artifacts(s), arm)).changes)).toEqual([]);
  });

  it('ids ARM answers in another case are not a change', async () => {
    const arm = new FakeArm();
    const s = shop();
    await deploy(s, artifacts(s), arm);
    for (const r of arm.resources.values()) {
      if (r.properties?.serverFarmId) r.properties.serverFarmId = r.properties.serverFarmId.replace('/resourceGroups/', '/resourcegroups/').toUpperCase();
      if (r.properties?.destination?.properties?.resourceId) r.properties.destination.properties.resourceId = r.properties.destination.properties.resourceId.replace('Microsoft.Web', 'microsoft.web');
    }
    expect(work((await deploy(s, artifacts(s), arm)).changes)).toEqual([]);
  });
});
