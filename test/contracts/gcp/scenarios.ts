/**
 * The deploys the fake-backed gcp tests drive (test/gcp/*.test.ts), run again to collect every
 * request the adapter sends: first deploys, no-change redeploys, updates, partial and full
 * removes of services with http, queue (dead letters), schedule and storage functions,
 * secrets, tables and escape-hatch grants; plus the lock, invoke, logs, invocations, cold-start bench and dead-letter commands.
 */
import { adapter } from '../../../providers/gcp/index.js';
import { FakeGcp, PROJECT_NUMBER, gcpError } from '../../gcp/support/fake-gcp.js';
import { artifacts, context, deploy, fn, service } from '../../gcp/support/service.js';

export interface Recorded {
  scenario: string;
  name: string;
  input: any;
}

const SECRET = 'projects/shop-prod/secrets/shop-dev-STRIPE_KEY';

function take(scenario: string, gcp: FakeGcp, into: Recorded[]): void {
  for (const c of gcp.calls) into.push({ scenario, name: c.name, input: c.input });
  gcp.resetCalls();
}

/** function-deploy.test.ts: two functions, env, warm instances, a secret. */
async function functionsAndSecrets(out: Recorded[]) {
  const svc = () => service([fn('api', { env: { TABLE: 'orders-dev' }, concurrency: { max: 5, warm: 1 }, secrets: ['STRIPE_KEY'] }), fn('worker', { memory: 1024, timeoutMs: 30_000 })]);
  const gcp = new FakeGcp();
  gcp.secrets.add(SECRET);
  const s = svc();
  await deploy(s, artifacts(s), context(gcp));
  take('functions: first deploy', gcp, out);
  await deploy(s, artifacts(s), context(gcp));
  take('functions: no-change redeploy', gcp, out);
  await deploy(s, artifacts(s, { worker: 'v2' }), context(gcp));
  take('functions: code update', gcp, out);
  const s2 = svc();
  s2.functions[1].memory = 2048;
  s2.functions[1].concurrency = { max: 3, warm: 0 };
  s2.functions[0].env = { TABLE: 'orders-v2' };
  s2.functions[0].timeoutMs = 60_000;
  await deploy(s2, artifacts(s2, { worker: 'v2' }), context(gcp));
  take('functions: config update', gcp, out);
  const s3 = service([svc().functions[1]]);
  await deploy(s3, artifacts(s3), context(gcp));
  take('functions: a function removed', gcp, out);
  await deploy(s3, [], context(gcp), true);
  take('functions: remove', gcp, out);

  // A service account taken over (ALREADY_EXISTS) or drifted is patched; a failed build is redeployed.
  const g2 = new FakeGcp();
  g2.failBuilds = 1;
  const one = service([fn('api')]);
  await deploy(one, artifacts(one), context(g2)).catch(() => undefined);
  take('functions: failed build', g2, out);
  await deploy(one, artifacts(one), context(g2));
  take('functions: redeploy after a failed build', g2, out);
  const account = g2.accounts.get('shop-dev-api@shop-prod.iam.gserviceaccount.com')!;
  account.displayName = 'edited by hand';
  await deploy(one, artifacts(one), context(g2));
  take('functions: drifted service account', g2, out);
}

/** http.test.ts: a public HTTP function and a private one; others' grants on the service. */
async function http(out: Recorded[]) {
  const svc = () => service([
    fn('api', { events: [{ kind: 'http', method: 'GET', path: '/orders/{id}', cors: false }, { kind: 'http', method: 'POST', path: '/orders', cors: false }] }),
    fn('internal'),
  ]);
  const gcp = new FakeGcp();
  const s = svc();
  await deploy(s, artifacts(s), context(gcp));
  take('http: first deploy', gcp, out);
  await adapter.outputs(s, { target: 'gcp', service: 'shop', stage: 'dev', account: 'shop-prod', region: 'europe-west1' }, context(gcp));
  take('http: outputs', gcp, out);
  gcp.policies.set('projects/shop-prod/locations/europe-west1/services/shop-dev-api', { bindings: [{ role: 'roles/run.invoker', members: ['allUsers', 'user:ops@example.com'] }, { role: 'roles/run.viewer', members: ['group:team@example.com'] }], etag: 'e9' });
  const s2 = svc();
  s2.functions[0].events = [];
  await deploy(s2, artifacts(s2), context(gcp));
  take('http: http event dropped', gcp, out);
  await deploy(s2, [], context(gcp), true);
  take('http: remove', gcp, out);
}

