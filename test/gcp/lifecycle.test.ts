import { describe, expect, it } from 'vitest';
import type { Service } from '../../src/model/service.js';
import { FakeGcp, gcpError } from './support/fake-gcp.js';
import { artifacts, context, deploy, fn, service, work } from './support/service.js';

const full = (): Service =>
  service(
    [
      fn('api', { events: [{ kind: 'http', method: 'GET', path: '/orders', cors: false }], sends: ['orders'], secrets: ['STRIPE_KEY'] }),
      fn('worker', { events: [{ kind: 'queue', queue: 'orders', batchSize: 1, batchWindowMs: 0 }] }),
      fn('nightly', { events: [{ kind: 'schedule', expression: 'cron(0 3 * * *)', cron: '0 3 * * *', timezone: 'UTC', enabled: true }] }),
      fn('thumbnail', { events: [{ kind: 'storage', bucket: 'uploads', on: ['created'] }], buckets: [{ name: 'uploads', access: 'read' }] }),
    ],
    { queues: [{ name: 'orders', visibilityTimeoutMs: 60_000, maxRetries: 4, deadLetter: true, retentionMs: 86_400_000 }], buckets: [{ name: 'uploads' }] },
  );

function fresh(): FakeGcp {
  const gcp = new FakeGcp();
  gcp.secrets.add('projects/shop-prod/secrets/shop-dev-STRIPE_KEY');
  return gcp;
}

/** What exists, by kind and name: to compare states after different histories. */
function inventory(gcp: FakeGcp) {
  return {
    accounts: [...gcp.accounts.keys()].sort(),
    functions: [...gcp.functions.keys()].sort(),
    states: [...gcp.functions.values()].map((f) => f.state),
    topics: [...gcp.topics.keys()].sort(),
    jobs: [...gcp.jobs.keys()].sort(),
    buckets: [...gcp.buckets.keys()].sort(),
    subscriptions: [...gcp.subscriptions.values()].map((s) => ({ topic: s.topic, deadLetter: s.deadLetterPolicy ?? null, ack: s.ackDeadlineSeconds })),
    policies: [...gcp.policies.entries()].map(([k, v]) => [k.replace(/eventarc-.*$/, 'eventarc-sub'), v.bindings]).sort(),
  };
}

