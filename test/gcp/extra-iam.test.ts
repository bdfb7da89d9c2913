/**
 * Issue 11.1 on GCP: the escape hatch `functions.<fn>.targets.gcp.roles: [{ role, resource }]`
 * grants the function's service account a role on an existing resource sls-x does not manage,
 * one binding per resource in that resource's own policy, sls-x's members only.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../src/model/service.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { FakeGcp, PROJECT, PROJECT_NUMBER } from './support/fake-gcp.js';
import { artifacts, context, deploy, fn, plan, service, work } from './support/service.js';
import { project, STUBS } from '../config/helpers.js';
import { runCli } from '../support/cli.js';
import { validateGcp } from '../../providers/gcp/validate.js';

const TOPIC = `projects/${PROJECT}/topics/legacy-orders`;
const SUB = `projects/${PROJECT}/subscriptions/legacy-feed`;
const SECRET = `projects/${PROJECT}/secrets/partner-key`;
const BUCKET = 'acme-archive';
const PROJ = `projects/${PROJECT}`;
const sa = (f: string) => `serviceAccount:shop-dev-${f}@${PROJECT}.iam.gserviceaccount.com`;
const condition = { title: 'until 2027', expression: 'request.time < timestamp("2027-01-01T00:00:00Z")' };

const roles = (...entries: Array<[string, string]>): Pick<FunctionSpec, 'extraIam'> => ({ extraIam: { gcp: entries.map(([role, resource]) => ({ role, resource })) } });
const http: Pick<FunctionSpec, 'events'> = { events: [{ kind: 'http', method: 'GET', path: '/x', cors: false }] };

function world(): FakeGcp {
  const gcp = new FakeGcp();
  gcp.topics.set(TOPIC, { name: TOPIC });
  // Someone else's grants on the topic: an unconditional one in the role sls-x adds, another role, a conditional one.
  gcp.policies.set(TOPIC, {
    version: 3,
    etag: 'e1',
    bindings: [
      { role: 'roles/pubsub.publisher', members: ['group:orders@example.com'] },
      { role: 'roles/pubsub.viewer', members: ['user:ops@example.com'] },
      { role: 'roles/pubsub.publisher', members: ['group:qa@example.com'], condition },
    ],
  });
  return gcp;
}

describe('gcp escape hatch: targets.gcp.roles (issue 11.1)', () => {
  it('first deploy adds exactly the binding (read at v3, others kept), a redeploy writes no IAM, dropping entries removes only sls-x members, remove of the stage too', async () => {
    const gcp = world();
    const svc = (api: Array<[string, string]>, worker: Array<[string, string]>) =>
      service([fn('api', { ...http, ...roles(...api) }), fn('worker', roles(...worker))]);
    const s = svc([['roles/pubsub.publisher', TOPIC]], [['roles/pubsub.publisher', TOPIC], ['roles/pubsub.viewer', TOPIC]]);

    const p = await plan(s, artifacts(s), context(gcp));
    expect(gcp.mutatingCalls()).toEqual([]);
    const change = p.changes.find((c) => c.id === `iam:extra:topic:${TOPIC}`)!;
    expect(change.action).toBe('create');
    expect(change.security).toBe(true);
    expect(change.after).toEqual({
      kind: 'topic',
      resource: TOPIC,
      bindings: { 'roles/pubsub.publisher': [sa('api'), sa('worker')].map((m) => m.replace(PROJECT, '${GCP::Project}')), 'roles/pubsub.viewer': [sa('worker').replace(PROJECT, '${GCP::Project}')] },
    });
    // The topic itself is not a resource of the plan: never created, changed or deleted.
    expect(p.changes.filter((c) => c.id.includes('legacy-orders')).map((c) => c.id)).toEqual([`iam:extra:topic:${TOPIC}`]);

    gcp.resetCalls();
    const first = await deploy(s, artifacts(s), context(gcp));
    expect(work(first.changes).filter((w) => w.includes('iam:extra'))).toEqual([`create iam:extra:topic:${TOPIC}`]);
    // Read at version 3 (it has a conditional binding), written back with everyone else's grants.
    expect(gcp.inputs('publisher.getIamPolicy').filter((i) => i.resource === TOPIC).every((i) => i.options?.requestedPolicyVersion === 3)).toBe(true);
    expect(gcp.inputs('publisher.setIamPolicy').filter((i) => i.resource === TOPIC)).toHaveLength(1);
    expect(gcp.policies.get(TOPIC)!.bindings).toEqual([
      { role: 'roles/pubsub.publisher', members: [sa('api'), sa('worker'), 'group:orders@example.com'].sort() },
      { role: 'roles/pubsub.viewer', members: [sa('worker'), 'user:ops@example.com'].sort() },
      { role: 'roles/pubsub.publisher', members: ['group:qa@example.com'], condition },
    ]);
    expect(gcp.policies.get(TOPIC)!.version).toBe(3);
    // The grant comes before the function that uses it; each function records what it grants on.
    expect(first.changes.find((c) => c.id === 'function:api')!.dependsOn).toContain(`iam:extra:topic:${TOPIC}`);
    const api = [...gcp.functions.values()].find((f) => f.name?.endsWith('/shop-dev-api'))!;
    expect(api.serviceConfig?.environmentVariables?.SLSX_GRANTS).toBe(JSON.stringify([TOPIC]));

    gcp.resetCalls();
    const again = await deploy(s, artifacts(s), context(gcp));
    expect(work(again.changes)).toEqual([]);
    expect(gcp.mutatingCalls()).toEqual([]);

    // The worker's viewer entry goes: only its member of that role leaves; the ops user stays.
    const s2 = svc([['roles/pubsub.publisher', TOPIC]], [['roles/pubsub.publisher', TOPIC]]);
    const second = await deploy(s2, artifacts(s2), context(gcp));
    expect(work(second.changes)).toContain(`update iam:extra:topic:${TOPIC}`);
    expect(gcp.policies.get(TOPIC)!.bindings).toEqual([
      { role: 'roles/pubsub.publisher', members: [sa('api'), sa('worker'), 'group:orders@example.com'].sort() },
      { role: 'roles/pubsub.viewer', members: ['user:ops@example.com'] },
      { role: 'roles/pubsub.publisher', members: ['group:qa@example.com'], condition },
    ]);

    // Every entry gone from faas.yaml: found through the deployed functions' SLSX_GRANTS and deleted.
    const s3 = svc([], []);
    const p3 = await plan(s3, artifacts(s3), context(gcp));
    expect(work(p3.changes).filter((w) => w.includes('iam:'))).toEqual([`delete iam:extra:topic:${TOPIC}`]);
    await deploy(s3, artifacts(s3), context(gcp));
    expect(gcp.policies.get(TOPIC)!.bindings).toEqual([
      { role: 'roles/pubsub.publisher', members: ['group:orders@example.com'] },
      { role: 'roles/pubsub.viewer', members: ['user:ops@example.com'] },
      { role: 'roles/pubsub.publisher', members: ['group:qa@example.com'], condition },
    ]);
    expect([...gcp.functions.values()].every((f) => f.serviceConfig?.environmentVariables?.SLSX_GRANTS === undefined)).toBe(true);
    expect(gcp.topics.has(TOPIC)).toBe(true);

    // Back again, then the whole stage removed: the grant goes, the topic and others' grants stay.
    await deploy(s, artifacts(s), context(gcp));
    const removed = await deploy(s, [], context(gcp), true);
    expect(work(removed.changes)).toContain(`delete iam:extra:topic:${TOPIC}`);
    expect(gcp.topics.has(TOPIC)).toBe(true);
    expect(gcp.policies.get(TOPIC)!.bindings).toEqual([
      { role: 'roles/pubsub.publisher', members: ['group:orders@example.com'] },
      { role: 'roles/pubsub.viewer', members: ['user:ops@example.com'] },
      { role: 'roles/pubsub.publisher', members: ['group:qa@example.com'], condition },
    ]);
  });

  it('a grant the config dropped is found through the functions even when the function itself goes', async () => {
    const gcp = world();
    const s = service([fn('api', http), fn('worker', roles(['roles/pubsub.publisher', TOPIC]))]);
    await deploy(s, artifacts(s), context(gcp));
    const s2 = service([fn('api', http)]);
    const p = await deploy(s2, artifacts(s2), context(gcp));
    expect(work(p.changes)).toContain(`delete iam:extra:topic:${TOPIC}`);
    expect(gcp.policies.get(TOPIC)!.bindings!.flatMap((b) => b.members ?? [])).not.toContain(sa('worker'));
  });

  it('subscriptions, secrets and buckets: each through its own policy API, sls-x members only', async () => {
    const gcp = new FakeGcp();
    gcp.subscriptions.set(SUB, { name: SUB, topic: TOPIC });
    gcp.secrets.add(SECRET);
    gcp.policies.set(SECRET, { bindings: [{ role: 'roles/secretmanager.secretAccessor', members: ['user:dev@example.com'] }], etag: 'e1' });
    gcp.buckets.set(BUCKET, { name: BUCKET, location: 'EU', labels: {}, projectNumber: PROJECT_NUMBER });
    gcp.policies.set(`bucket:${BUCKET}`, { bindings: [{ role: 'roles/storage.objectViewer', members: ['group:auditors@example.com'] }], etag: 'e1' });
    const s = service([
      fn('worker', roles(['roles/pubsub.subscriber', SUB], ['roles/secretmanager.secretAccessor', SECRET], ['roles/storage.objectViewer', `projects/_/buckets/${BUCKET}`])),
    ]);
    const first = await deploy(s, artifacts(s), context(gcp));
    expect(work(first.changes).filter((w) => w.includes('iam:'))).toEqual([
      `create iam:extra:bucket:${BUCKET}`,
      `create iam:extra:secret:${SECRET}`,
      `create iam:extra:subscription:${SUB}`,
    ]);
    expect(gcp.inputs('subscriber.setIamPolicy').map((i) => i.resource)).toEqual([SUB]);
    expect(gcp.inputs('subscriber.getIamPolicy').every((i) => i.options?.requestedPolicyVersion === 3)).toBe(true);
    expect(gcp.policies.get(SUB)!.bindings).toEqual([{ role: 'roles/pubsub.subscriber', members: [sa('worker')] }]);
    expect(gcp.policies.get(SECRET)!.bindings).toEqual([{ role: 'roles/secretmanager.secretAccessor', members: [sa('worker'), 'user:dev@example.com'].sort() }]);
    expect(gcp.policies.get(`bucket:${BUCKET}`)!.bindings).toEqual([{ role: 'roles/storage.objectViewer', members: ['group:auditors@example.com', sa('worker')].sort() }]);

    gcp.resetCalls();
    expect(work((await deploy(s, artifacts(s), context(gcp))).changes)).toEqual([]);
    expect(gcp.mutatingCalls()).toEqual([]);

    await deploy(s, [], context(gcp), true);
    expect(gcp.policies.get(SUB)!.bindings).toEqual([]);
    expect(gcp.policies.get(SECRET)!.bindings).toEqual([{ role: 'roles/secretmanager.secretAccessor', members: ['user:dev@example.com'] }]);
    expect(gcp.policies.get(`bucket:${BUCKET}`)!.bindings).toEqual([{ role: 'roles/storage.objectViewer', members: ['group:auditors@example.com'] }]);
    expect(gcp.subscriptions.has(SUB) && gcp.secrets.has(SECRET) && gcp.buckets.has(BUCKET)).toBe(true);
  });

  it('a project-level grant: an unconditional binding in the project policy, kept apart from the Firestore grant and from everyone else', async () => {
    const gcp = new FakeGcp();
    const others = [
      { role: 'roles/owner', members: ['user:admin@example.com'] },
      { role: 'roles/monitoring.metricWriter', members: ['group:sre@example.com'] },
      { role: 'roles/logging.viewer', members: ['group:qa@example.com'], condition },
    ];
    gcp.policies.set(PROJ, { version: 3, etag: 'e1', bindings: others });
    const s = service(
      [fn('api', { ...http, tables: [{ name: 'todos', access: 'readwrite' }], ...roles(['roles/monitoring.metricWriter', PROJ], ['roles/datastore.viewer', PROJ]) })],
      { tables: [{ name: 'todos', key: 'id' }] },
    );
    const first = await deploy(s, artifacts(s), context(gcp));
    expect(work(first.changes).filter((w) => w.includes('iam:extra') || w.includes('iam:tables'))).toEqual([`create iam:extra:project:${PROJ}`, 'create iam:tables']);
    const policy = gcp.policies.get(PROJ)!;
    expect(policy.version).toBe(3);
    expect(policy.bindings).toEqual(expect.arrayContaining([
      { role: 'roles/owner', members: ['user:admin@example.com'] },
      { role: 'roles/monitoring.metricWriter', members: ['group:sre@example.com', sa('api')].sort() },
      { role: 'roles/logging.viewer', members: ['group:qa@example.com'], condition },
      expect.objectContaining({ role: 'roles/datastore.user', members: [sa('api')], condition: expect.objectContaining({ expression: expect.stringContaining('databases/') }) }),
      // A role the Firestore grant also uses, unconditional here: the escape hatch's, told apart by the condition.
      { role: 'roles/datastore.viewer', members: [sa('api')] },
    ]));
    expect(policy.bindings).toHaveLength(5);

    gcp.resetCalls();
    expect(work((await deploy(s, artifacts(s), context(gcp))).changes)).toEqual([]);
    expect(gcp.mutatingCalls()).toEqual([]);

    // The hatch goes, tables stay: only the unconditional member leaves; the Firestore grant is untouched.
    const s2 = service([fn('api', { ...http, tables: [{ name: 'todos', access: 'readwrite' }] })], { tables: [{ name: 'todos', key: 'id' }] });
    const second = await deploy(s2, artifacts(s2), context(gcp));
    expect(work(second.changes).filter((w) => w.includes('iam:'))).toEqual([`delete iam:extra:project:${PROJ}`]);
    expect(gcp.policies.get(PROJ)!.bindings).toEqual(expect.arrayContaining([
      { role: 'roles/monitoring.metricWriter', members: ['group:sre@example.com'] },
      expect.objectContaining({ role: 'roles/datastore.user', members: [sa('api')] }),
    ]));

    await deploy(s2, [], context(gcp), true);
    expect(gcp.policies.get(PROJ)!.bindings).toEqual(others);
  });

  it('a referenced resource that does not exist: a clear error naming it and ${ref:...}, nothing created in its place', async () => {
    const gcp = new FakeGcp();
    const s = service([fn('worker', roles(['roles/pubsub.publisher', `projects/${PROJECT}/topics/nowhere`]))]);
    const err = await deploy(s, artifacts(s), context(gcp)).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SlsxError);
    expect((err as SlsxError).code).toBe('USAGE');
    expect((err as SlsxError).message).toContain(`projects/${PROJECT}/topics/nowhere`);
    expect((err as SlsxError).hint).toContain('${ref:...}');
    expect(gcp.topics.has(`projects/${PROJECT}/topics/nowhere`)).toBe(false);
    expect(gcp.inputs('publisher.createTopic')).toEqual([]);
  });

  it('an entry in a role sls-x derives on the stage\'s own topic, secret or bucket is refused at validate; other roles there are fine', () => {
    const s = service(
      [fn('api', { ...http, secrets: ['STRIPE_KEY'], ...roles(
        ['roles/pubsub.publisher', `projects/${PROJECT}/topics/shop-dev-orders`],
        ['roles/pubsub.viewer', `projects/${PROJECT}/topics/shop-dev-orders`],
        ['roles/secretmanager.secretAccessor', `projects/${PROJECT}/secrets/shop-dev-STRIPE_KEY`],
        ['roles/pubsub.publisher', TOPIC],
      ) })],
      { queues: [{ name: 'orders', visibilityTimeoutMs: 30_000, maxRetries: 4, deadLetter: false, retentionMs: 86_400_000 }] },
    );
    const found = validateGcp(s).filter((d) => d.code === 'gcp-extra-iam-own-resource');
    expect(found.map((d) => [d.severity, d.path])).toEqual([
      ['error', 'functions.api.targets.gcp.roles.0'],
      ['error', 'functions.api.targets.gcp.roles.2'],
    ]);
    expect(found[0]!.hint).toContain('`sends:`');
  });

  describe('through the CLI', () => {
    const made: Array<() => void> = [];
    afterAll(() => made.forEach((c) => c()));
    const YAML = `service: shop
targets:
  gcp: { region: europe-west1, project: shop-prod }
references:
  legacy:
    gcp: ${TOPIC}
functions:
  api:
    handler: src/api.handler
    events: [ { http: GET /x } ]
  worker:
    handler: src/worker.handler
    targets:
      gcp:
        roles: [ { role: roles/pubsub.publisher, resource: "\${ref:legacy}" } ]
`;

    it('plan shows the grant under [IAM]; validate --target gcp says it', async () => {
      const p = project({ ...STUBS, 'faas.yaml': YAML });
      made.push(p.cleanup);
      const gcp = world();
      const validated = await runCli(['validate', '--target', 'gcp'], p.dir, { clients: { gcp: gcp.clients } });
      expect(validated.stdout + validated.stderr).toContain(`roles/pubsub.publisher on ${TOPIC}`);
      const planned = await runCli(['plan', '--target', 'gcp'], p.dir, { clients: { gcp: gcp.clients } });
      expect(planned.code).toBe(0);
      expect(planned.stdout).toMatch(new RegExp(`^ {2}\\+ create {2}iam:extra:topic:${TOPIC.replace(/\//g, '\\/')} .*\\[IAM\\]$`, 'm'));
      expect(gcp.mutatingCalls()).toEqual([]);
    });
  });
});
