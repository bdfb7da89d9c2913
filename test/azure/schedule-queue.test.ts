import { describe, expect, it } from 'vitest';
import { adapter } from '../../providers/azure/index.js';
import { FakeArm } from './support/fake-arm.js';
import { artifacts, deploy, fn, service, work } from './support/service.js';

describe('azure adapter: schedules and queues', () => {
  it('a timer is part of the app: nothing to create for it, and warm instances are per function', async () => {
    const s = service([fn('nightly', { events: [{ kind: 'schedule', expression: 'cron(0 3 * * *)', cron: '0 3 * * *', timezone: 'UTC', enabled: true }], concurrency: { warm: 2 } })]);
    const types = adapter.desired(s, artifacts(s)).map((r) => r.type);
    expect(types.filter((t) => /eventgrid|queue/.test(t))).toEqual([]);
    const arm = new FakeArm();
    await deploy(s, artifacts(s), arm);
    const site = arm.find('PUT', '/sites/shop-dev')[0].body;
    expect(site.properties.functionAppConfig.scaleAndConcurrency).toEqual({ alwaysReady: [{ name: 'function:nightly', instanceCount: 2 }], maximumInstanceCount: 100, instanceMemoryMB: 512 });
  });

  it('memory becomes the next Flex size for the whole app; a changed setting updates only the app', async () => {
    const one = service([fn('a', { memory: 1024 }), fn('b')]);
    const arm = new FakeArm();
    await deploy(one, artifacts(one), arm);
    expect(arm.find('PUT', '/sites/shop-dev')[0].body.properties.functionAppConfig.scaleAndConcurrency.instanceMemoryMB).toBe(2048);
    arm.requests.length = 0;
    const two = service([fn('a', { memory: 1024, env: { LEVEL: 'debug' } }), fn('b')]);
    const p = await deploy(two, artifacts(one), arm);
    expect(work(p.changes)).toEqual(['update function-app']);
    expect(p.changes.find((c) => c.id === 'function-app')!.reasons.join(' ')).toMatch(/appSettings/);
    expect(arm.lines((r) => arm.mutating().includes(r))).toEqual([
      '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/shop-rg/providers/Microsoft.Web/sites/shop-dev?api-version=2025-03-01',
    ].map((l) => `PUT ${l}`));
    // The app update keeps the package tag, so the code does not look undeployed.
    expect(arm.find('PUT', '/sites/shop-dev')[0].body.tags['slsx:code']).toBe(artifacts(one)[0].sha256);
    expect(work((await deploy(two, artifacts(one), arm)).changes)).toEqual([]);
  });

  it('a new queue is created with its poison queue and the consumer is granted on both', async () => {
    const base = service([fn('worker')]);
    const arm = new FakeArm();
    await deploy(base, artifacts(base), arm);
    const s = service([fn('worker', { events: [{ kind: 'queue', queue: 'jobs', batchSize: 16, batchWindowMs: 0 }] })], { queues: [{ name: 'jobs', visibilityTimeoutMs: 30_000, maxRetries: 4, deadLetter: true, retentionMs: 1000 }] });
    const p = await deploy(s, artifacts(s, 'with the queue trigger'), arm);
    expect(work(p.changes)).toEqual([
      'create grant:QueueDataContributor:queues/jobs',
      'create grant:QueueDataContributor:queues/jobs-poison',
      'create queue:jobs',
      'create queue:jobs:poison',
      'update function-app',
      'update package',
    ]);
    const settings = arm.find('PUT', '/sites/shop-dev').at(-1)!.body.properties.siteConfig.appSettings;
    expect(settings).toContainEqual({ name: 'SLSX_QUEUE_JOBS', value: 'jobs' });
  });
});
