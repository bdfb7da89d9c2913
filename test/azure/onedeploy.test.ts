import { createHttpHeaders, type PipelineRequest } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { deploymentStatusUrl } from '../../providers/azure/apply/app-package.js';
import { FakeArm } from './support/fake-arm.js';
import { artifacts, deploy } from './support/service.js';
import { shop } from './support/shop.js';

const SCM = 'shop-dev.scm.azurewebsites.net';

/**
 * Kudu's OneDeploy as it answers an async publish: 202 with `Location: .../api/deployments/<id>`.
 * That deployment succeeds on its second read; `/api/deployments/latest` meanwhile shows another,
 * failed deployment (a concurrent or platform deploy), which a correct poller never reads.
 */
function oneDeploy(arm: FakeArm, location: (id: string) => string) {
  const inner = arm.httpClient.sendRequest.bind(arm.httpClient);
  const reads = new Map<string, number>();
  const json = (req: PipelineRequest, status: number, body: unknown, headers: Record<string, string> = {}) => ({ request: req, status, headers: createHttpHeaders({ 'content-type': 'application/json', ...headers }), bodyAsText: JSON.stringify(body) });
  const httpClient = {
    sendRequest: async (req: PipelineRequest) => {
      const url = new URL(req.url);
      if (url.host !== SCM) return inner(req);
      await inner(req); // recorded (and the zip kept) like every request
      if (url.pathname === '/api/publish') return json(req, 202, '', { location: location('dep-7f3a') });
      if (url.pathname === '/api/deployments/latest') return json(req, 200, { id: 'other-deploy', status: 3, status_text: 'failed: someone else' });
      const id = url.pathname.split('/').pop()!;
      const n = (reads.get(id) ?? 0) + 1;
      reads.set(id, n);
      return json(req, 200, { id, status: n >= 2 ? 4 : 1 });
    },
  };
  Object.defineProperty(arm, 'clients', { get: () => ({ azure: { httpClient, credential: arm.credential, sleep: async () => {} } }) });
  return reads;
}

describe('azure OneDeploy: poll the deployment the 202 names (issue 13.8)', () => {
  it('follows the Location of the 202 until that deployment succeeds, never /api/deployments/latest', async () => {
    const arm = new FakeArm();
    const reads = oneDeploy(arm, (id) => `https://${SCM}/api/deployments/${id}`);
    const s = shop();
    await deploy(s, artifacts(s), arm);
    expect(reads.get('dep-7f3a')).toBe(2);
    const polled = arm.requests.filter((r) => r.host === SCM && r.method === 'GET').map((r) => r.path);
    expect(polled).toEqual(['/api/deployments/dep-7f3a', '/api/deployments/dep-7f3a']);
  });

  it('works out the status URL from a relative Location, a body id, or neither; ignores a foreign host', () => {
    const url = (headers: Record<string, string>, body = '') => deploymentStatusUrl(SCM, { headers, body });
    expect(url({ Location: '/api/deployments/abc' })).toBe(`https://${SCM}/api/deployments/abc`);
    expect(url({}, '"abc-123"')).toBe(`https://${SCM}/api/deployments/abc-123`);
    expect(url({}, '{"id":"d1"}')).toBe(`https://${SCM}/api/deployments/d1`);
    expect(url({ location: 'https://evil.example/api/deployments/x' }, '{"id":"d2"}')).toBe(`https://${SCM}/api/deployments/d2`);
    expect(url({}, '')).toBe(`https://${SCM}/api/deployments/latest`);
    expect(url({}, '{"id":"../../x"}')).toBe(`https://${SCM}/api/deployments/latest`);
  });
});