/** queue.test.ts and dead-letters.test.ts: topics, a trigger, dead-lettering, the DLQ's subscription. */
async function queue(out: Recorded[]) {
  const svc = () => service(
    [fn('api', { sends: ['orders'] }), fn('worker', { timeoutMs: 30_000, events: [{ kind: 'queue', queue: 'orders', batchSize: 1, batchWindowMs: 0 }] })],
    { queues: [{ name: 'orders', visibilityTimeoutMs: 60_000, maxRetries: 4, deadLetter: true, retentionMs: 4 * 86_400_000 }] },
  );
  const gcp = new FakeGcp();
  const s = svc();
  await deploy(s, artifacts(s), context(gcp));
  take('queue: first deploy', gcp, out);
  await deploy(s, artifacts(s), context(gcp));
  take('queue: no-change redeploy', gcp, out);
  const s2 = svc();
  s2.queues[0].maxRetries = 9;
  s2.queues[0].retentionMs = 2 * 86_400_000;
  s2.queues[0].visibilityTimeoutMs = 120_000;
  await deploy(s2, artifacts(s2), context(gcp));
  take('queue: retries, retention and visibility update', gcp, out);
  // A stage deployed before the DLQ had its own subscription gets one (topic update).
  gcp.subscriptions.delete('projects/shop-prod/subscriptions/shop-dev-orders-dlq');
  await deploy(s2, artifacts(s2), context(gcp));
  take('queue: DLQ subscription repaired', gcp, out);
  // Dead letters: listed, redriven, invoked by publishing.
  await gcp.clients.publisher.publish({ topic: 'projects/shop-prod/topics/shop-dev-orders-dlq', messages: [{ data: Buffer.from('{"order":1}'), attributes: { CloudPubSubDeadLetterSourceDeliveryCount: '5' } }] });
  gcp.resetCalls();
  await adapter.deadLetters!(s2, 'orders', context(gcp));
  take('queue: dead letters listed', gcp, out);
  await adapter.redrive!(s2, 'orders', context(gcp));
  take('queue: dead letters redriven', gcp, out);
  await adapter.invoke!(s2, 'worker', { id: 7 }, context(gcp));
  take('queue: invoke by publishing', gcp, out);
  const s3 = svc();
  s3.queues[0].deadLetter = false;
  await deploy(s3, artifacts(s3), context(gcp));
  take('queue: dead-lettering turned off', gcp, out);
  await deploy(s3, [], context(gcp), true);
  take('queue: remove', gcp, out);
}

