/**
 * Issue 10 item 3 (GCP): every request the gcp adapter sends in the fake-backed deploys is
 * checked against Google's published API definitions (Discovery documents, specs/SOURCE.md).
 *
 * 1. The deploys of test/gcp (scenarios.ts) run against the fake; every port call is recorded.
 * 2. Port level: each call on a gax client (Cloud Functions, Pub/Sub, Scheduler, Logging) is
 *    mapped to its REST method and checked in the form the client takes (validate.ts).
 * 3. Wire level: every call (but the plain-HTTP port) is replayed through the real clients
 *    against loopback recorders (replay.ts) and each HTTP request is matched to its Discovery
 *    method and checked: path, query, JSON body. This covers sls-x's own REST wrappers (IAM,
 *    Cloud Run and Secret Manager policies, Resource Manager) and `@google-cloud/storage`.
 *
 * A request that breaks a rule is an adapter bug: it is not fixed here but kept visible as an
 * `it.fails` with the reason, so the suite stays green until the adapter is fixed (and then
 * the `it.fails` fails, asking to be turned back into an `it`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gcpResources } from '../../../templates/shims/common/gcp-resources.js';
import { pollOperation } from '../../../providers/gcp/rest-clients.js';
import { recordAll, type Recorded } from './scenarios.js';
import { startRecorder, type Recorder } from './replay.js';
import { DOCS, GAX, NOT_GOOGLE_APIS, WIRE_ONLY, explain, restOfPortCall, validateHttp, validatePortCall, validateRequest, type Result, type WireRequest } from './validate.js';

/** Every port method the scenarios call: a new one must be added here (and mapped in validate.ts). */
const PORT_METHODS = [
  'functions.getFunction', 'functions.listFunctions', 'functions.createFunction', 'functions.updateFunction', 'functions.deleteFunction', 'functions.generateUploadUrl',
  'publisher.listTopics', 'publisher.createTopic', 'publisher.updateTopic', 'publisher.deleteTopic', 'publisher.listTopicSubscriptions', 'publisher.publish', 'publisher.getIamPolicy', 'publisher.setIamPolicy',
  'subscriber.getSubscription', 'subscriber.createSubscription', 'subscriber.updateSubscription', 'subscriber.deleteSubscription', 'subscriber.pull', 'subscriber.acknowledge', 'subscriber.modifyAckDeadline', 'subscriber.getIamPolicy', 'subscriber.setIamPolicy',
  'scheduler.listJobs', 'scheduler.createJob', 'scheduler.updateJob', 'scheduler.deleteJob', 'scheduler.pauseJob', 'scheduler.resumeJob',
  'logging.listLogEntries',
  'iam.listServiceAccounts', 'iam.getServiceAccount', 'iam.createServiceAccount', 'iam.patchServiceAccount', 'iam.deleteServiceAccount', 'iam.getIamPolicy', 'iam.setIamPolicy',
  'run.getIamPolicy', 'run.setIamPolicy',
  'secrets.getIamPolicy', 'secrets.setIamPolicy',
  'projects.getProject',
  'projectPolicies.getIamPolicy', 'projectPolicies.setIamPolicy',
  'firestore.getDatabase', 'firestore.createDatabase', 'firestore.deleteDatabase', 'firestore.getDocument', 'firestore.createDocument', 'firestore.listCollectionIds',
  'storage.getBucket', 'storage.listBuckets', 'storage.createBucket', 'storage.setBucketLabels', 'storage.deleteBucket', 'storage.getIamPolicy', 'storage.setIamPolicy', 'storage.createObject', 'storage.readObject', 'storage.deleteObject',
  'http.put', 'http.request', 'http.idToken',
].sort();

/** Port methods whose wire requests break a rule today: each would have an `it.fails` below (none now). */
const KNOWN_WIRE_BUGS: string[] = [];

let calls: Recorded[] = [];
const port = new Map<string, Array<{ call: Recorded; result: Result }>>();
const wire = new Map<string, Array<{ call: Recorded; request: WireRequest; result: Result & { route?: string } }>>();
let recorder: Recorder | undefined;

beforeAll(async () => {
  calls = await recordAll();
  recorder = await startRecorder();
  for (const call of calls) {
    const service = call.name.split('.')[0];
    if (NOT_GOOGLE_APIS.includes(service)) continue;
    const result = validatePortCall(call);
    if (result) port.set(call.name, [...(port.get(call.name) ?? []), { call, result }]);
    const { requests } = await recorder.replay(call);
    for (const request of requests) wire.set(call.name, [...(wire.get(call.name) ?? []), { call, request, result: validateHttp(request) }]);
  }
}, 180_000);

