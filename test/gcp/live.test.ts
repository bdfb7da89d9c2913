/**
 * Opt-in suite against a real Google Cloud project (SLSX_IT_GCP=1; Application Default
 * Credentials; the project from SLSX_IT_GCP_PROJECT or GOOGLE_CLOUD_PROJECT). Skipped
 * otherwise. Deploys examples/shop under a throw-away stage, calls its HTTP endpoint, publishes
 * a queue message, checks a second plan is empty, then removes everything. See docs/gcp.md.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testTmp } from '../support/tmp.js';

const enabled = process.env.SLSX_IT_GCP === '1';
const project = process.env.SLSX_IT_GCP_PROJECT ?? process.env.GOOGLE_CLOUD_PROJECT;

describe.skipIf(!enabled)('gcp live (opt-in)', () => {
  const stage = `it${Date.now().toString(36)}`;
  const root = testTmp('slsx-gcp-it-');
  cpSync(join(import.meta.dirname, '../../examples/shop'), root, { recursive: true });
  let teardown: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await teardown?.();
  }, 1_800_000);

  it('deploys the example, serves HTTP, takes a queue message, and removes it all', async () => {
    expect(project, 'set SLSX_IT_GCP_PROJECT or GOOGLE_CLOUD_PROJECT').toBeTruthy();
    const { loadService } = await import('../../src/config/load-service.js');
    const { packageService } = await import('../../src/bundle/package-service.js');
    const { makePlan, applyPlan } = await import('../../src/apply/deploy.js');
    const { adapter } = await import('../../providers/gcp/index.js');
    const loaded = await loadService({ cwd: root, stage, target: 'gcp', env: process.env });
    const service: typeof loaded.service = { ...loaded.service, targets: { ...loaded.service.targets, gcp: { ...loaded.service.targets.gcp, account: project } } };
    const ctx = { env: process.env, cwd: root, events: () => {}, now: () => new Date() };
    const packager = (s: typeof loaded.service) => packageService(s, 'gcp');
    const plan = await makePlan({ service, target: 'gcp', adapter, ctx, packager });
    teardown = async () => {
      const removal = await makePlan({ service, target: 'gcp', adapter, ctx, packager, remove: true });
      await applyPlan({ plan: removal, service, adapter, ctx, readOutputs: false });
    };
    const outputs = await applyPlan({ plan, service, adapter, ctx });
    const get = outputs!.endpoints.find((e) => e.method === 'GET')!;
    let status = 0;
    for (let attempt = 0; attempt < 15 && status !== 200; attempt++) {
      status = (await fetch(get.url.replace('{id}', '42'))).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 4000));
    }
    expect(status).toBe(200);

    const sent = await adapter.invoke!(service, 'worker', { id: '42' }, ctx);
    expect(sent.result).toMatchObject({ topic: `projects/${project}/topics/shop-${stage}-orders` });

    const again = await makePlan({ service, target: 'gcp', adapter, ctx, packager });
    expect(again.changes.filter((c) => c.action !== 'noop')).toEqual([]);
  }, 1_800_000);
});
