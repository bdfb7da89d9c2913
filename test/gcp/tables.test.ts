/**
 * Tables on GCP (issue 11.3): one Firestore database per service and stage, created, found by
 * its marker document and deleted by the adapter; each table a collection in it; the functions'
 * grants as conditional bindings in the project's policy naming that one database. Every
 * request asserted against the GCP fake.
 */
import { describe, expect, it } from 'vitest';
import { SlsxError } from '../../src/errors/slsx-error.js';
import type { FunctionSpec, Service } from '../../src/model/service.js';
import { adapter } from '../../providers/gcp/index.js';
import { databaseId } from '../../providers/gcp/naming.js';
import { FIRESTORE_LOCATIONS, firestoreLocation, GCP_REGIONS } from '../../providers/gcp/regions.js';
import { tablesRegionProblem } from '../../providers/gcp/preflight.js';
import { tableProblems } from '../../providers/gcp/validate.js';
import { mergeConditional } from '../../providers/gcp/apply/binding.js';
import { FakeGcp } from './support/fake-gcp.js';
import { artifacts, context, deploy, fn, plan, service, work } from './support/service.js';

const DB = 'projects/shop-prod/databases/shop-dev';
const SA = (f: string) => `serviceAccount:shop-dev-${f}@shop-prod.iam.gserviceaccount.com`;
const CONDITION = { title: 'sls-x shop/dev tables', description: 'slsx:service=shop slsx:stage=dev slsx:id=iam:tables', expression: `resource.name=="${DB}"` };
const MARKER = {
  name: `${DB}/documents/_slsx/owner`,
  fields: {
    service: { stringValue: 'shop' },
    stage: { stringValue: 'dev' },
    note: { stringValue: 'Written by sls-x: this database holds the tables of shop/dev, and `sls-x remove` deletes it with them.' },
  },
};
/** Someone else's grants in the project's policy: sls-x must leave them exactly as they are. */
const OTHERS = [
  { role: 'roles/owner', members: ['user:admin@example.com'] },
  { role: 'roles/datastore.user', members: ['group:analysts@example.com'], condition: { title: 'reports db', expression: 'resource.name=="projects/shop-prod/databases/reports"' } },
];

function svc(over: { api?: Partial<FunctionSpec>; report?: Partial<FunctionSpec>; tables?: Service['tables'] } = {}): Service {
  return service(
    [
      fn('api', { events: [{ kind: 'http', method: 'GET', path: '/todos', cors: false }], tables: [{ name: 'todos', access: 'readwrite' }, { name: 'users', access: 'read' }], ...over.api }),
      fn('report', { tables: [{ name: 'todos', access: 'read' }], ...over.report }),
      fn('plain'),
    ],
    { tables: over.tables ?? [{ name: 'todos', key: 'id' }, { name: 'users', key: 'email' }] },
  );
}

function withOthers(gcp: FakeGcp): FakeGcp {
  gcp.policies.set('projects/shop-prod', { version: 3, bindings: structuredClone(OTHERS), etag: 'p1' });
  return gcp;
}

async function refusal(promise: Promise<unknown>): Promise<SlsxError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SlsxError);
  return err as SlsxError;
}