afterAll(async () => {
  await recorder?.close();
});

const failures = (entries: Array<{ call: Recorded; result: Result; request?: WireRequest }>): string[] =>
  [...new Set(entries.flatMap(({ call, result, request }) => explain(result, `${call.name} (${call.scenario})${request ? ` ${request.method} ${request.url.split('?')[0]}` : ''}`)))];

describe('gcp requests against Google\'s Discovery documents', () => {
  it('the scenarios call exactly the known port methods, and every one of them is mapped', () => {
    expect([...new Set(calls.map((c) => c.name))].sort()).toEqual(PORT_METHODS);
    for (const name of PORT_METHODS) {
      const service = name.split('.')[0];
      expect(GAX[name] !== undefined || WIRE_ONLY.includes(service) || NOT_GOOGLE_APIS.includes(service), name).toBe(true);
    }
    expect(Object.keys(DOCS).sort()).toEqual(['cloudfunctions.v2', 'cloudresourcemanager.v3', 'cloudscheduler.v1', 'firestore.v1', 'iam.v1', 'logging.v2', 'pubsub.v1', 'run.v2', 'secretmanager.v1', 'storage.v1']);
  });

  it('every call but the plain-HTTP ones reached the wire, and every wire request matched a Discovery method', () => {
    const googleCalls = calls.filter((c) => !NOT_GOOGLE_APIS.includes(c.name.split('.')[0]));
    const silent = [...new Set(googleCalls.map((c) => c.name))].filter((n) => !wire.has(n));
    expect(silent).toEqual([]);
    const requests = [...wire.values()].flat();
    expect(requests.length).toBeGreaterThanOrEqual(googleCalls.length);
    const unmatched = requests.filter((r) => !r.result.route).map((r) => r.call.name);
    expect([...new Set(unmatched)].sort()).toEqual([]);
  });

  describe('port level: gax client requests (proto form)', () => {
    for (const name of PORT_METHODS.filter((n) => GAX[n])) {
      it(`${name} -> ${GAX[name].doc} ${GAX[name].method}`, () => {
        const entries = port.get(name) ?? [];
        expect(entries.length).toBeGreaterThan(0);
        expect(failures(entries)).toEqual([]);
      });
    }
  });

  describe('wire level: HTTP requests of the real clients (JSON form)', () => {
    for (const name of PORT_METHODS.filter((n) => !NOT_GOOGLE_APIS.includes(n.split('.')[0]) && !KNOWN_WIRE_BUGS.includes(n))) {
      it(name, () => {
        const entries = wire.get(name) ?? [];
        expect(entries.length).toBeGreaterThan(0);
        expect(failures(entries)).toEqual([]);
      });
    }

    // Found by this suite and fixed: service-account getIamPolicy sent the requested version in a
    // body (providers/gcp/rest-clients.ts, now the query parameter), and Pub/Sub topic and
    // subscription IAM went through gax's generic IAM mixin, which POSTs :getIamPolicy over
    // HTTP/JSON where Pub/Sub defines GET (providers/gcp/real-clients.ts, now plain REST).
    it('service-account and Pub/Sub IAM reads are the methods Discovery defines, the version as a query parameter', () => {
      for (const name of ['iam.getIamPolicy', 'publisher.getIamPolicy', 'subscriber.getIamPolicy']) {
        const entries = wire.get(name) ?? [];
        expect(entries.length, name).toBeGreaterThan(0);
        expect(failures(entries), name).toEqual([]);
        for (const e of entries) expect(e.request.url, name).toContain('options.requestedPolicyVersion=3');
      }
      expect((wire.get('publisher.getIamPolicy') ?? []).map((e) => e.request.method)).toEqual((wire.get('publisher.getIamPolicy') ?? []).map(() => 'GET'));
    });
  });
});

