import { describe, expect, it } from 'vitest';
import { bucketName } from '../../providers/gcp/naming.js';
import { FakeGcp, PROJECT_NUMBER } from './support/fake-gcp.js';
import { artifacts, context, deploy, fn, service, work } from './support/service.js';

const UPLOADS = bucketName('shop', 'dev', 'uploads', 'shop-prod');
const SA_THUMB = 'shop-dev-thumbnail@shop-prod.iam.gserviceaccount.com';
const SA_API = 'shop-dev-api@shop-prod.iam.gserviceaccount.com';

const svc = () =>
  service(
    [
      fn('thumbnail', { events: [{ kind: 'storage', bucket: 'uploads', on: ['created'], prefix: 'images/' }], buckets: [{ name: 'uploads', access: 'readwrite' }] }),
      fn('api', { buckets: [{ name: 'uploads', access: 'read' }, { name: 'legacy', access: 'read' }] }),
    ],
    { buckets: [{ name: 'uploads' }, { name: 'legacy', existing: 'acme-legacy-files' }] },
  );

describe('gcp adapter: buckets and storage triggers', () => {
  it('creates the bucket, an Eventarc storage trigger on the function, and object grants per function', async () => {
    const gcp = new FakeGcp();
    gcp.buckets.set('acme-legacy-files', { name: 'acme-legacy-files', location: 'EU', labels: {}, projectNumber: PROJECT_NUMBER });
    gcp.policies.set('bucket:acme-legacy-files', { bindings: [{ role: 'roles/storage.objectViewer', members: ['group:data@example.com'] }], etag: 'e5' });
    const s = svc();
    const p = await deploy(s, artifacts(s), context(gcp));
    expect(UPLOADS).toMatch(/^shop-dev-uploads-[0-9a-f]{8}$/);
    expect(work(p.changes)).toEqual([
      'create bucket:uploads',
      'create function:api',
      'create function:thumbnail',
      'create iam:bucket:legacy',
      'create iam:bucket:uploads',
      'create iam:run:thumbnail',
      // Bucket users may sign URLs as themselves (bucket(name).signedUrl).
      'create iam:sa:api',
      'create iam:sa:thumbnail',
      'create sa:api',
      'create sa:thumbnail',
    ]);
    expect(gcp.inputs('storage.createBucket')).toEqual([{ project: 'shop-prod', name: UPLOADS, location: 'europe-west1', labels: { 'slsx-service': 'shop', 'slsx-stage': 'dev', 'slsx-bucket': 'uploads' } }]);
    const thumb = gcp.inputs('functions.createFunction').find((i) => i.functionId === 'shop-dev-thumbnail').function;
    expect(thumb.eventTrigger).toEqual({
      eventType: 'google.cloud.storage.object.v1.finalized',
      eventFilters: [{ attribute: 'bucket', value: UPLOADS }],
      retryPolicy: 'RETRY_POLICY_RETRY',
      serviceAccountEmail: SA_THUMB,
    });
    expect(thumb.serviceConfig.environmentVariables).toEqual({
      SLSX_BUCKETS: `{"uploads":"${UPLOADS}"}`,
      // The shim filters storage events by prefix and suffix: they come from here, not from the code.
      SLSX_FUNCTIONS: '{"thumbnail":{"events":[{"bucket":"uploads","kind":"storage","on":["created"],"prefix":"images/"}],"region":"europe-west1","service":"shop","stage":"dev","timeoutMs":10000}}',
    });
    // The created bucket exists before the function whose trigger names it.
    const names = gcp.calls.map((c) => c.name);
    expect(names.indexOf('storage.createBucket')).toBeLessThan(names.indexOf('functions.createFunction'));
    const grants = gcp.inputs('storage.setIamPolicy');
    expect(grants).toContainEqual([UPLOADS, { bindings: [{ role: 'roles/storage.objectUser', members: [`serviceAccount:${SA_THUMB}`] }, { role: 'roles/storage.objectViewer', members: [`serviceAccount:${SA_API}`] }], etag: 'e0' }]);
    // An existing bucket: sls-x adds its member next to the ones already there.
    expect(grants).toContainEqual(['acme-legacy-files', { bindings: [{ role: 'roles/storage.objectViewer', members: ['group:data@example.com', `serviceAccount:${SA_API}`] }], etag: 'e5' }]);
    expect(gcp.mutatingCalls().filter((n) => n.startsWith('storage.')).sort()).toEqual(['storage.createBucket', 'storage.setIamPolicy', 'storage.setIamPolicy']);

    gcp.resetCalls();
    expect(work((await deploy(s, artifacts(s), context(gcp))).changes)).toEqual([]);
    expect(gcp.mutatingCalls()).toEqual([]);
  });

  it('a function that stops reading an existing bucket loses its grant there, and only its grant', async () => {
    const gcp = new FakeGcp();
    gcp.buckets.set('acme-legacy-files', { name: 'acme-legacy-files', location: 'EU', labels: {}, projectNumber: PROJECT_NUMBER });
    gcp.policies.set('bucket:acme-legacy-files', { bindings: [{ role: 'roles/storage.objectViewer', members: ['group:data@example.com'] }], etag: 'e5' });
    const s = svc();
    await deploy(s, artifacts(s), context(gcp));
    gcp.resetCalls();
    const s2 = svc();
    s2.buckets = [{ name: 'uploads' }];
    s2.functions[1].buckets = [{ name: 'uploads', access: 'read' }];
    const p = await deploy(s2, artifacts(s2), context(gcp));
    expect(work(p.changes)).toEqual(['delete iam:bucket:legacy', 'update function:api']);
    expect(gcp.policies.get('bucket:acme-legacy-files')?.bindings).toEqual([{ role: 'roles/storage.objectViewer', members: ['group:data@example.com'] }]);
  });

  it("keeps others' conditional grants on an existing bucket as they are (never widened to the whole bucket)", async () => {
    const gcp = new FakeGcp();
    gcp.buckets.set('acme-legacy-files', { name: 'acme-legacy-files', location: 'EU', labels: {}, projectNumber: PROJECT_NUMBER });
    const condition = { title: 'public only', expression: 'resource.name.startsWith("projects/_/buckets/acme-legacy-files/objects/public/")' };
    const conditional = { role: 'roles/storage.objectViewer', members: ['group:partners@example.com'], condition };
    gcp.policies.set('bucket:acme-legacy-files', { version: 3, bindings: [conditional], etag: 'e5' });
    const s = svc();
    await deploy(s, artifacts(s), context(gcp));
    expect(gcp.policies.get('bucket:acme-legacy-files')?.bindings).toEqual([{ role: 'roles/storage.objectViewer', members: [`serviceAccount:${SA_API}`] }, conditional]);

    // Dropping the bucket from the config removes sls-x's grant and nothing else.
    const s2 = svc();
    s2.buckets = [{ name: 'uploads' }];
    s2.functions[1].buckets = [{ name: 'uploads', access: 'read' }];
    await deploy(s2, artifacts(s2), context(gcp));
    expect(gcp.policies.get('bucket:acme-legacy-files')?.bindings).toEqual([conditional]);
  });

  it('a function with a trigger on deletes gets the deleted event type', async () => {
    const gcp = new FakeGcp();
    const s = service([fn('cleanup', { events: [{ kind: 'storage', bucket: 'uploads', on: ['deleted'] }] })], { buckets: [{ name: 'uploads' }] });
    await deploy(s, artifacts(s), context(gcp));
    expect(gcp.inputs('functions.createFunction')[0].function.eventTrigger.eventType).toBe('google.cloud.storage.object.v1.deleted');
  });
});