/** schedule.test.ts: two jobs (one paused), an invoker account; cron change; schedules removed. */
async function schedule(out: Recorded[]) {
  const svc = () => service([
    fn('nightly', {
      events: [
        { kind: 'schedule', expression: 'cron(0 3 * * *)', cron: '0 3 * * *', timezone: 'Europe/Paris', enabled: true, input: { full: true } },
        { kind: 'schedule', expression: 'rate(15 minutes)', rateMs: 900_000, timezone: 'UTC', enabled: false },
      ],
    }),
  ]);
  const gcp = new FakeGcp();
  const s = svc();
  const arts = artifacts(s);
  await deploy(s, arts, context(gcp));
  take('schedule: first deploy', gcp, out);
  await deploy(s, arts, context(gcp));
  take('schedule: no-change redeploy', gcp, out);
  const s2 = svc();
  (s2.functions[0].events[0] as { cron: string }).cron = '30 4 * * *';
  (s2.functions[0].events[1] as { enabled: boolean }).enabled = true;
  await deploy(s2, arts, context(gcp));
  take('schedule: cron changed, one resumed', gcp, out);
  await adapter.invoke!(s2, 'nightly', undefined, context(gcp));
  take('schedule: invoke', gcp, out);
  const s3 = service([fn('nightly')]);
  await deploy(s3, artifacts(s3), context(gcp));
  take('schedule: schedules removed', gcp, out);
  await deploy(s3, [], context(gcp), true);
  take('schedule: remove', gcp, out);
}

/** storage.test.ts: a created bucket, an existing one with others' (conditional) grants, a trigger. */
async function storage(out: Recorded[]) {
  const svc = () => service(
    [
      fn('thumbnail', { events: [{ kind: 'storage', bucket: 'uploads', on: ['created'], prefix: 'images/' }], buckets: [{ name: 'uploads', access: 'readwrite' }] }),
      fn('api', { buckets: [{ name: 'uploads', access: 'read' }, { name: 'legacy', access: 'read' }] }),
      fn('cleanup', { events: [{ kind: 'storage', bucket: 'uploads', on: ['deleted'] }] }),
    ],
    { buckets: [{ name: 'uploads' }, { name: 'legacy', existing: 'acme-legacy-files' }] },
  );
  const gcp = new FakeGcp();
  gcp.buckets.set('acme-legacy-files', { name: 'acme-legacy-files', location: 'EU', labels: {}, projectNumber: PROJECT_NUMBER });
  const condition = { title: 'public only', expression: 'resource.name.startsWith("projects/_/buckets/acme-legacy-files/objects/public/")' };
  gcp.policies.set('bucket:acme-legacy-files', { version: 3, bindings: [{ role: 'roles/storage.objectViewer', members: ['group:partners@example.com'], condition }], etag: 'e5' });
  const s = svc();
  await deploy(s, artifacts(s), context(gcp));
  take('storage: first deploy', gcp, out);
  await deploy(s, artifacts(s), context(gcp));
  take('storage: no-change redeploy', gcp, out);
  const s2 = svc();
  s2.buckets = [{ name: 'uploads' }];
  s2.functions[1].buckets = [{ name: 'uploads', access: 'read' }];
  await deploy(s2, artifacts(s2), context(gcp));
  take('storage: existing bucket dropped', gcp, out);
  // Labels drifted on the created bucket: set back.
  for (const b of gcp.buckets.values()) if (b.name.startsWith('shop-dev-uploads-')) b.labels = { ...b.labels, 'slsx-bucket': 'renamed' };
  await deploy(s2, artifacts(s2), context(gcp));
  take('storage: bucket labels drifted', gcp, out);
  await deploy(s2, [], context(gcp), true);
  take('storage: remove', gcp, out);
}

/** tables.test.ts: the stage's Firestore database, its marker, the conditional grants in the project's policy. */
async function tables(out: Recorded[]) {
  const svc = (reportAccess: 'read' | 'readwrite' = 'read') => service(
    [
      fn('api', { tables: [{ name: 'todos', access: 'readwrite' }, { name: 'users', access: 'read' }] }),
      fn('report', { tables: [{ name: 'todos', access: reportAccess }] }),
    ],
    { tables: [{ name: 'todos', key: 'id' }, { name: 'users', key: 'email' }] },
  );
  const gcp = new FakeGcp();
  gcp.policies.set('projects/shop-prod', { version: 3, bindings: [{ role: 'roles/owner', members: ['user:admin@example.com'] }, { role: 'roles/datastore.user', members: ['group:analysts@example.com'], condition: { title: 'reports', expression: 'resource.name=="projects/shop-prod/databases/reports"' } }], etag: 'p1' });
  const s = svc();
  // Killed after the database was made, before its marker: the next deploy takes the empty database over.
  gcp.failNext('firestore.createDocument');
  await deploy(s, artifacts(s), context(gcp)).catch(() => undefined);
  take('tables: create interrupted before the marker', gcp, out);
  await deploy(s, artifacts(s), context(gcp));
  take('tables: deploy finished (empty database taken over)', gcp, out);
  await deploy(s, artifacts(s), context(gcp));
  take('tables: no-change redeploy', gcp, out);
  const s2 = svc('readwrite');
  await deploy(s2, artifacts(s2), context(gcp));
  take('tables: access changed', gcp, out);
  await deploy(s2, [], context(gcp), true);
  take('tables: remove', gcp, out);
}

