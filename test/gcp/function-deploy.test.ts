import { describe, expect, it } from 'vitest';
import { adapter } from '../../providers/gcp/index.js';
import { FakeGcp, PROJECT_NUMBER } from './support/fake-gcp.js';
import { artifacts, context, deploy, fn, plan, service, sha, work } from './support/service.js';

const svc = () => service([fn('api', { env: { TABLE: 'orders-dev' }, concurrency: { max: 5, warm: 1 }, secrets: ['STRIPE_KEY'] }), fn('worker', { memory: 1024, timeoutMs: 30_000 })]);
const SA_API = 'shop-dev-api@shop-prod.iam.gserviceaccount.com';

describe('gcp adapter: functions and service accounts', () => {
  it('desired() is pure and deterministic, with placeholders instead of the project and region', () => {
    const s = svc();
    const arts = artifacts(s);
    const a = adapter.desired(s, arts);
    expect(adapter.desired(s, arts)).toEqual(a);
    expect(a.map((r) => r.id)).toEqual(['sa:api', 'function:api', 'sa:worker', 'function:worker', 'iam:secret:STRIPE_KEY']);
    const f = a.find((r) => r.id === 'function:api')!;
    expect(f.dependsOn).toEqual(['sa:api', 'iam:secret:STRIPE_KEY']);
    expect(f.props.serviceAccount).toBe('shop-dev-api@${GCP::Project}.iam.gserviceaccount.com');
    expect(a.find((r) => r.id === 'sa:api')!.security).toBe(true);
  });

  it('first deploy sends exactly these requests, and only then', async () => {
    const gcp = new FakeGcp();
    gcp.secrets.add('projects/shop-prod/secrets/shop-dev-STRIPE_KEY');
    const s = svc();
    const p = await deploy(s, artifacts(s), context(gcp));
    expect(work(p.changes)).toEqual(['create function:api', 'create function:worker', 'create iam:secret:STRIPE_KEY', 'create sa:api', 'create sa:worker']);
    expect(gcp.inputs('iam.createServiceAccount')).toContainEqual({
      name: 'projects/shop-prod',
      accountId: 'shop-dev-api',
      serviceAccount: { displayName: 'sls-x shop/dev api', description: 'slsx:service=shop slsx:stage=dev slsx:id=sa:api' },
    });
    expect(gcp.inputs('functions.generateUploadUrl')).toEqual([{ parent: 'projects/shop-prod/locations/europe-west1' }, { parent: 'projects/shop-prod/locations/europe-west1' }]);
    expect(gcp.uploads.map((u) => u.body).sort()).toEqual(['zip of api: v1', 'zip of worker: v1']);
    const create = gcp.inputs('functions.createFunction').find((i) => i.functionId === 'shop-dev-api');
    expect(create).toEqual({
      parent: 'projects/shop-prod/locations/europe-west1',
      functionId: 'shop-dev-api',
      function: {
        name: 'projects/shop-prod/locations/europe-west1/functions/shop-dev-api',
        labels: { 'slsx-service': 'shop', 'slsx-stage': 'dev', 'slsx-fn': 'api', 'slsx-code': sha(s, 'api').slice(0, 48) },
        buildConfig: { runtime: 'nodejs22', entryPoint: 'api', source: { storageSource: create.function.buildConfig.source.storageSource } },
        serviceConfig: {
          availableMemory: '512Mi',
          availableCpu: '0.333',
          timeoutSeconds: 10,
          // The config's env, and the function's events and timeout for the shim (never in the zip).
          environmentVariables: { TABLE: 'orders-dev', SLSX_FUNCTIONS: '{"api":{"events":[],"region":"europe-west1","service":"shop","stage":"dev","timeoutMs":10000}}' },
          secretEnvironmentVariables: [{ key: 'STRIPE_KEY', projectId: 'shop-prod', secret: 'shop-dev-STRIPE_KEY', version: 'latest' }],
          maxInstanceCount: 5,
          minInstanceCount: 1,
          serviceAccountEmail: SA_API,
          ingressSettings: 'ALLOW_ALL',
          allTrafficOnLatestRevision: true,
        },
      },
    });
    expect(create.function.buildConfig.source.storageSource.bucket).toMatch(/^gcf-v2-uploads-/);
    expect(gcp.inputs('functions.createFunction').find((i) => i.functionId === 'shop-dev-worker').function.serviceConfig).toMatchObject({ availableMemory: '1024Mi', availableCpu: '0.583', timeoutSeconds: 30, maxInstanceCount: 100, minInstanceCount: 0 });
    // The secret: only this function's account may read it, granted before the function starts.
    expect(gcp.inputs('secrets.setIamPolicy')).toEqual([
      { resource: 'projects/shop-prod/secrets/shop-dev-STRIPE_KEY', policy: { bindings: [{ role: 'roles/secretmanager.secretAccessor', members: [`serviceAccount:${SA_API}`] }], etag: 'e0' } },
    ]);
    const order = gcp.calls.map((c) => `${c.name} ${c.input.accountId ?? c.input.functionId ?? c.input.resource ?? ''}`);
    expect(order.indexOf('iam.createServiceAccount shop-dev-api')).toBeLessThan(order.indexOf('secrets.setIamPolicy projects/shop-prod/secrets/shop-dev-STRIPE_KEY'));
    expect(order.indexOf('secrets.setIamPolicy projects/shop-prod/secrets/shop-dev-STRIPE_KEY')).toBeLessThan(order.indexOf('functions.createFunction shop-dev-api'));
    // No project-wide role anywhere: no call touches the project's policy.
    expect(gcp.calls.some((c) => /projects\/shop-prod$/.test(String(c.input?.resource ?? '')))).toBe(false);
    void PROJECT_NUMBER;
  });

  it('planning makes only read calls', async () => {
    const gcp = new FakeGcp();
    const s = svc();
    const p = await plan(s, artifacts(s), context(gcp));
    expect(p.scope).toEqual({ target: 'gcp', service: 'shop', stage: 'dev', account: 'shop-prod', region: 'europe-west1' });
    expect(gcp.calls.length).toBeGreaterThan(0);
    expect(gcp.mutatingCalls()).toEqual([]);
  });

  it('a second deploy with no change plans only noops and makes no mutating call', async () => {
    const gcp = new FakeGcp();
    gcp.secrets.add('projects/shop-prod/secrets/shop-dev-STRIPE_KEY');
    const s = svc();
    const arts = artifacts(s);
    await deploy(s, arts, context(gcp));
    gcp.resetCalls();
    const p = await deploy(s, arts, context(gcp));
    expect(p.changes.map((c) => [c.id, c.action, c.reasons])).toEqual(p.changes.map((c) => [c.id, 'noop', []]));
    expect(p.changes).toHaveLength(5);
    expect(gcp.mutatingCalls()).toEqual([]);
  });

  it("a changed handler uploads and updates only that function's source, with an update mask", async () => {
    const gcp = new FakeGcp();
    gcp.secrets.add('projects/shop-prod/secrets/shop-dev-STRIPE_KEY');
    const s = svc();
    await deploy(s, artifacts(s), context(gcp));
    gcp.resetCalls();
    gcp.uploads.length = 0;
    const p = await deploy(s, artifacts(s, { worker: 'v2' }), context(gcp));
    expect(p.changes.filter((c) => c.action !== 'noop').map((c) => [c.action, c.id, c.reasons])).toEqual([['update', 'function:worker', ['codeSha256 changed (code changed)']]]);
    expect(gcp.mutatingCalls()).toEqual(['functions.generateUploadUrl', 'http.put', 'functions.updateFunction']);
    const [update] = gcp.inputs('functions.updateFunction');
    expect(update.updateMask).toEqual({ paths: ['build_config.source', 'labels'] });
    expect(update.function.name).toBe('projects/shop-prod/locations/europe-west1/functions/shop-dev-worker');
    expect(update.function.labels['slsx-code']).toBe(sha(s, 'worker', 'v2').slice(0, 48));
    expect(gcp.uploads.map((u) => u.body)).toEqual(['zip of worker: v2']);
  });

  it('a config change updates only the changed fields (no upload), and says which', async () => {
    const gcp = new FakeGcp();
    gcp.secrets.add('projects/shop-prod/secrets/shop-dev-STRIPE_KEY');
    const s = svc();
    const arts = artifacts(s);
    await deploy(s, arts, context(gcp));
    gcp.resetCalls();
    const s2 = svc();
    s2.functions[1].memory = 2048;
    s2.functions[1].concurrency = { max: 3, warm: 0 };
    const p = await deploy(s2, arts, context(gcp));
    const change = p.changes.find((c) => c.id === 'function:worker')!;
    expect(change.reasons).toEqual(['maxInstances: 100 -> 3', 'memory: "1024Mi" -> "2048Mi"']);
    expect(gcp.mutatingCalls()).toEqual(['functions.updateFunction']);
    // Memory goes with its CPU (issue 13.7): 2 GiB needs 1 vCPU, not the 0.583 set at create.
    expect(gcp.inputs('functions.updateFunction')[0].updateMask).toEqual({ paths: ['service_config.available_cpu', 'service_config.available_memory', 'service_config.max_instance_count'] });
    expect(gcp.inputs('functions.updateFunction')[0].function.serviceConfig).toMatchObject({ availableMemory: '2048Mi', availableCpu: '1' });
  });

  it('a removed function is deleted with its service account and grants, and nothing else', async () => {
    const gcp = new FakeGcp();
    gcp.secrets.add('projects/shop-prod/secrets/shop-dev-STRIPE_KEY');
    const s = svc();
    await deploy(s, artifacts(s), context(gcp));
    gcp.resetCalls();
    const s2 = service([svc().functions[1]]);
    const p = await deploy(s2, artifacts(s2), context(gcp));
    expect(work(p.changes)).toEqual(['delete function:api', 'delete iam:secret:STRIPE_KEY', 'delete sa:api']);
    expect(gcp.mutatingCalls().sort()).toEqual(['functions.deleteFunction', 'iam.deleteServiceAccount', 'secrets.setIamPolicy']);
    expect(gcp.inputs('secrets.setIamPolicy')[0].policy.bindings).toEqual([]);
    expect([...gcp.functions.keys()]).toEqual(['projects/shop-prod/locations/europe-west1/functions/shop-dev-worker']);
    const names = gcp.calls.map((c) => c.name);
    expect(names.indexOf('functions.deleteFunction')).toBeLessThan(names.indexOf('iam.deleteServiceAccount'));
  });

  it('retries createFunction while a new service account propagates, with backoff through the injected sleep', async () => {
    const gcp = new FakeGcp();
    gcp.accountPropagationDelay = 2;
    const s = service([fn('api')]);
    await deploy(s, artifacts(s), context(gcp));
    expect(gcp.inputs('functions.createFunction')).toHaveLength(3);
    expect(gcp.sleeps).toEqual([1000, 2000]);
    expect(gcp.functions.size).toBe(1);
  });
});

describe('gcp CPU per memory size (issue 13.7)', () => {
  it('follows the published table; sizes between rows get the next row up', async () => {
    const { cpuForMemory } = await import('../../providers/gcp/apply/function.js');
    expect(['128Mi', '256Mi', '512Mi', '1024Mi', '2048Mi', '4096Mi', '8192Mi', '16384Mi', '32768Mi'].map(cpuForMemory)).toEqual(['0.083', '0.167', '0.333', '0.583', '1', '2', '2', '4', '8']);
    expect(cpuForMemory('768Mi')).toBe('0.583');
    expect(cpuForMemory('2Gi')).toBe('1');
    expect(cpuForMemory('3000Mi')).toBe('2');
  });
});
