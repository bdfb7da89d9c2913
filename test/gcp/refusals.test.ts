import { describe, expect, it } from 'vitest';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { adapter } from '../../providers/gcp/index.js';
import { bucketName } from '../../providers/gcp/naming.js';
import { FakeGcp, PROJECT_NUMBER } from './support/fake-gcp.js';
import { artifacts, context, fn, plan, service } from './support/service.js';

async function refusal(promise: Promise<unknown>): Promise<SlsxError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SlsxError);
  return err as SlsxError;
}

describe('gcp adapter: plan-time refusals, before any write', () => {
  it('an unknown region, in the config or from GOOGLE_CLOUD_REGION', async () => {
    const gcp = new FakeGcp();
    const s = service([fn('api')], { targets: { gcp: { region: 'europe-west99', account: 'shop-prod' } } });
    const err = await refusal(adapter.scope(s, context(gcp)));
    expect([err.code, err.message]).toEqual(['CONFIG_INVALID', "Unknown GCP region 'europe-west99' (from targets.gcp.region in the config): Cloud Functions does not run there."]);
    expect(err.diagnostics[0]).toMatchObject({ path: 'targets.gcp.region', file: '/project/faas.yaml', target: 'gcp' });
    const fromEnv = await refusal(adapter.scope(service([fn('api')], { targets: { gcp: { account: 'shop-prod' } } }), context(gcp, { GOOGLE_CLOUD_REGION: 'mars-1' })));
    expect(fromEnv.message).toContain('(from GOOGLE_CLOUD_REGION)');
    const none = await refusal(adapter.scope(service([fn('api')], { targets: { gcp: {} } }), context(gcp)));
    expect([none.code, none.hint]).toEqual(['USAGE', 'Add `targets: { gcp: { region: europe-west1 } }` to faas.yaml, or export GOOGLE_CLOUD_REGION.']);
    expect(gcp.calls).toEqual([]);
  });

  it('a project the credentials cannot see', async () => {
    const gcp = new FakeGcp();
    const err = await refusal(adapter.scope(service([fn('api')], { targets: { gcp: { region: 'europe-west1', account: 'someone-else' } } }), context(gcp)));
    expect(err.code).toBe('USAGE');
    expect(err.message).toBe("GCP project 'someone-else' does not exist, is being deleted, or the credentials in use cannot see it.");
    expect(gcp.mutatingCalls()).toEqual([]);
  });

  it('a function or service account name taken by something without our labels, buckets of other projects: all at once', async () => {
    const gcp = new FakeGcp();
    gcp.functions.set('projects/shop-prod/locations/europe-west1/functions/shop-dev-api', { name: 'projects/shop-prod/locations/europe-west1/functions/shop-dev-api', labels: { team: 'billing' } });
    gcp.accounts.set('shop-dev-worker@shop-prod.iam.gserviceaccount.com', { email: 'shop-dev-worker@shop-prod.iam.gserviceaccount.com', description: 'made by hand' });
    gcp.buckets.set('acme-shared', { name: 'acme-shared', labels: {}, projectNumber: '999' });
    gcp.buckets.set('locked-down', { name: 'locked-down', labels: {}, projectNumber: 'forbidden' });
    const uploads = bucketName('shop', 'dev', 'uploads', 'shop-prod');
    gcp.buckets.set(uploads, { name: uploads, labels: { 'slsx-service': 'other', 'slsx-stage': 'dev' }, projectNumber: PROJECT_NUMBER });
    const s = service([fn('api'), fn('worker')], { buckets: [{ name: 'shared', existing: 'acme-shared' }, { name: 'locked', existing: 'locked-down' }, { name: 'gone', existing: 'no-such-bucket' }, { name: 'uploads' }] });
    const err = await refusal(plan(s, artifacts(s), context(gcp)));
    expect(err.code).toBe('RESOURCE_CONFLICT');
    expect(err.diagnostics.map((d) => [d.code, d.path]).sort()).toEqual([
      ['bucket-missing', 'buckets.gone.existing'],
      ['bucket-not-ours', 'buckets.uploads'],
      ['bucket-owned-elsewhere', 'buckets.locked.existing'],
      ['bucket-owned-elsewhere', 'buckets.shared.existing'],
      ['function-name-taken', 'functions.api'],
      ['service-account-taken', 'functions.worker'],
    ]);
    expect(err.diagnostics.find((d) => d.code === 'function-name-taken')?.message).toBe("The Cloud Function 'shop-dev-api' exists and is not shop/dev's (no sls-x labels).");
    expect(err.diagnostics.every((d) => d.target === 'gcp' && d.hint)).toBe(true);
    expect(gcp.mutatingCalls()).toEqual([]);
  });

  it('a denied read names the missing permission', async () => {
    const gcp = new FakeGcp();
    gcp.failNext('functions.getFunction', Object.assign(new Error("Permission 'cloudfunctions.functions.get' denied on resource"), { code: 7 }));
    const err = await refusal(plan(service([fn('api')]), artifacts(service([fn('api')])), context(gcp)));
    expect(err.code).toBe('ACCESS_DENIED');
    expect(err.message).toContain('missing permission cloudfunctions.functions.get');
  });
});