describe('gcp tables: the stage database, its marker, the conditional grants', () => {
  it('first deploy: a Native database in the functions\' region, its marker, then grants per database; a second deploy changes nothing', async () => {
    const gcp = withOthers(new FakeGcp());
    const s = svc();
    const p = await deploy(s, artifacts(s), context(gcp));
    expect(work(p.changes)).toEqual([
      'create database:tables',
      'create function:api',
      'create function:plain',
      'create function:report',
      'create iam:run:api',
      'create iam:tables',
      'create sa:api',
      'create sa:plain',
      'create sa:report',
    ]);
    expect(gcp.inputs('firestore.createDatabase')).toEqual([
      { parent: 'projects/shop-prod', databaseId: 'shop-dev', database: { locationId: 'europe-west1', type: 'FIRESTORE_NATIVE', deleteProtectionState: 'DELETE_PROTECTION_DISABLED' } },
    ]);
    expect(gcp.inputs('firestore.createDocument')).toEqual([{ parent: `${DB}/documents`, collectionId: '_slsx', documentId: 'owner', document: { fields: MARKER.fields } }]);
    // The project's policy: read at version 3, written as version 3 with the two conditional
    // bindings added and the others' bindings untouched.
    expect(gcp.inputs('projectPolicies.getIamPolicy').every((i) => i.resource === 'projects/shop-prod' && i.options.requestedPolicyVersion === 3)).toBe(true);
    expect(gcp.inputs('projectPolicies.setIamPolicy')).toEqual([
      {
        resource: 'projects/shop-prod',
        policy: {
          version: 3,
          etag: 'p1',
          bindings: [
            ...OTHERS,
            { role: 'roles/datastore.user', members: [SA('api')], condition: CONDITION },
            { role: 'roles/datastore.viewer', members: [SA('report')], condition: CONDITION },
          ],
        },
      },
    ]);
    // Where the tables are reaches the functions through SLSX_TABLES; a function without tables gets none.
    const env = (name: string) => gcp.inputs('functions.createFunction').find((i) => i.functionId === `shop-dev-${name}`).function.serviceConfig.environmentVariables;
    expect(JSON.parse(env('api').SLSX_TABLES)).toEqual({
      todos: { access: 'readwrite', key: 'id', name: `${DB}/documents/todos` },
      users: { access: 'read', key: 'email', name: `${DB}/documents/users` },
    });
    expect(env('api').SLSX_TABLES).toBe(`{"todos":{"access":"readwrite","key":"id","name":"${DB}/documents/todos"},"users":{"access":"read","key":"email","name":"${DB}/documents/users"}}`);
    expect(JSON.parse(env('report').SLSX_TABLES)).toEqual({ todos: { access: 'read', key: 'id', name: `${DB}/documents/todos` } });
    expect(env('plain').SLSX_TABLES).toBeUndefined();
    // The database, its marker and the grant come before the functions that use them.
    const names = gcp.calls.map((c) => c.name);
    const at = (name: string, nth = 0) => names.reduce<number[]>((acc, n, i) => (n === name ? [...acc, i] : acc), [])[nth]!;
    expect(at('firestore.createDocument')).toBeGreaterThan(at('firestore.createDatabase'));
    expect(at('projectPolicies.setIamPolicy')).toBeLessThan(names.indexOf('functions.createFunction', at('firestore.createDocument')));

    gcp.resetCalls();
    const again = await deploy(s, artifacts(s), context(gcp));
    expect(work(again.changes)).toEqual([]);
    expect(gcp.mutatingCalls()).toEqual([]);
    // Observe read the database by name and its marker, nothing more.
    expect(gcp.inputs('firestore.getDatabase').map((i) => i.name)).toContain(DB);
    expect(gcp.inputs('firestore.getDocument').map((i) => i.name)).toContain(MARKER.name);
  });

  it('access changes move members between the viewer and user bindings; dropping every table deletes the database and the grants, and only them', async () => {
    const gcp = withOthers(new FakeGcp());
    const s = svc();
    await deploy(s, artifacts(s), context(gcp));

    // report now writes too; api stops using tables.
    const s2 = svc({ api: { tables: undefined }, report: { tables: [{ name: 'todos', access: 'readwrite' }] } });
    const p2 = await deploy(s2, artifacts(s2), context(gcp));
    expect(work(p2.changes)).toEqual(['update function:api', 'update function:report', 'update iam:tables']);
    expect(gcp.policies.get('projects/shop-prod')?.bindings).toEqual([...OTHERS, { role: 'roles/datastore.user', members: [SA('report')], condition: CONDITION }]);
    const apiEnv = gcp.functions.get('projects/shop-prod/locations/europe-west1/functions/shop-dev-api')!.serviceConfig!.environmentVariables!;
    expect(apiEnv.SLSX_TABLES).toBeUndefined();

    // No tables at all: the deployed functions still name the database (SLSX_TABLES), so it is
    // found without the config and deleted; the project's policy is back to what others wrote.
    gcp.resetCalls();
    const s3 = service(s2.functions.map((f) => ({ ...f, tables: undefined })));
    const p3 = await deploy(s3, artifacts(s3), context(gcp));
    expect(work(p3.changes)).toEqual(['delete database:tables', 'delete iam:tables', 'update function:report']);
    expect(gcp.inputs('firestore.deleteDatabase')).toEqual([{ name: DB }]);
    expect(gcp.databases.size).toBe(0);
    expect(gcp.policies.get('projects/shop-prod')).toMatchObject({ version: 3, bindings: OTHERS });

    // Once nothing uses tables, no deploy asks Firestore or reads the project's policy.
    gcp.resetCalls();
    expect(work((await deploy(s3, artifacts(s3), context(gcp))).changes)).toEqual([]);
    expect(gcp.calls.filter((c) => c.name.startsWith('firestore.') || c.name.startsWith('projectPolicies.'))).toEqual([]);
  });

  it('a service without tables never calls Firestore nor reads the project\'s policy', async () => {
    const gcp = new FakeGcp();
    const s = service([fn('api')]);
    await deploy(s, artifacts(s), context(gcp));
    await deploy(s, [], context(gcp), true);
    expect(gcp.calls.filter((c) => c.name.startsWith('firestore.') || c.name.startsWith('projectPolicies.'))).toEqual([]);
  });

  it('remove deletes the database with its data; a database whose delete protection was turned on is kept, with a message', async () => {
    const gcp = withOthers(new FakeGcp());
    const s = svc();
    await deploy(s, artifacts(s), context(gcp));
    gcp.databases.get(DB)!.documents.set('todos/t1', { name: `${DB}/documents/todos/t1`, fields: { id: { stringValue: 't1' } } });
    gcp.databases.get(DB)!.deleteProtectionState = 'DELETE_PROTECTION_ENABLED';
    const err = await refusal(deploy(s, [], context(gcp), true));
    expect(err.code).toBe('RESOURCE_CONFLICT');
    expect(err.message).toBe(`The Firestore database '${DB}' has delete protection turned on, so it was kept (with its tables' data).`);
    expect(err.hint).toBe('Turn it off (`gcloud firestore databases update --database=shop-dev --no-delete-protection`), then run remove again.');
    expect(gcp.databases.has(DB)).toBe(true);

    gcp.databases.get(DB)!.deleteProtectionState = 'DELETE_PROTECTION_DISABLED';
    gcp.resetCalls();
    const p = await deploy(s, [], context(gcp), true);
    expect(work(p.changes)).toContain('delete database:tables');
    expect(gcp.inputs('firestore.deleteDatabase')).toEqual([{ name: DB }]);
    expect(gcp.databases.size).toBe(0);
    expect(gcp.policies.get('projects/shop-prod')?.bindings).toEqual(OTHERS);
  });
});

