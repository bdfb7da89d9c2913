import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '../../providers/gcp/real-clients.js';

/** A loopback recorder answering every Google API call with a small JSON body. */
let server: Server;
let base = '';
const seen: Array<{ method: string; url: string; auth?: string; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: String(req.method), url: String(req.url), auth: req.headers.authorization, body });
      res.setHeader('content-type', 'application/json');
      res.end(req.url?.includes('/projects/shop-prod') && req.url.startsWith('/v3/') ? JSON.stringify({ name: 'projects/42', projectId: 'shop-prod', state: 'ACTIVE' }) : '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('gcp endpoints: the real clients reach overridden endpoints over HTTP/JSON', () => {
  it('SLSX_GCP_ENDPOINT_<API> sends each SDK call to the recorder, with a placeholder token (real credentials never go over http)', async () => {
    const env = Object.fromEntries(['FUNCTIONS', 'RUN', 'PUBSUB', 'SCHEDULER', 'IAM', 'SECRETMANAGER', 'RESOURCEMANAGER', 'LOGGING'].map((api) => [`SLSX_GCP_ENDPOINT_${api}`, base]));
    const clients = await createClients(env, 'shop-prod');
    seen.length = 0;
    await clients.functions.listFunctions({ parent: 'projects/shop-prod/locations/europe-west1', filter: 'labels.slsx-service=shop' });
    await clients.publisher.listTopics({ project: 'projects/shop-prod' });
    await clients.scheduler.listJobs({ parent: 'projects/shop-prod/locations/europe-west1' });
    await clients.serviceAccounts.listServiceAccounts({ name: 'projects/shop-prod' });
    await clients.run.getIamPolicy({ resource: 'projects/shop-prod/locations/europe-west1/services/shop-dev-api', options: { requestedPolicyVersion: 3 } });
    await clients.secrets.getIamPolicy({ resource: 'projects/shop-prod/secrets/shop-dev-KEY', options: { requestedPolicyVersion: 3 } });
    expect(await clients.projects.getProject({ name: 'projects/shop-prod' })).toEqual({ name: 'projects/42', projectId: 'shop-prod', state: 'ACTIVE' });
    expect(seen.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
      'GET /v2/projects/shop-prod/locations/europe-west1/functions',
      'GET /v1/projects/shop-prod/topics',
      'GET /v1/projects/shop-prod/locations/europe-west1/jobs',
      'GET /v1/projects/shop-prod/serviceAccounts',
      'GET /v2/projects/shop-prod/locations/europe-west1/services/shop-dev-api:getIamPolicy',
      'GET /v1/projects/shop-prod/secrets/shop-dev-KEY:getIamPolicy',
      'GET /v3/projects/shop-prod',
    ]);
    expect(seen[0].url).toContain('filter=labels.slsx-service%3Dshop');
    // The REST form of the requested IAM policy version (issue 13.6).
    expect(seen.filter((r) => r.url.includes(':getIamPolicy')).map((r) => new URL(r.url, base).searchParams.get('options.requestedPolicyVersion'))).toEqual(['3', '3']);
    expect(new Set(seen.map((r) => r.auth))).toEqual(new Set(['Bearer emulator']));
  }, 30_000);
});
