import { describe, expect, it } from 'vitest';
import { adapter } from '../../providers/gcp/index.js';
import { FakeGcp } from './support/fake-gcp.js';
import { artifacts, context, deploy, fn, service, work } from './support/service.js';

const svc = () =>
  service([
    fn('api', { events: [{ kind: 'http', method: 'GET', path: '/orders/{id}', cors: false }, { kind: 'http', method: 'POST', path: '/orders', cors: false }] }),
    fn('internal'),
  ]);

describe('gcp adapter: HTTP functions', () => {
  it('only HTTP functions are public: run.invoker for allUsers on their Cloud Run service, nothing on the others', async () => {
    const gcp = new FakeGcp();
    const s = svc();
    const ctx = context(gcp);
    const p = await deploy(s, artifacts(s), ctx);
    expect(work(p.changes)).toEqual(['create function:api', 'create function:internal', 'create iam:run:api', 'create sa:api', 'create sa:internal']);
    const grant = p.changes.find((c) => c.id === 'iam:run:api')!;
    expect(grant.security).toBe(true);
    expect(gcp.inputs('run.setIamPolicy')).toEqual([
      { resource: 'projects/shop-prod/locations/europe-west1/services/shop-dev-api', policy: { bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }], etag: 'e0' } },
    ]);
    const api = gcp.inputs('functions.createFunction').find((i) => i.functionId === 'shop-dev-api').function;
    expect(api.serviceConfig.ingressSettings).toBe('ALLOW_ALL');
    expect(api.eventTrigger).toBeUndefined();
    // The grant comes after the function (its Cloud Run service must exist).
    const names = gcp.calls.map((c) => `${c.name} ${c.input.functionId ?? c.input.resource ?? ''}`);
    expect(names.indexOf('functions.createFunction shop-dev-api')).toBeLessThan(names.indexOf('run.setIamPolicy projects/shop-prod/locations/europe-west1/services/shop-dev-api'));

    const out = await adapter.outputs(s, p.scope, ctx);
    expect(out.endpoints).toEqual([
      { method: 'GET', url: 'https://europe-west1-shop-prod.cloudfunctions.net/shop-dev-api/orders/{id}', function: 'api' },
      { method: 'POST', url: 'https://europe-west1-shop-prod.cloudfunctions.net/shop-dev-api/orders', function: 'api' },
    ]);
    expect(out.functions).toEqual([
      { name: 'api', physicalName: 'shop-dev-api' },
      { name: 'internal', physicalName: 'shop-dev-internal' },
    ]);
  });

  it('grants others made on the service are kept; dropping the http event removes only allUsers', async () => {
    const gcp = new FakeGcp();
    const s = svc();
    await deploy(s, artifacts(s), context(gcp));
    const resource = 'projects/shop-prod/locations/europe-west1/services/shop-dev-api';
    gcp.policies.set(resource, { bindings: [{ role: 'roles/run.invoker', members: ['allUsers', 'user:ops@example.com'] }, { role: 'roles/run.viewer', members: ['group:team@example.com'] }], etag: 'e9' });
    gcp.resetCalls();
    const again = await deploy(s, artifacts(s), context(gcp));
    expect(work(again.changes)).toEqual([]);
    expect(gcp.mutatingCalls()).toEqual([]);

    const s2 = svc();
    s2.functions[0].events = [];
    const p = await deploy(s2, artifacts(s2), context(gcp));
    // The function's own route list (SLSX_FUNCTIONS) changes with it: a configuration update.
    expect(work(p.changes)).toEqual(['delete iam:run:api', 'update function:api']);
    expect(gcp.inputs('run.setIamPolicy')).toEqual([
      { resource, policy: { bindings: [{ role: 'roles/run.invoker', members: ['user:ops@example.com'] }, { role: 'roles/run.viewer', members: ['group:team@example.com'] }], etag: 'e9' } },
    ]);
  });

  it('validate: CORS is the shim\'s (no warning), each HTTP function has its own URL, a loopback JWT issuer is refused', () => {
    const s = svc();
    s.functions[0].events = [{ kind: 'http', method: 'GET', path: '/a', cors: true }];
    s.functions[1].events = [{ kind: 'http', method: 'GET', path: '/b', cors: false, auth: { jwt: { issuer: 'http://127.0.0.1:9999', audience: ['api'], scopes: [] } } }];
    const d = adapter.validate(s);
    expect(d.map((x) => [x.severity, x.code, x.path])).toEqual([
      ['warning', 'gcp-url-per-function', 'functions'],
      ['error', 'auth-issuer-https', 'functions.internal.events.0.http.auth.jwt.issuer'],
    ]);
  });

  it('CORS and JWT settings reach the function as runtime configuration: a change is a configuration update, the code is not uploaded again', async () => {
    const gcp = new FakeGcp();
    const s = svc();
    const arts = artifacts(s);
    await deploy(s, arts, context(gcp));
    const s2 = svc();
    s2.functions[0].events = [
      { kind: 'http', method: 'GET', path: '/orders/{id}', cors: { origins: ['https://app.example.com'], headers: ['content-type'], exposeHeaders: ['x-total'], credentials: true, maxAgeS: 600 } },
      { kind: 'http', method: 'POST', path: '/orders', cors: false, auth: { jwt: { issuer: 'https://idp.example.com/', audience: ['orders-api'], scopes: ['orders:write'] } } },
    ];
    const p = await deploy(s2, arts, context(gcp));
    expect(work(p.changes)).toEqual(['update function:api']);
    const reasons = p.changes.find((c) => c.id === 'function:api')!.reasons;
    expect(reasons.every((r) => r.includes('SLSX_FUNCTIONS'))).toBe(true);
    expect(reasons.join('\n')).not.toMatch(/code|sha256/);
    const env = JSON.parse(String((p.changes.find((c) => c.id === 'function:api')!.after as any).env.SLSX_FUNCTIONS));
    expect(env.api.events).toEqual([
      { kind: 'http', method: 'GET', path: '/orders/{id}', cors: { origins: ['https://app.example.com'], headers: ['content-type'], exposeHeaders: ['x-total'], credentials: true, maxAgeS: 600 } },
      { kind: 'http', method: 'POST', path: '/orders', auth: { jwt: { issuer: 'https://idp.example.com/', audience: ['orders-api'], scopes: ['orders:write'] } } },
    ]);
  });
});