describe('the validator catches what it should (negative cases)', () => {
  const createFunction = () => structuredClone(calls.find((c) => c.name === 'functions.createFunction')!);
  const rules = (r: Result | undefined) => (r?.issues ?? []).map((i) => `${i.rule} ${i.at}`);

  it('an unknown field, and a snake_case field name where the client wants camelCase', () => {
    const call = createFunction();
    call.input.function.serviceConfig.memoryMb = 512;
    call.input.function.event_trigger = {};
    expect(rules(validatePortCall(call))).toEqual(['unknown-field body.serviceConfig.memoryMb', 'unknown-field body.event_trigger']);
    expect(explain(validatePortCall(call)!)[1]).toContain('the JSON name is "eventTrigger"');
  });

  it('a wrong type: string for int32, fraction for an integer, number in a string map, object for a string, a bad enum', () => {
    const call = createFunction();
    call.input.function.serviceConfig.timeoutSeconds = '60';
    call.input.function.serviceConfig.maxInstanceCount = 2.5;
    call.input.function.labels['slsx-n'] = 3;
    call.input.function.buildConfig.runtime = { name: 'nodejs22' };
    call.input.function.serviceConfig.ingressSettings = 'PUBLIC';
    expect(rules(validatePortCall(call))).toEqual([
      'type body.labels["slsx-n"]',
      'type body.buildConfig.runtime',
      'type body.serviceConfig.timeoutSeconds',
      'type body.serviceConfig.maxInstanceCount',
      'enum body.serviceConfig.ingressSettings',
    ]);
    const job = structuredClone(calls.find((c) => c.name === 'scheduler.createJob')!);
    job.input.job.httpTarget.body = 42;
    job.input.job.httpTarget.httpMethod = 99;
    expect(rules(validatePortCall(job))).toEqual(['enum body.httpTarget.httpMethod', 'type body.httpTarget.body']);
    const sub = structuredClone(calls.find((c) => c.name === 'subscriber.updateSubscription')!);
    sub.input.subscription.messageRetentionDuration = { seconds: 60, minutes: 1 };
    sub.input.subscription.ackDeadlineSeconds = '60';
    expect(rules(validatePortCall(sub))).toEqual(['type body.subscription.ackDeadlineSeconds', 'unknown-field body.subscription.messageRetentionDuration.minutes']);
  });

  it('an update-mask path that is not a field path of the resource', () => {
    const update = structuredClone(calls.find((c) => c.name === 'functions.updateFunction')!);
    update.input.updateMask.paths = ['service_config.memory', 'buildConfig.source', 'labels.slsx-code', 'service_config.secret_environment_variables.key', 'build_config.source.storage_source.bucket'];
    const r = validatePortCall(update)!;
    expect(rules(r)).toEqual(['update-mask query.updateMask', 'update-mask query.updateMask']);
    expect(explain(r).join('\n')).toMatch(/"service_config\.memory" is not a field path of Function: "memory" is not a field of service_config/);
    expect(explain(r).join('\n')).toMatch(/"service_config\.secret_environment_variables\.key" goes into the repeated field/);
    const sub = structuredClone(calls.find((c) => c.name === 'subscriber.updateSubscription')!);
    sub.input.updateMask.paths.push('dead_letter_policy.max_attempts');
    expect(rules(validatePortCall(sub))).toEqual(['update-mask body.updateMask']);
    const job = structuredClone(calls.find((c) => c.name === 'scheduler.updateJob')!);
    job.input.updateMask.paths = ['http_target.oidc_token.audience', 'timezone'];
    expect(explain(validatePortCall(job)!)).toEqual([expect.stringContaining('"timezone" is not a field path of Job')]);
    // A service account patch over the wire: the mask is a comma-separated string in the body.
    const patch: WireRequest = { api: 'IAM', method: 'PATCH', url: '/v1/projects/shop-prod/serviceAccounts/a@shop-prod.iam.gserviceaccount.com', contentType: 'application/json', body: JSON.stringify({ serviceAccount: { displayName: 'x' }, updateMask: 'displayName,labels' }) };
    expect(rules(validateHttp(patch))).toEqual(['update-mask body.updateMask']);
  });

  it('a malformed resource name in a path parameter, and a missing one', () => {
    const call = createFunction();
    call.input.parent = 'projects/shop-prod/regions/europe-west1';
    expect(rules(validatePortCall(call))).toEqual(['pattern path.parent']);
    const topic = structuredClone(calls.find((c) => c.name === 'publisher.createTopic')!);
    topic.input.name = 'shop-dev-orders';
    expect(explain(validatePortCall(topic)!)).toEqual([expect.stringContaining('"shop-dev-orders" does not match ^projects/[^/]+/topics/[^/]+$')]);
    const update = structuredClone(calls.find((c) => c.name === 'functions.updateFunction')!);
    delete update.input.function.name;
    expect(rules(validatePortCall(update))).toEqual(['required path.name']);
    const secret: WireRequest = { api: 'SECRETMANAGER', method: 'POST', url: '/v1/projects/shop-prod/locations/eu/secrets/KEY:setIamPolicy', contentType: 'application/json', body: '{"policy":{}}' };
    expect(rules(validateHttp(secret))).toEqual(['pattern path.resource']);
  });

  it('on the wire: a body for a method without one, an unknown query parameter, a request no method describes', () => {
    const get: WireRequest = { api: 'RUN', method: 'GET', url: '/v2/projects/p/locations/r/services/s:getIamPolicy?options.requestedPolicyVersion=3&version=3', body: '' };
    expect(rules(validateHttp(get))).toEqual(['unknown-parameter query.version']);
    expect(rules(validateHttp({ ...get, url: '/v2/projects/p/locations/r/services/s:getIamPolicy?options.requestedPolicyVersion=three' }))).toEqual(['type query.options.requestedPolicyVersion']);
    expect(rules(validateHttp({ ...get, method: 'DELETE' }))).toEqual(['unknown-method DELETE /v2/projects/p/locations/r/services/s:getIamPolicy']);
    const withBody: WireRequest = { api: 'IAM', method: 'POST', url: '/v1/projects/-/serviceAccounts/a@b.iam.gserviceaccount.com:getIamPolicy', contentType: 'application/json', body: '{"options":{"requestedPolicyVersion":3}}' };
    expect(explain(validateHttp(withBody))).toEqual([expect.stringContaining('"options.requestedPolicyVersion" is a query parameter of this method')]);
    const bucket: WireRequest = { api: 'STORAGE', method: 'POST', url: '/storage/v1/b?project=shop-prod', contentType: 'application/json', body: JSON.stringify({ name: 'b', iamConfiguration: { uniformBucketLevelAccess: { enabled: 'yes' } }, lables: {} }) };
    expect(rules(validateHttp(bucket))).toEqual(['type body.iamConfiguration.uniformBucketLevelAccess.enabled', 'unknown-field body.lables']);
  });

  it('an output-only field is not an error but a warning (the API ignores it)', () => {
    const call = createFunction();
    call.input.function.state = 'ACTIVE';
    call.input.function.serviceConfig.uri = 'https://x.run.app';
    const r = validatePortCall(call)!;
    expect(r.issues).toEqual([]);
    expect(r.warnings.sort()).toEqual(['body.serviceConfig.uri is output only', 'body.state is output only']);
  });

  it('a REST request built by hand is checked like the mapped ones (JSON form is stricter than proto form)', () => {
    const body = { subscription: { name: 'projects/p/subscriptions/s', messageRetentionDuration: { seconds: 600 } }, updateMask: { paths: ['message_retention_duration'] } };
    const req = { doc: 'pubsub.v1', method: 'projects.subscriptions.patch', params: { name: 'projects/p/subscriptions/s' }, body };
    expect(validateRequest({ ...req, mode: 'proto' }).issues).toEqual([]);
    expect(validateRequest({ ...req, mode: 'json' }).issues.map((i) => `${i.rule} ${i.at}`)).toEqual(['type body.subscription.messageRetentionDuration', 'type body.updateMask']);
    expect(restOfPortCall({ name: 'publisher.createTopic', input: { name: 'projects/p/topics/t', labels: { a: 'b' } } })).toEqual({ doc: 'pubsub.v1', method: 'projects.topics.create', params: { name: 'projects/p/topics/t' }, body: { labels: { a: 'b' } }, mode: 'proto' });
  });
});