describe('gcp tables: whose database it is', () => {
  it('a database of that id holding data without the marker is refused at plan time, nothing written', async () => {
    const gcp = new FakeGcp();
    gcp.databases.set(DB, { name: DB, locationId: 'europe-west1', type: 'FIRESTORE_NATIVE', documents: new Map([['orders/1', { name: `${DB}/documents/orders/1`, fields: {} }]]) });
    const s = svc();
    const err = await refusal(plan(s, artifacts(s), context(gcp)));
    expect(err.code).toBe('RESOURCE_CONFLICT');
    expect(err.diagnostics.map((d) => [d.code, d.message, d.path])).toEqual([
      ['database-taken', "The Firestore database 'shop-dev' exists and is not shop/dev's (no sls-x marker, and it holds data or is in Datastore mode).", 'tables.todos'],
    ]);
    expect(gcp.mutatingCalls()).toEqual([]);
  });

  it('remove never deletes a database whose marker is not this stage\'s, even one its functions point at', async () => {
    const gcp = new FakeGcp();
    const s = svc();
    await deploy(s, artifacts(s), context(gcp));
    gcp.databases.get(DB)!.documents.set('_slsx/owner', { ...MARKER, fields: { ...MARKER.fields, stage: { stringValue: 'prod' } } });
    // The config has no tables any more, but the deployed functions still name the database.
    const p = await deploy(service([fn('api'), fn('report'), fn('plain')]), [], context(gcp), true);
    expect(work(p.changes)).not.toContain('delete database:tables');
    expect(gcp.inputs('firestore.deleteDatabase')).toEqual([]);
    expect(gcp.databases.has(DB)).toBe(true);
    // Its own grants in the project's policy are still found through the functions, and removed.
    expect(work(p.changes)).toContain('delete iam:tables');
    expect(gcp.policies.get('projects/shop-prod')?.bindings).toEqual([]);
  });

  it('a database with another stage\'s marker is refused too', async () => {
    const gcp = new FakeGcp();
    gcp.databases.set(DB, { name: DB, locationId: 'europe-west1', type: 'FIRESTORE_NATIVE', documents: new Map([['_slsx/owner', { ...MARKER, fields: { ...MARKER.fields, stage: { stringValue: 'prod' } } }]]) });
    const err = await refusal(plan(svc(), artifacts(svc()), context(gcp)));
    expect(err.diagnostics.map((d) => d.code)).toEqual(['database-taken']);
  });

  it('a create interrupted before the marker is finished by the next deploy: the empty database is taken over', async () => {
    const gcp = new FakeGcp();
    const s = svc();
    gcp.failNext('firestore.createDocument');
    await expect(deploy(s, artifacts(s), context(gcp))).rejects.toThrow();
    expect(gcp.databases.get(DB)?.documents.size).toBe(0);
    gcp.resetCalls();
    const p = await deploy(s, artifacts(s), context(gcp));
    // Unmarked, it was not observed as ours: planned as a create, which met ALREADY_EXISTS and adopted it.
    expect(work(p.changes)).toContain('create database:tables');
    expect(gcp.inputs('firestore.createDatabase')).toHaveLength(1);
    expect(gcp.inputs('firestore.listCollectionIds')).toContainEqual({ parent: `${DB}/documents`, pageSize: 1 });
    expect(gcp.databases.get(DB)?.documents.get('_slsx/owner')).toEqual(MARKER);
    gcp.resetCalls();
    expect(work((await deploy(s, artifacts(s), context(gcp))).changes)).toEqual([]);
  });

  it('the stage\'s own database in another region is refused: a database cannot move', async () => {
    const gcp = new FakeGcp();
    gcp.databases.set(DB, { name: DB, locationId: 'us-central1', type: 'FIRESTORE_NATIVE', documents: new Map([['_slsx/owner', structuredClone(MARKER)]]) });
    const err = await refusal(plan(svc(), artifacts(svc()), context(gcp)));
    expect(err.diagnostics.map((d) => [d.code, d.message, d.hint])).toEqual([
      ['database-location', "The Firestore database 'shop-dev' of shop/dev is in us-central1, but the functions are deployed to europe-west1: a database cannot move.", "Deploy to us-central1, or `sls-x remove` the stage first (this deletes its tables' data)."],
    ]);
  });
});

