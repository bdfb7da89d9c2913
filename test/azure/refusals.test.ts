import { describe, expect, it } from 'vitest';
import { adapter } from '../../providers/azure/index.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { FakeArm, SUB } from './support/fake-arm.js';
import { artifacts, context, fn, plan, service } from './support/service.js';
import { shop } from './support/shop.js';

async function refusal(p: Promise<unknown>): Promise<SlsxError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SlsxError);
  return err as SlsxError;
}

describe('azure adapter: refused at plan time, before any write', () => {
  it('an unknown region: validate says where, scope refuses before any request', async () => {
    const s = service([fn('api')], { targets: { azure: { region: 'westeuropa', account: SUB } } });
    expect(adapter.validate(s)).toContainEqual(expect.objectContaining({ severity: 'error', code: 'unknown-region', path: 'targets.azure.region', target: 'azure' }));
    const arm = new FakeArm();
    const err = await refusal(plan(s, artifacts(s), context(arm)));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toMatch(/Unknown Azure region 'westeuropa'/);
    expect(arm.requests).toEqual([]);
  });

  it('no subscription anywhere: a usage error naming both ways to give one', async () => {
    const s = service([fn('api')], { targets: { azure: { region: 'westeurope' } } });
    const arm = new FakeArm();
    const err = await refusal(plan(s, artifacts(s), context(arm)));
    expect(err.code).toBe('USAGE');
    expect(err.hint).toMatch(/AZURE_SUBSCRIPTION_ID/);
    expect(arm.requests).toEqual([]);
    // The environment variable is enough.
    const p = await plan(s, artifacts(s), context(arm, { AZURE_SUBSCRIPTION_ID: SUB }));
    expect(p.scope.account).toBe(`${SUB}/slsx-shop-dev`);
  });

  it('a storage account name taken by someone else', async () => {
    const arm = new FakeArm();
    arm.takenStorageNames.add('shopdevce7e13ab');
    const s = shop();
    const err = await refusal(plan(s, artifacts(s), context(arm)));
    expect(err.code).toBe('RESOURCE_CONFLICT');
    expect(err.diagnostics.map((d) => d.code)).toEqual(['storage-account-name-taken']);
    expect(err.diagnostics[0].message).toMatch(/'shopdevce7e13ab' is taken by someone else/);
    expect(arm.mutating()).toEqual([]);
  });

  it('a Function App name taken (global host name), and one in the group that is not ours: all at once', async () => {
    const arm = new FakeArm();
    arm.takenSiteNames.add('shop-dev');
    const path = `/subscriptions/${SUB}/resourceGroups/shop-rg/providers/Microsoft.Storage/storageAccounts/shopdevce7e13ab`;
    arm.put(path.toLowerCase(), path, { tags: { owner: 'someone' } });
    const s = shop();
    const err = await refusal(plan(s, artifacts(s), context(arm)));
    expect(err.code).toBe('RESOURCE_CONFLICT');
    expect(err.diagnostics.map((d) => d.code).sort()).toEqual(['function-app-name-taken', 'storage-account-not-ours']);
    expect(err.message).toMatch(/2 name\(s\) belong to something else/);
    expect(arm.mutating()).toEqual([]);
  });

  it('what the app cannot do as configured is a validate error or warning, with a hint', () => {
    const s = service(
      [
        fn('a', { secrets: ['STRIPE_KEY'], env: { MODE: 'x' }, concurrency: { max: 50, warm: 0 } }),
        fn('b', { env: { MODE: 'y' }, concurrency: { max: 100, warm: 0 } }),
      ],
      { buckets: [{ name: 'logs', existing: 'their-logs' }], queues: [{ name: 'jobs-poison', visibilityTimeoutMs: 30_000, maxRetries: 2, deadLetter: false, retentionMs: 1000 }] },
    );
    const found = adapter.validate(s).map((d) => `${d.severity} ${d.code} ${d.path}`);
    expect(found.sort()).toEqual([
      'error app-setting-conflict functions.b.env.MODE',
      'error existing-bucket buckets.logs.existing',
      'error queue-name-poison queues.jobs-poison',
      'error secrets-need-key-vault functions.a.secrets',
      'warning app-wide-concurrency functions',
      'warning poison-queue-always queues.jobs-poison.deadLetter',
    ]);
    expect(adapter.validate(s).every((d) => d.hint && d.target === 'azure')).toBe(true);
    // The shop caps api at 50 and the others not: one app-wide setting, said once.
    expect(adapter.validate(shop()).map((d) => d.code)).toEqual(['app-wide-concurrency']);
  });

  it('a subscription, resource group or Key Vault that is not a valid name: validate says where, scope refuses before any request', async () => {
    const s = service([fn('api', { secrets: ['STRIPE_KEY'] })], { targets: { azure: { region: 'westeurope', account: 'my-sub', resourceGroup: 'shop/rg', keyVault: 'evil.example.com/x#' } } });
    expect(adapter.validate(s).filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.path}`).sort()).toEqual([
      'invalid-key-vault targets.azure.keyVault',
      'invalid-resource-group targets.azure.resourceGroup',
      'invalid-subscription targets.azure.subscription',
    ]);
    const arm = new FakeArm();
    const err = await refusal(plan(s, artifacts(s), context(arm)));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.diagnostics.map((d) => d.code).sort()).toEqual(['invalid-key-vault', 'invalid-resource-group', 'invalid-subscription']);
    expect(arm.requests).toEqual([]);
    // The environment's subscription is checked too.
    const fromEnv = service([fn('api')], { targets: { azure: { region: 'westeurope' } } });
    const bad = await refusal(plan(fromEnv, artifacts(fromEnv), context(arm, { AZURE_SUBSCRIPTION_ID: 'sub/../x' })));
    expect(bad.code).toBe('USAGE');
    expect(bad.message).toMatch(/not an Azure subscription id/);
    expect(arm.requests).toEqual([]);
    // Valid names pass: parentheses and dots in a group, a hyphenated vault.
    const ok = service([fn('api')], { targets: { azure: { region: 'westeurope', account: SUB, resourceGroup: 'Shop.RG_(dev)', keyVault: 'shop-vault-1' } } });
    expect(adapter.validate(ok).filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('a bucket named like a container of the host or the package is refused', () => {
    for (const name of ['app-package', 'azure-webjobs-hosts', 'azure-webjobs-secrets', 'azure-webjobs-eventhub']) {
      const s = service([fn('api')], { buckets: [{ name }] });
      expect(adapter.validate(s)).toContainEqual(expect.objectContaining({ severity: 'error', code: 'bucket-name-reserved', path: `buckets.${name}` }));
    }
    expect(adapter.validate(service([fn('api')], { buckets: [{ name: 'uploads' }] })).map((d) => d.code)).not.toContain('bucket-name-reserved');
  });

  it('credentials that cannot get a token are a CREDENTIALS error with how to log in', async () => {
    const arm = new FakeArm();
    const failing = { getToken: async () => Promise.reject(Object.assign(new Error('Please run az login'), { name: 'CredentialUnavailableError' })) };
    const ctx = { ...context(arm), clients: { azure: { httpClient: arm.httpClient, credential: failing } } };
    const s = shop();
    const err = await refusal(plan(s, artifacts(s), ctx));
    expect(err.code).toBe('CREDENTIALS');
    expect(err.hint).toMatch(/az login/);
  });

  it('a denied action names the missing permission', async () => {
    const arm = new FakeArm();
    const denied = { sendRequest: async (req: any) => ({ request: req, status: 403, headers: (await import('@azure/core-rest-pipeline')).createHttpHeaders({ 'content-type': 'application/json' }), bodyAsText: JSON.stringify({ error: { code: 'AuthorizationFailed', message: "The client 'x' does not have authorization to perform action 'Microsoft.Storage/storageAccounts/read' over scope '/subscriptions/s'." } }) }) };
    const ctx = { ...context(arm), clients: { azure: { httpClient: denied, credential: arm.credential } } };
    const s = shop();
    const err = await refusal(plan(s, artifacts(s), ctx));
    expect(err.code).toBe('ACCESS_DENIED');
    expect(err.message).toMatch(/missing permission Microsoft\.Storage\/storageAccounts\/read/);
  });
});
