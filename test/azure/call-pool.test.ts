import { describe, expect, it } from 'vitest';
import { createAzureClients } from '../../providers/azure/clients.js';
import { azureCallKey } from '../../providers/azure/pool.js';
import { FakeArm, SUB } from './support/fake-arm.js';

const RG = 'shop-rg';

describe('azure: every Resource Manager request goes through one bounded, paced pool', () => {
  it('80 reads at once: at most 16 reach ARM together, each counted as a Microsoft.Web/sites read', async () => {
    const arm = new FakeArm();
    arm.latencyMs = 3;
    const clients = await createAzureClients(SUB, {}, arm.clients.azure);
    const got = await Promise.allSettled(Array.from({ length: 80 }, (_, i) => clients.web.webApps.get(RG, `app-${i}`)));
    expect(got).toHaveLength(80);
    expect(arm.requests).toHaveLength(80);
    expect(arm.maxInFlight).toBeGreaterThan(1);
    expect(arm.maxInFlight).toBeLessThanOrEqual(16);
    expect(clients.pool.stats().calls['azure:read:Microsoft.Web/sites']).toBe(80);
  });

  it('a 429 is retried by the SDK pipeline (Retry-After honoured) and halves that kind of call\'s pace', async () => {
    const arm = new FakeArm();
    arm.throttleOnce = (r) => r.method === 'PUT';
    const clients = await createAzureClients(SUB, {}, arm.clients.azure);
    const before = clients.pool.currentRate('azure:write:Microsoft.Resources/resourceGroups');
    const rg = await clients.resources.resourceGroups.createOrUpdate(RG, { location: 'westeurope' });
    expect(rg.name).toBe(RG);
    expect(arm.requests.filter((r) => r.method === 'PUT')).toHaveLength(2);
    expect(clients.pool.stats().throttled['azure:write:Microsoft.Resources/resourceGroups']).toBe(1);
    expect(clients.pool.currentRate('azure:write:Microsoft.Resources/resourceGroups')).toBeLessThan(before);
  });

  it('Log Analytics queries go through the same pool, paced to its 200 per 30 s', async () => {
    const { dataPlaneKey, dataPlaneRequest } = await import('../../providers/azure/data-plane.js');
    const arm = new FakeArm();
    const clients = await createAzureClients(SUB, {}, arm.clients.azure);
    const url = 'https://api.loganalytics.io/v1/workspaces/w/query';
    expect(dataPlaneKey(url)).toBe('azure:data:loganalytics');
    await Promise.all(Array.from({ length: 20 }, () => dataPlaneRequest(clients, 'query', { method: 'POST', url, body: '{}', contentType: 'application/json', scope: 'https://api.loganalytics.io/.default' })));
    expect(clients.pool.stats().calls['azure:data:loganalytics']).toBe(20);
    const starts = clients.pool.trace.filter((t) => t.key === 'azure:data:loganalytics').map((t) => t.at).sort((a, b) => a - b);
    // A burst of 10, then 6 a second: the 20th starts at least 10/6 s after the first.
    expect(starts[19]! - starts[0]!).toBeGreaterThanOrEqual((10 / 6) * 1000 - 1);
  });

  it('names calls by kind (read, write, delete; list POSTs are reads) and resource type', () => {
    const base = `https://management.azure.com/subscriptions/${SUB}/resourceGroups/${RG}/providers`;
    expect(azureCallKey('GET', `${base}/Microsoft.Web/sites/app/config/appsettings?api-version=1`)).toBe('azure:read:Microsoft.Web/sites');
    expect(azureCallKey('POST', `${base}/Microsoft.Web/sites/app/config/appsettings/list?api-version=1`)).toBe('azure:read:Microsoft.Web/sites');
    expect(azureCallKey('PUT', `${base}/Microsoft.Storage/storageAccounts/acct?api-version=1`)).toBe('azure:write:Microsoft.Storage/storageAccounts');
    expect(azureCallKey('DELETE', `${base}/Microsoft.Web/sites/app/providers/Microsoft.Resources/tags/default`)).toBe('azure:delete:Microsoft.Resources/tags');
  });
});