describe('gcp adapter: interrupted deploys and remove', () => {
  it('a deploy interrupted at any of several points is finished by running deploy again: same end state, no duplicates', async () => {
    const s = full();
    const reference = fresh();
    await deploy(s, artifacts(s), context(reference));
    const expected = inventory(reference);
    expect(expected.functions).toHaveLength(4);

    for (const point of ['publisher.setIamPolicy', 'functions.updateFunction', 'subscriber.updateSubscription', 'scheduler.createJob', 'run.setIamPolicy', 'iam.createServiceAccount']) {
      const gcp = fresh();
      if (point === 'functions.updateFunction') gcp.failBuilds = 1;
      else gcp.failNext(point);
      const arts = artifacts(s);
      await expect(deploy(s, arts, context(gcp)), point).rejects.toThrow();
      await deploy(s, arts, context(gcp));
      expect(inventory(gcp), point).toEqual(expected);
      gcp.resetCalls();
      const again = await deploy(s, arts, context(gcp));
      expect(work(again.changes), point).toEqual([]);
      expect(gcp.mutatingCalls(), point).toEqual([]);
    }
  });

  it('a function whose build failed is redeployed (source and all) on the next run', async () => {
    const gcp = fresh();
    gcp.failBuilds = 1;
    const s = service([fn('api')]);
    const arts = artifacts(s);
    await expect(deploy(s, arts, context(gcp))).rejects.toThrow(/Build failed/);
    gcp.resetCalls();
    const p = await deploy(s, arts, context(gcp));
    expect(p.changes.filter((c) => c.action !== 'noop').map((c) => [c.action, c.id])).toEqual([['update', 'function:api']]);
    expect(gcp.mutatingCalls()).toEqual(['functions.generateUploadUrl', 'http.put', 'functions.updateFunction']);
    expect(gcp.functions.get('projects/shop-prod/locations/europe-west1/functions/shop-dev-api')?.state).toBe('ACTIVE');
  });

  it('a function created by a run that died before observing it is taken over (ALREADY_EXISTS), if it carries our labels', async () => {
    const gcp = fresh();
    const s = service([fn('api')]);
    const arts = artifacts(s);
    await deploy(s, arts, context(gcp));
    // Make the next plan believe it does not exist: observe lists nothing once.
    gcp.failNext('functions.createFunction', gcpError(6, 'Function already exists'));
    gcp.functions.get('projects/shop-prod/locations/europe-west1/functions/shop-dev-api')!.serviceConfig!.availableMemory = '128Mi';
    const { adapter } = await import('../../providers/gcp/index.js');
    const ctx = context(gcp);
    const scope = await adapter.scope(s, ctx);
    const [create] = adapter.desired(s, arts).filter((r) => r.id === 'function:api');
    await adapter.apply({ id: create.id, type: create.type, action: 'create', reasons: [], after: create.props, dependsOn: [], security: false, inputs: create.inputs }, ctx);
    void scope;
    expect(gcp.inputs('functions.updateFunction').at(-1).updateMask.paths).toContain('service_config.available_memory');
    expect(gcp.functions.get('projects/shop-prod/locations/europe-west1/functions/shop-dev-api')?.serviceConfig?.availableMemory).toBe('512Mi');
  });

  it('remove deletes exactly what carries this service and stage, and nothing else', async () => {
    const gcp = fresh();
    const s = full();
    await deploy(s, artifacts(s), context(gcp));
    // Someone else's things in the same project, some with names alike.
    gcp.functions.set('projects/shop-prod/locations/europe-west1/functions/shop-prod-api', { name: 'projects/shop-prod/locations/europe-west1/functions/shop-prod-api', labels: { 'slsx-service': 'shop', 'slsx-stage': 'prod', 'slsx-fn': 'api' } });
    gcp.functions.set('projects/shop-prod/locations/europe-west1/functions/legacy', { name: 'projects/shop-prod/locations/europe-west1/functions/legacy', labels: {} });
    gcp.topics.set('projects/shop-prod/topics/shop-dev-audit', { name: 'projects/shop-prod/topics/shop-dev-audit' });
    gcp.accounts.set('deployer@shop-prod.iam.gserviceaccount.com', { email: 'deployer@shop-prod.iam.gserviceaccount.com', description: 'CI' });
    gcp.jobs.set('projects/shop-prod/locations/europe-west1/jobs/backup', { name: 'projects/shop-prod/locations/europe-west1/jobs/backup', description: 'nightly backup' });
    gcp.buckets.set('shop-assets', { name: 'shop-assets', labels: { 'slsx-service': 'shop', 'slsx-stage': 'prod', 'slsx-bucket': 'assets' }, projectNumber: '123456789012' });
    gcp.resetCalls();
    const p = await deploy(s, [], context(gcp), true);
    expect(p.changes.every((c) => c.action === 'delete')).toBe(true);
    expect([...gcp.functions.keys()].sort()).toEqual(['projects/shop-prod/locations/europe-west1/functions/legacy', 'projects/shop-prod/locations/europe-west1/functions/shop-prod-api']);
    expect([...gcp.topics.keys()]).toEqual(['projects/shop-prod/topics/shop-dev-audit']);
    expect([...gcp.accounts.keys()]).toEqual(['deployer@shop-prod.iam.gserviceaccount.com']);
    expect([...gcp.jobs.keys()]).toEqual(['projects/shop-prod/locations/europe-west1/jobs/backup']);
    expect([...gcp.buckets.keys()]).toEqual(['shop-assets']);
    // The secret's policy lost only our member.
    expect(gcp.policies.get('projects/shop-prod/secrets/shop-dev-STRIPE_KEY')?.bindings).toEqual([]);
    // Deletes only; each resource is deleted once.
    const deletes = gcp.mutatingCalls().filter((n) => /delete/i.test(n));
    expect(deletes.sort()).toEqual([
      'functions.deleteFunction', 'functions.deleteFunction', 'functions.deleteFunction', 'functions.deleteFunction',
      'iam.deleteServiceAccount', 'iam.deleteServiceAccount', 'iam.deleteServiceAccount', 'iam.deleteServiceAccount', 'iam.deleteServiceAccount',
      'publisher.deleteTopic', 'publisher.deleteTopic',
      'scheduler.deleteJob',
      'storage.deleteBucket',
      // The dead-letter topic's own subscription goes with it (issue 13.2).
      'subscriber.deleteSubscription',
    ]);
    expect([...gcp.subscriptions.keys()].filter((k) => k.endsWith('-dlq'))).toEqual([]);
    // A second remove finds nothing.
    const again = await deploy(s, [], context(gcp), true);
    expect(again.changes).toEqual([]);
  });
});
