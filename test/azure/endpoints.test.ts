import { describe, expect, it } from 'vitest';
import { adapter } from '../../providers/azure/index.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { FakeArm, SUB } from './support/fake-arm.js';
import { artifacts, plan } from './support/service.js';
import { shop } from './support/shop.js';

const ctxWith = (arm: FakeArm, env: NodeJS.ProcessEnv, credential = arm.credential) => ({ env, cwd: '/project', events: () => {}, now: () => new Date(), clients: { azure: { httpClient: arm.httpClient, credential } } });

describe('azure adapter: AZURE_RESOURCE_MANAGER_ENDPOINT', () => {
  it('routes every SDK request to that endpoint and asks for a token for its audience', async () => {
    const arm = new FakeArm();
    const scopes: string[] = [];
    const credential = { getToken: async (s: string | string[]) => (scopes.push(...[s].flat()), { token: 't', expiresOnTimestamp: Date.now() + 3600_000 }) };
    const endpoint = 'https://management.usgovcloudapi.net';
    const s = shop();
    const ctx = ctxWith(arm, { AZURE_RESOURCE_MANAGER_ENDPOINT: `${endpoint}/` }, credential);
    const p = await plan(s, artifacts(s), ctx);
    expect(p.scope).toEqual({ target: 'azure', service: 'shop', stage: 'dev', region: 'westeurope', account: `${SUB}/shop-rg` });
    expect(new Set(arm.requests.map((r) => r.host))).toEqual(new Set(['management.usgovcloudapi.net']));
    expect(arm.requests.length).toBeGreaterThan(3);
    expect(new Set(scopes)).toEqual(new Set([`${endpoint}/.default`]));
    // Without it: the public cloud.
    const pub = new FakeArm();
    await adapter.scope(s, ctxWith(pub, {}));
    expect(new Set(pub.requests.map((r) => r.host))).toEqual(new Set(['management.azure.com']));
  });

  it('a plain-HTTP endpoint is refused with a clear message (credentials never go over HTTP)', async () => {
    const arm = new FakeArm();
    const err = await adapter.scope(shop(), ctxWith(arm, { AZURE_RESOURCE_MANAGER_ENDPOINT: 'http://127.0.0.1:4000' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlsxError);
    expect((err as SlsxError).code).toBe('USAGE');
    expect((err as SlsxError).message).toMatch(/must be an https:\/\/ URL/);
    expect(arm.requests).toEqual([]);
  });
});
