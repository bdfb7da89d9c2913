import { describe, expect, it } from 'vitest';
import { applyPlan, makePlan } from '../../src/apply/deploy.js';
import { adapter } from '../../providers/aws/index.js';
import type { SlsxEvent } from '../../src/core/events.js';
import { FakeAws } from './support/fake-aws.js';
import { artifacts, context, fn, service } from './support/service.js';

describe('aws adapter under the core orchestration (makePlan / applyPlan)', () => {
  it('plans, applies under the deploy lock, reads outputs; a saved plan is refused for another account', async () => {
    const aws = new FakeAws();
    const s = service([fn('api', { events: [{ kind: 'http', method: 'GET', path: '/hello', cors: false }] })]);
    const arts = artifacts(s);
    const events: SlsxEvent[] = [];
    const ctx = { ...context(aws), events: (e: SlsxEvent) => void events.push(e) };
    const plan = await makePlan({ service: s, target: 'aws', adapter, ctx, packager: async () => arts });
    expect(aws.mutatingCalls()).toEqual([]);
    const saved = JSON.parse(JSON.stringify(plan));

    const elsewhere = { ...saved, scope: { ...saved.scope, account: '999999999999' } };
    await expect(applyPlan({ plan: elsewhere, service: s, adapter, ctx: context(aws), saved: true })).rejects.toMatchObject({ code: 'PLAN_STALE' });
    expect(aws.functions.size).toBe(0);

    const outputs = await applyPlan({ plan: saved, service: s, adapter, ctx: context(aws), saved: true });
    expect(outputs!.endpoints[0].url).toMatch(/^https:\/\/api\w+\.execute-api\.eu-west-1\.amazonaws\.com\/dev\/hello$/);
    expect(outputs!.functions).toEqual([{ name: 'api', physicalName: 'shop-dev-api' }]);
    expect(aws.inputs('s3:PutObject').map((i) => i.Key)).toContain('locks/shop/dev.json');
    // The lock was released.
    expect(aws.buckets.get('slsx-deploy-123456789012-eu-west-1')!.objects.size).toBe(0);
  });
});