describe('coverage', () => {
  it('counts what was validated', () => {
    const portCount = [...port.values()].reduce((n, e) => n + e.length, 0);
    const wireCount = [...wire.values()].reduce((n, e) => n + e.length, 0);
    const skipped = calls.filter((c) => NOT_GOOGLE_APIS.includes(c.name.split('.')[0])).length;
    console.log(`[gcp contracts] ${calls.length} port calls recorded in ${new Set(calls.map((c) => c.scenario)).size} steps; ${portCount} gax calls checked at port level; ${wireCount} wire requests checked (${calls.length - skipped} calls replayed); ${skipped} plain-HTTP calls not Google APIs.`);
    // Output-only fields a request sets are ignored by the API (AIP-203): not errors, but listed.
    const warnings = [...new Set([...port.values(), ...wire.values()].flat().flatMap((e) => e.result.warnings.map((w) => `${e.call.name}: ${w}`)))];
    if (warnings.length) console.log(`[gcp contracts] output-only fields sent:\n  ${warnings.join('\n  ')}`);
    expect(warnings).toEqual([]);
    expect(portCount).toBeGreaterThan(0);
    expect(wireCount).toBeGreaterThan(0);
  });
});

describe('Firestore requests outside the port calls', () => {
  it('the table driver\'s requests (templates/shims/common/gcp-resources.ts) are Firestore v1 methods, with valid paths, queries and bodies', async () => {
    const seen: WireRequest[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ api: 'FIRESTORE', method: String(req.method), url: String(req.url), contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
        res.setHeader('content-type', 'application/json');
        res.end(req.url?.includes(':runQuery') ? JSON.stringify([{ document: { name: 'projects/shop-prod/databases/shop-dev/documents/todos/a', fields: {} } }, { document: { name: 'projects/shop-prod/databases/shop-dev/documents/todos/ab', fields: {} } }]) : '{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const driver = gcpResources({ SLSX_GCP_ENDPOINT_FIRESTORE: base, GCE_METADATA_HOST: '127.0.0.1:9' }, async (url, init) => (String(url).includes('/computeMetadata/') ? new Response(JSON.stringify({ access_token: 't', expires_in: 3600 })) : fetch(url, init))).table!;
      const t = { name: 'todos', physical: 'projects/shop-prod/databases/shop-dev/documents/todos', key: 'id' };
      const item = { id: 'a b', n: 1, f: 0.5, big: 2 ** 60, ok: false, nothing: null, list: [1, 'x', { m: [true] }], map: { k: 'v' }, empty: {}, none: [] };
      await driver.get(t, 'a b');
      await driver.put(t, 'a b', item, undefined);
      await driver.put(t, 'a b', item, 'absent');
      await driver.put(t, 'a b', item, 'exists');
      await driver.delete(t, 'a b', undefined);
      await driver.delete(t, 'a b', 'exists');
      await driver.list(t, { prefix: 'a', limit: 1 });
      await driver.list(t, { prefix: 'a', cursor: 'a', limit: 10 });
      await driver.list(t, { prefix: '.', limit: 10 });
      await driver.list(t, { prefix: '', limit: 10 });
    } finally {
      await new Promise((r) => server.close(r));
    }
    const results = seen.map((request) => ({ request, result: validateHttp(request) }));
    expect(results.map((r) => r.result.route)).toEqual([
      'projects.databases.documents.get',
      'projects.databases.documents.patch',
      'projects.databases.documents.createDocument',
      'projects.databases.documents.patch',
      'projects.databases.documents.delete',
      'projects.databases.documents.delete',
      'projects.databases.documents.runQuery',
      'projects.databases.documents.runQuery',
      'projects.databases.documents.runQuery',
      'projects.databases.documents.runQuery',
    ]);
    expect(results.flatMap(({ request, result }) => explain(result, `${request.method} ${request.url}`))).toEqual([]);
    expect(results.flatMap((r) => r.result.warnings)).toEqual([]);
  });

  it('Firestore\'s long-running operations are awaited with operations.get on the operation\'s name', async () => {
    const urls: string[] = [];
    const name = 'projects/shop-prod/databases/shop-dev/operations/AiAxMjM';
    const requester = { request: async <T>(o: { url: string }) => (urls.push(o.url), { data: { name, done: true, response: { name: 'projects/shop-prod/databases/shop-dev' } } as T }) };
    const op = pollOperation<{ name: string }>(requester, 'http://recorder/v1', { name, done: false }, async () => {});
    expect(await op.promise()).toEqual([{ name: 'projects/shop-prod/databases/shop-dev' }]);
    expect(urls).toEqual([`http://recorder/v1/${name}`]);
    const result = validateHttp({ api: 'FIRESTORE', method: 'GET', url: `/v1/${name}`, body: '' });
    expect([result.route, result.issues]).toEqual(['projects.databases.operations.get', []]);
    const failed = pollOperation(requester, 'http://recorder/v1', { name, done: true, error: { code: 6, message: 'Database already exists.' } }, async () => {});
    await expect(failed.promise()).rejects.toMatchObject({ code: 6, message: 'Database already exists.' });
  });
});
