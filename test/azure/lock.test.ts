import { describe, expect, it } from 'vitest';
import { adapter } from '../../providers/azure/index.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { FakeArm } from './support/fake-arm.js';
import { artifacts, context, deploy } from './support/service.js';
import { shop } from './support/shop.js';

const CONTAINER = 'blobservices/default/containers/app-package';

describe('azure adapter: per-stage deploy lock', () => {
  it('a second deploy of the same stage is refused while the first holds the lease; released, it can go', async () => {
    const arm = new FakeArm();
    const s = shop();
    await deploy(s, artifacts(s), arm);
    const first = context(arm);
    const release = await adapter.lock!(await adapter.scope(s, first), first);
    expect([...arm.leases.keys()].some((k) => k.endsWith(CONTAINER))).toBe(true);

    const second = context(arm);
    const err = await adapter.lock!(await adapter.scope(s, second), second).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlsxError);
    expect((err as SlsxError).code).toBe('DEPLOY_LOCKED');
    expect((err as SlsxError).hint).toMatch(/frees itself within 60 s/);

    await release();
    expect(arm.leases.size).toBe(0);
    const again = await adapter.lock!(await adapter.scope(s, second), second);
    await again();
    const leaseCalls = arm.requests.filter((r) => r.path.endsWith('/lease')).map((r) => `${r.method} ${r.body.action}`);
    expect(leaseCalls).toEqual(['POST Acquire', 'POST Acquire', 'POST Release', 'POST Acquire', 'POST Release']);
  });

  it('the first deploy of a stage has nothing to lock yet and goes ahead', async () => {
    const arm = new FakeArm();
    const ctx = context(arm);
    const release = await adapter.lock!(await adapter.scope(shop(), ctx), ctx);
    await release();
    expect(arm.mutating()).toEqual([]);
    expect(arm.requests.filter((r) => r.path.endsWith('/lease')).map((r) => r.body.action)).toEqual(['Acquire']);
  });

  it('remove deletes the locked package container by breaking its own lease', async () => {
    const arm = new FakeArm();
    const s = shop();
    await deploy(s, artifacts(s), arm);
    const ctx = context(arm);
    const release = await adapter.lock!(await adapter.scope(s, ctx), ctx);
    await deploy(s, [], arm, true);
    await release();
    expect(arm.has('/containers/app-package')).toBe(false);
  });
});