/** extra-iam.test.ts: escape-hatch grants on an existing topic, subscription, secret, bucket and the project. */
async function extraIam(out: Recorded[]) {
  const TOPIC = 'projects/shop-prod/topics/legacy-orders';
  const SUB = 'projects/shop-prod/subscriptions/legacy-feed';
  const HATCH_SECRET = 'projects/shop-prod/secrets/partner-key';
  const all: Array<[string, string]> = [
    ['roles/pubsub.publisher', TOPIC],
    ['roles/pubsub.subscriber', SUB],
    ['roles/secretmanager.secretAccessor', HATCH_SECRET],
    ['roles/storage.objectViewer', 'projects/_/buckets/acme-archive'],
    ['roles/monitoring.metricWriter', 'projects/shop-prod'],
  ];
  const svc = (entries: Array<[string, string]>) => service([fn('worker', { extraIam: { gcp: entries.map(([role, resource]) => ({ role, resource })) } })]);
  const gcp = new FakeGcp();
  gcp.topics.set(TOPIC, { name: TOPIC });
  gcp.policies.set(TOPIC, { version: 3, bindings: [{ role: 'roles/pubsub.publisher', members: ['group:qa@example.com'], condition: { title: 't', expression: 'request.time < timestamp("2027-01-01T00:00:00Z")' } }], etag: 't1' });
  gcp.subscriptions.set(SUB, { name: SUB, topic: TOPIC });
  gcp.secrets.add(HATCH_SECRET);
  gcp.buckets.set('acme-archive', { name: 'acme-archive', location: 'EU', labels: {}, projectNumber: PROJECT_NUMBER });
  gcp.policies.set('projects/shop-prod', { bindings: [{ role: 'roles/owner', members: ['user:admin@example.com'] }], etag: 'p1' });
  const s = svc(all);
  await deploy(s, artifacts(s), context(gcp));
  take('extra iam: first deploy', gcp, out);
  await deploy(s, artifacts(s), context(gcp));
  take('extra iam: no-change redeploy', gcp, out);
  const s2 = svc(all.slice(0, 2));
  await deploy(s2, artifacts(s2), context(gcp));
  take('extra iam: entries removed', gcp, out);
  await deploy(s2, [], context(gcp), true);
  take('extra iam: remove', gcp, out);
}

