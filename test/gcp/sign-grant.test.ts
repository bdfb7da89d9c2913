import { describe, expect, it } from 'vitest';
import { FakeGcp } from './support/fake-gcp.js';
import { artifacts, context, deploy, fn, service, work } from './support/service.js';

const SA_THUMB = 'shop-dev-thumb@shop-prod.iam.gserviceaccount.com';
const RESOURCE = `projects/-/serviceAccounts/${SA_THUMB}`;

describe('gcp: a bucket-using function may sign URLs as itself, and only as itself', () => {
  const svc = (withBuckets = true) =>
    service([fn('thumb', withBuckets ? { buckets: [{ name: 'uploads', access: 'readwrite' }] } : {}), fn('api')], { buckets: [{ name: 'uploads' }] });

  it('grants Token Creator on its own service account (IAM setIamPolicy), no-op on redeploy, removed with its buckets', async () => {
    const gcp = new FakeGcp();
    const p = await deploy(svc(), artifacts(svc()), context(gcp));
    expect(work(p.changes)).toContain('create iam:sa:thumb');
    expect(work(p.changes).filter((c) => c.startsWith('create iam:sa:'))).toEqual(['create iam:sa:thumb']);
    const set = gcp.inputs('iam.setIamPolicy').find((i) => i.resource === RESOURCE);
    expect(set.policy.bindings).toEqual([{ role: 'roles/iam.serviceAccountTokenCreator', members: [`serviceAccount:${SA_THUMB}`] }]);
    // Someone else's grant on that account is kept.
    gcp.policies.set(RESOURCE, { bindings: [...set.policy.bindings, { role: 'roles/iam.serviceAccountUser', members: ['user:ops@example.com'] }], etag: 'e1' });

    gcp.resetCalls();
    const again = await deploy(svc(), artifacts(svc()), context(gcp));
    expect(work(again.changes)).toEqual([]);
    expect(gcp.mutatingCalls()).toEqual([]);

    const dropped = await deploy(svc(false), artifacts(svc(false)), context(gcp));
    expect(work(dropped.changes)).toContain('delete iam:sa:thumb');
    const last = gcp.inputs('iam.setIamPolicy').filter((i) => i.resource === RESOURCE).pop();
    expect(last.policy.bindings).toEqual([{ role: 'roles/iam.serviceAccountUser', members: ['user:ops@example.com'] }]);
  });
});