describe('gcp tables: names, locations and what validate says', () => {
  it('database ids follow Firestore\'s rules: 4-63 characters, a letter first, a letter or digit last, not UUID-like', () => {
    const rule = /^[a-z][a-z0-9-]{2,61}[a-z0-9]$/;
    expect(databaseId('shop', 'dev')).toBe('shop-dev');
    expect(databaseId('a', 'b')).toBe('a-b-db');
    const long = databaseId('inventory-management-service', 'feature-branch-with-a-very-long-name-42');
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^inventory-management-service-feature-branch-with-a-ve.*-[0-9a-f]{8}$/);
    expect(databaseId('deadbeef', '1234-5678-9abc-0123456789ab')).toBe('deadbeef-1234-5678-9abc-0123456789ab-db');
    for (const id of ['shop-dev', 'a-b-db', long, databaseId('x', 'y-')]) expect(id).toMatch(rule);
  });

  it('every Cloud Functions region has a Firestore location of the same name today; a region without one is refused with the reason', () => {
    expect(GCP_REGIONS.filter((r) => !firestoreLocation(r))).toEqual([]);
    expect(FIRESTORE_LOCATIONS).toContain('europe-west1');
    expect(firestoreLocation('xx-moon1')).toBeUndefined();
    expect(tablesRegionProblem(svc(), 'xx-moon1')).toBe("Firestore has no location in xx-moon1, where this stage's functions run, so the tables (todos, users) have nowhere to go on GCP.");
    expect(tablesRegionProblem(svc(), 'europe-west1')).toBeUndefined();
    expect(tablesRegionProblem(service([fn('api')]), 'xx-moon1')).toBeUndefined();
  });

  it('warns once per function whose cloud reach is wider than its declaration (Firestore grants per database), and only then', () => {
    const s = svc({ tables: [{ name: 'todos', key: 'id' }, { name: 'users', key: 'email' }, { name: 'audit', key: 'id' }] });
    s.functions.push(fn('writer', { tables: [{ name: 'audit', access: 'write' }] }));
    const got = tableProblems(s);
    expect(got.map((d) => [d.severity, d.code, d.path])).toEqual([
      ['warning', 'gcp-table-boundary', 'functions.api.tables'],
      ['warning', 'gcp-table-boundary', 'functions.report.tables'],
      ['warning', 'gcp-table-boundary', 'functions.writer.tables'],
    ]);
    expect(got[0]!.message).toBe("On GCP, Firestore grants access per database, not per table: 'api' can also read 'audit' and write 'users', 'audit' through the Firestore API. The table client refuses what its `tables:` do not declare; the cloud does not.");
    expect(got[1]!.message).toContain("'report' can also read 'users', 'audit' through");
    expect(got[2]!.message).toContain("'writer' can also read 'todos', 'users', 'audit' and write 'todos', 'users' through");
    // One table, declared readwrite or read: the cloud grant is exactly the declaration.
    const exact = service([fn('a', { tables: [{ name: 'todos', access: 'readwrite' }] }), fn('b', { tables: [{ name: 'todos', access: 'read' }] })], { tables: [{ name: 'todos', key: 'id' }] });
    expect(tableProblems(exact)).toEqual([]);
    expect(adapter.validate!(exact)).toEqual([]);
  });

  it('the conditional merge keeps every binding that is not this stage\'s (and others\' members in its own), drops deleted accounts and emptied bindings of its own', () => {
    const ours = { role: 'roles/datastore.user', members: [SA('api'), 'user:kept@example.com', 'deleted:serviceAccount:shop-dev-old@shop-prod.iam.gserviceaccount.com?uid=123'], condition: CONDITION };
    const prodCondition = { ...CONDITION, description: 'slsx:service=shop slsx:stage=prod slsx:id=iam:tables' };
    const prod = { role: 'roles/datastore.user', members: [SA('api')], condition: prodCondition };
    const policy = { version: 3, etag: 'x', bindings: [...structuredClone(OTHERS), ours, prod, { role: 'roles/datastore.viewer', members: [SA('report')], condition: CONDITION }] };
    const next = mergeConditional(structuredClone(policy), { service: 'shop', stage: 'dev' }, { 'roles/datastore.user': [SA('api')], 'roles/datastore.viewer': [SA('report')] }, { 'roles/datastore.viewer': [SA('api')] }, CONDITION);
    expect(next).toEqual({
      version: 3,
      etag: 'x',
      bindings: [...OTHERS, { ...ours, members: ['user:kept@example.com'] }, prod, { role: 'roles/datastore.viewer', members: [SA('api')], condition: CONDITION }],
    });
  });
});
