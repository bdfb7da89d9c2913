/**
 * Opt-in suite against a real Azure subscription (SLSX_IT_AZURE=1; credentials from
 * DefaultAzureCredential, e.g. `az login`; AZURE_SUBSCRIPTION_ID names the subscription;
 * SLSX_IT_AZURE_REGION overrides the region, default swedencentral). Skipped otherwise.
 * Deploys examples/shop under a throw-away stage and resource group, calls its HTTP endpoint,
 * runs the queue worker through the admin API, checks a second deploy changes nothing, then
 * removes everything. See docs/azure.md.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testTmp } from '../support/tmp.js';

const enabled = process.env.SLSX_IT_AZURE === '1';

describe.skipIf(!enabled)('azure live (opt-in)', () => {
  const stage = `it${Date.now().toString(36)}`;
  const root = testTmp('slsx-azure-it-');
  cpSync(join(import.meta.dirname, '../../examples/shop'), root, { recursive: true });
  // A resource group of its own, so removal can delete the group too.
  const config = join(root, 'faas.yaml');
  const region = process.env.SLSX_IT_AZURE_REGION ?? 'swedencentral';
  writeFileSync(config, readFileSync(config, 'utf8').replace(/azure: \{[^}]*\}/, `azure: { region: ${region}, resourceGroup: slsx-it-${stage} }`));
  let teardown: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await teardown?.();
  }, 1_200_000);

  it('deploys the example, serves HTTP, runs the worker, and removes it all', async () => {
    const { loadService } = await import('../../src/config/load-service.js');
    const { packageService } = await import('../../src/bundle/package-service.js');
    const { makePlan, applyPlan } = await import('../../src/apply/deploy.js');
    const { adapter } = await import('../../providers/azure/index.js');
    const { service } = await loadService({ cwd: root, stage, target: 'azure', env: process.env });
    const ctx = { env: process.env, cwd: root, events: () => {}, now: () => new Date() };
    const packager = (s: typeof service) => packageService(s, 'azure');
    const plan = await makePlan({ service, target: 'azure', adapter, ctx, packager });
    teardown = async () => {
      const removal = await makePlan({ service, target: 'azure', adapter, ctx, packager, remove: true });
      await applyPlan({ plan: removal, service, adapter, ctx, readOutputs: false });
    };
    const outputs = await applyPlan({ plan, service, adapter, ctx });
    const get = outputs!.endpoints.find((e) => e.method === 'GET')!;
    let status = 0;
    // A new Flex app takes a while to start and pick up its package: poll, bounded.
    for (let attempt = 0; attempt < 30 && status !== 200; attempt++) {
      const res = await fetch(get.url.replace('{id}', '42'));
      status = res.status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 10_000));
    }
    expect(status).toBe(200);

    const ran = await adapter.invoke!(service, 'worker', JSON.stringify({ id: '42' }), ctx);
    expect(ran.record.outcome).toBe('ok');

    const again = await makePlan({ service, target: 'azure', adapter, ctx, packager });
    expect(again.changes.filter((c) => c.action !== 'noop')).toEqual([]);
  }, 1_200_000);
});