/** lifecycle.test.ts: every kind at once, interrupted deploys finished, then remove. */
async function lifecycle(out: Recorded[]) {
  const full = () => service(
    [
      fn('api', { events: [{ kind: 'http', method: 'GET', path: '/orders', cors: false }], sends: ['orders'], secrets: ['STRIPE_KEY'] }),
      fn('worker', { events: [{ kind: 'queue', queue: 'orders', batchSize: 1, batchWindowMs: 0 }] }),
      fn('nightly', { events: [{ kind: 'schedule', expression: 'cron(0 3 * * *)', cron: '0 3 * * *', timezone: 'UTC', enabled: true }] }),
      fn('thumbnail', { events: [{ kind: 'storage', bucket: 'uploads', on: ['created'] }], buckets: [{ name: 'uploads', access: 'read' }] }),
    ],
    { queues: [{ name: 'orders', visibilityTimeoutMs: 60_000, maxRetries: 4, deadLetter: true, retentionMs: 86_400_000 }], buckets: [{ name: 'uploads' }] },
  );
  const gcp = new FakeGcp();
  gcp.secrets.add(SECRET);
  const s = full();
  gcp.failNext('subscriber.updateSubscription');
  await deploy(s, artifacts(s), context(gcp)).catch(() => undefined);
  take('lifecycle: interrupted deploy', gcp, out);
  await deploy(s, artifacts(s), context(gcp));
  take('lifecycle: deploy finished', gcp, out);
  // A function created by a run that died before observing it is taken over (ALREADY_EXISTS).
  gcp.failNext('functions.createFunction', gcpError(6, 'Function already exists'));
  gcp.functions.get('projects/shop-prod/locations/europe-west1/functions/shop-dev-api')!.serviceConfig!.availableMemory = '128Mi';
  const ctx = context(gcp);
  await adapter.scope(s, ctx);
  const [create] = adapter.desired(s, artifacts(s)).filter((r) => r.id === 'function:api');
  await adapter.apply({ id: create.id, type: create.type, action: 'create', reasons: [], after: create.props, dependsOn: [], security: false, inputs: create.inputs }, ctx);
  take('lifecycle: function taken over', gcp, out);
  await deploy(s, [], context(gcp), true);
  take('lifecycle: remove', gcp, out);
}

/** lock.test.ts, operations.test.ts, coldstart.test.ts: the commands besides deploy. */
async function commands(out: Recorded[]) {
  const s = service(
    [
      fn('api', { env: { MODE: 'fast' }, events: [{ kind: 'http', method: 'POST', path: '/orders', cors: false }] }),
      fn('ready', { concurrency: { warm: 2 }, events: [{ kind: 'http', method: 'GET', path: '/ping', cors: false }] }),
    ],
  );
  const gcp = new FakeGcp();
  const scope = { target: 'gcp' as const, service: 'shop', stage: 'dev', account: 'shop-prod', region: 'europe-west1' };
  const release = await adapter.lock!(scope, context(gcp));
  await adapter.lockInfo?.(scope, context(gcp));
  await release();
  take('commands: lock and release', gcp, out);
  const held = await adapter.lock!(scope, context(gcp));
  await adapter.breakLock?.(scope, context(gcp));
  await held();
  take('commands: break lock', gcp, out);
  await deploy(s, artifacts(s), context(gcp));
  gcp.resetCalls();
  gcp.httpHandler = () => ({ status: 200, headers: { 'function-execution-id': 'exec-1' }, text: '{}' });
  await adapter.invoke!(s, 'api', { sku: 'a1' }, context(gcp));
  take('commands: invoke http', gcp, out);
  gcp.logEntries = [{ timestamp: '2026-11-27T09:59:00Z', severity: 'ERROR', textPayload: 'boom', labels: { execution_id: 'x1' } }];
  for await (const line of adapter.logs!(s, 'api', { follow: false }, context(gcp))) void line;
  take('commands: logs', gcp, out);
  await adapter.invocations!(s, { sinceMs: 3_600_000 }, context(gcp));
  take('commands: invocations', gcp, out);
  for (const name of ['api', 'ready']) {
    const forced = await adapter.forceColdStart!(s, name, context(gcp));
    await forced.invoke?.({}).catch(() => undefined);
    await forced.cleanup?.();
  }
  take('commands: cold-start bench', gcp, out);
}

/** Every scenario, in order; each call tagged with the step that made it. */
export async function recordAll(): Promise<Recorded[]> {
  const out: Recorded[] = [];
  for (const run of [functionsAndSecrets, http, queue, schedule, storage, tables, extraIam, lifecycle, commands]) await run(out);
  return out;
}
