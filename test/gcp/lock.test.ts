import { describe, expect, it } from 'vitest';
import { adapter } from '../../providers/gcp/index.js';
import { FakeGcp, PROJECT_NUMBER } from './support/fake-gcp.js';
import { context, fn, service } from './support/service.js';

describe('gcp deploy lock', () => {
  it('one deploy per stage: a second is refused while the first holds the lock; released or expired locks are taken', async () => {
    const gcp = new FakeGcp();
    const s = service([fn('api')]);
    const ctx = context(gcp);
    const scope = await adapter.scope(s, ctx);
    const release = await adapter.lock!(scope, ctx);
    expect(gcp.inputs('storage.createBucket')).toEqual([{ project: 'shop-prod', name: 'slsx-deploy-shop-prod', location: 'europe-west1', labels: { 'slsx-service': 'sls-x', 'slsx-stage': 'locks' } }]);
    expect([...gcp.objects.keys()]).toEqual(['slsx-deploy-shop-prod/locks/shop/dev.json']);

    const other = context(gcp);
    const otherScope = await adapter.scope(s, other);
    await expect(adapter.lock!(otherScope, other)).rejects.toMatchObject({ code: 'DEPLOY_LOCKED' });
    await release();
    expect(gcp.objects.size).toBe(0);
    const again = await adapter.lock!(otherScope, other);

    // A lock whose holder died: once expired, the next deploy takes it over.
    const later = { ...context(gcp), now: () => new Date('2026-11-27T11:00:00Z') };
    const laterScope = await adapter.scope(s, later);
    const taken = await adapter.lock!(laterScope, later);
    expect(JSON.parse([...gcp.objects.values()][0].body).acquiredAt).toBe('2026-11-27T11:00:00.000Z');
    // The old holder's late release does not remove the new holder's lock (generation mismatch).
    await again();
    expect(gcp.objects.size).toBe(1);
    await taken();
    expect(gcp.objects.size).toBe(0);
  });

  it('refuses a lock bucket of another project (bucket names are global), and writes nothing to it', async () => {
    for (const projectNumber of ['999999999999', 'forbidden']) {
      const gcp = new FakeGcp();
      gcp.buckets.set('slsx-deploy-shop-prod', { name: 'slsx-deploy-shop-prod', location: 'EU', labels: {}, projectNumber });
      const ctx = context(gcp);
      const scope = await adapter.scope(service([fn('api')]), ctx);
      await expect(adapter.lock!(scope, ctx)).rejects.toMatchObject({ code: 'RESOURCE_CONFLICT', message: expect.stringContaining('another Google Cloud project') });
      expect(gcp.mutatingCalls()).toEqual([]);
      expect(gcp.objects.size).toBe(0);
    }
  });

  it('a saved plan takes the lock before scope(): the lock bucket is still checked against the project', async () => {
    const gcp = new FakeGcp();
    gcp.buckets.set('slsx-deploy-shop-prod', { name: 'slsx-deploy-shop-prod', location: 'EU', labels: {}, projectNumber: PROJECT_NUMBER });
    const ctx = context(gcp);
    const release = await adapter.lock!({ target: 'gcp', service: 'shop', stage: 'dev', account: 'shop-prod', region: 'europe-west1' }, ctx);
    expect(gcp.objects.size).toBe(1);
    await release();
    gcp.buckets.set('slsx-deploy-shop-prod', { name: 'slsx-deploy-shop-prod', location: 'EU', labels: {}, projectNumber: '999999999999' });
    const other = context(gcp);
    await expect(adapter.lock!({ target: 'gcp', service: 'shop', stage: 'dev', account: 'shop-prod', region: 'europe-west1' }, other)).rejects.toMatchObject({ code: 'RESOURCE_CONFLICT' });
  });
});
