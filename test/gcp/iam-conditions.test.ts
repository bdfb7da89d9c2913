import { describe, expect, it } from 'vitest';
import { FakeGcp } from './support/fake-gcp.js';
import { artifacts, context, deploy, fn, service, work } from './support/service.js';

const SECRET = 'projects/shop-prod/secrets/shop-dev-STRIPE_KEY';
const condition = { title: 'until 2027', expression: 'request.time < timestamp("2027-01-01T00:00:00Z")' };
const conditional = { role: 'roles/secretmanager.secretAccessor', members: ['group:oncall@example.com'], condition };

describe('gcp IAM: policies with IAM Conditions are read and written as version 3 (issue 13.6)', () => {
  it('every getIamPolicy asks for version 3, and a policy with conditions is kept and written as version 3', async () => {
    const gcp = new FakeGcp();
    gcp.secrets.add(SECRET);
    // Someone else's conditional grant on the secret, before sls-x first touches it.
    gcp.policies.set(SECRET, { version: 3, bindings: [conditional], etag: 'e1' });
    const s = service([fn('api', { secrets: ['STRIPE_KEY'], events: [{ kind: 'http', method: 'GET', path: '/x', cors: false }] })]);
    const first = await deploy(s, artifacts(s), context(gcp));
    expect(work(first.changes)).toContain('create iam:secret:STRIPE_KEY');
    const written = gcp.policies.get(SECRET)!;
    expect(written.version).toBe(3);
    expect(written.bindings).toEqual([{ role: 'roles/secretmanager.secretAccessor', members: ['serviceAccount:shop-dev-api@shop-prod.iam.gserviceaccount.com'] }, conditional]);

    // Conditions on the Cloud Run service's policy too: the next plan reads it (version 3) and
    // finds nothing to change.
    const runPolicies = [...gcp.policies.keys()].filter((k) => k.includes('/services/'));
    expect(runPolicies.length).toBeGreaterThan(0);
    for (const k of runPolicies) {
      const p = gcp.policies.get(k)!;
      gcp.policies.set(k, { ...p, version: 3, bindings: [...(p.bindings ?? []), { role: 'roles/run.invoker', members: ['group:qa@example.com'], condition }] });
    }
    const again = await deploy(s, artifacts(s), context(gcp));
    expect(work(again.changes)).toEqual([]);
    const reads = gcp.calls.filter((c) => c.name.endsWith('.getIamPolicy') && !c.name.startsWith('storage.'));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((c) => c.input.options?.requestedPolicyVersion === 3)).toBe(true);
  });
});
