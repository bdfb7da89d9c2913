/**
 * Key-value tables on aws against moto (issue 11.3 and 11.6): the real CLI deploys a service with
 * `tables:`; moto's own DynamoDB then holds an on-demand table keyed by the key attribute (a
 * string), tagged with the stage, and the functions' roles and environment say what each may do.
 * The table client runs on the real AWS shim's DynamoDB driver (the SDK pointed at moto through
 * AWS_ENDPOINT_URL, as an emulator-backed Lambda would be): get, conditional put and delete,
 * query by key prefix and scan, page by page with cursors; items round-trip byte for byte and are
 * ordinary DynamoDB items (N, M, L, BOOL, NULL). A new key attribute is a replacement the plan
 * says loses the data; `remove` leaves no table.
 *
 * moto scans in key order; DynamoDB does not (hash order), so nothing here relies on the order of
 * a page, only on the pages together holding every item once. Skipped unless SLSX_MOTO_URL is set.
 */
import { DeleteItemCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, ListTablesCommand, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { Plan } from '../../src/core/resources.js';
import { stableJson } from '../../src/plan/diff.js';
import { installResourceDriver } from '../../src/runtime/resources.js';
import { tableClient, type TableClient, type TableItem } from '../../src/runtime/tables.js';
import { awsResources } from '../../templates/shims/common/aws-resources.js';
import { MOTO_URL, SKIP_REASON, motoClients, motoEnv, tempProject, type MotoClients } from './support/moto.js';

if (!MOTO_URL) console.warn(`test/emulators/aws-tables.test.ts: ${SKIP_REASON}`);

// A service of its own per run: the emulator suites share one moto and run side by side.
const SERVICE = `tb${Date.now().toString(36).slice(-6)}`;
const PREFIX = `${SERVICE}-dev`;
const REGION = 'us-east-1';

const faasYaml = (notesKey: string) => `service: ${SERVICE}
target: aws
targets:
  aws: { region: ${REGION} }
tables:
  todos: { key: id }
  notes: { key: ${notesKey} }
functions:
  api:
    handler: src/api.handler
    tables: [ todos, { name: notes, access: write } ]
  report:
    handler: src/api.handler
    tables: [ { name: todos, access: read } ]
`;

/** Everything JSON can hold, nested, with numbers DynamoDB must keep exactly and text from many scripts. */
const RICH: TableItem = {
  id: 'rich:1',
  title: 'Grüße, 世界, مرحبا, שלום, 👩‍👩‍👧‍👦, e\u0301, "quoted" \\ back\tslash\nnew line',
  empty: '',
  n: { int: 42, neg: -7, zero: 0, float: 0.1, sum: 0.30000000000000004, big: 1e21, tiny: 1.5e-7, max: Number.MAX_SAFE_INTEGER, min: -Number.MAX_SAFE_INTEGER, exp: 6.02214076e23 },
  flags: { yes: true, no: false, none: null },
  // (No array directly inside an array: the table client refuses them on every target, since Firestore cannot store them.)
  list: [1, 'two', { three: [3, { four: [4, { five: 5 }] }] }, { six: [true, null] }, { empty: [] }, {}],
  deep: { a: { b: { c: { d: { e: { f: 'deep' } } } } } },
  constructor: 'an ordinary attribute',
  toString: { not: 'a function' },
};

describe.skipIf(!MOTO_URL)(`tables on aws against moto (${MOTO_URL ?? 'skipped: SLSX_MOTO_URL unset'})`, () => {
  const env = motoEnv(MOTO_URL!, REGION);
  const project = tempProject({ 'faas.yaml': faasYaml('slug'), 'src/api.ts': 'export const handler = async () => ({ ok: true });\n' });
  let moto: MotoClients;
  let dynamo: DynamoDBClient;
  let iam: IAMClient;
  const cli = (...argv: string[]) => runCli(argv, project.root, { env });
  const pending = async (): Promise<Plan['changes']> => {
    const res = await cli('plan', '--json');
    expect(res.code, res.stderr).toBe(0);
    return (JSON.parse(res.stdout) as { plan: Plan }).plan.changes.filter((c) => c.action !== 'noop');
  };
  const ours = async () => ((await dynamo.send(new ListTablesCommand({}))).TableNames ?? []).filter((n) => n.startsWith(`${PREFIX}-`)).sort();
  const envOf = async (fn: string) => (await moto.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: `${PREFIX}-${fn}` }))).Environment?.Variables ?? {};
  /** A client as the deployed function `fn` makes it: from the SLSX_TABLES moto holds for it. */
  const clientOf = async (fn: string, name: string): Promise<TableClient> => tableClient(name, { SLSX_FUNCTION_NAME: fn, SLSX_TABLES: (await envOf(fn)).SLSX_TABLES });

  beforeAll(() => {
    moto = motoClients(MOTO_URL!, REGION);
    const config = { region: REGION, endpoint: MOTO_URL!, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 2 };
    dynamo = new DynamoDBClient(config);
    iam = new IAMClient(config);
    // The driver's SDK client reads the process environment, as on Lambda.
    Object.assign(process.env, { AWS_ENDPOINT_URL: MOTO_URL!, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: REGION });
    installResourceDriver(awsResources(process.env));
  });
  afterAll(() => {
    installResourceDriver(undefined);
    project.cleanup();
  });

  it('deploy: on-demand tables keyed by their key attribute (S), tagged; roles and SLSX_TABLES as declared; then nothing to plan', async () => {
    const out = await cli('deploy');
    expect(out.code, out.stderr + out.stdout).toBe(0);
    expect(await ours()).toEqual([`${PREFIX}-notes`, `${PREFIX}-todos`]);
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: `${PREFIX}-todos` }));
    expect(Table).toMatchObject({
      TableStatus: 'ACTIVE',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      DeletionProtectionEnabled: false,
    });
    const tags = await dynamo.send(new ListTagsOfResourceCommand({ ResourceArn: Table!.TableArn }));
    expect(Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key, t.Value]))).toEqual({ 'slsx:service': SERVICE, 'slsx:stage': 'dev', 'slsx:id': 'table:todos' });

    const arn = (t: string) => `arn:aws:dynamodb:${REGION}:123456789012:table/${PREFIX}-${t}`;
    const policy = async (fn: string) => JSON.parse(decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: `${PREFIX}-${fn}`, PolicyName: 'slsx' }))).PolicyDocument!)).Statement.slice(1);
    expect(await policy('api')).toEqual([
      { Sid: 'ReadTables', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'], Resource: [arn('todos')] },
      { Sid: 'WriteTables', Effect: 'Allow', Action: ['dynamodb:DeleteItem', 'dynamodb:PutItem'], Resource: [arn('notes'), arn('todos')] },
    ]);
    expect(await policy('report')).toEqual([{ Sid: 'ReadTables', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'], Resource: [arn('todos')] }]);
    expect(JSON.parse((await envOf('api')).SLSX_TABLES!)).toEqual({ notes: { name: `${PREFIX}-notes`, key: 'slug', access: 'write' }, todos: { name: `${PREFIX}-todos`, key: 'id', access: 'readwrite' } });
    expect(JSON.parse((await envOf('report')).SLSX_TABLES!)).toEqual({ todos: { name: `${PREFIX}-todos`, key: 'id', access: 'read' } });

    expect(await pending()).toEqual([]);
  }, 300_000);

  it('get, put with ifAbsent / ifExists, delete with ifExists: what each returns and what the table then holds', async () => {
    const todos = await clientOf('api', 'todos');
    expect(await todos.get('u1:none')).toBeUndefined();
    expect(await todos.put({ id: 'u1:a', title: 'first', done: false })).toBe(true);
    expect(await todos.get('u1:a')).toEqual({ id: 'u1:a', title: 'first', done: false });
    // ifAbsent: refused (false, nothing written) when the key is there, written when it is not.
    expect(await todos.put({ id: 'u1:a', title: 'clobbered' }, { ifAbsent: true })).toBe(false);
    expect((await todos.get('u1:a'))?.title).toBe('first');
    expect(await todos.put({ id: 'u1:b', title: 'second' }, { ifAbsent: true })).toBe(true);
    // ifExists: an update only; a missing key writes nothing.
    expect(await todos.put({ id: 'u1:a', title: 'updated', done: true }, { ifExists: true })).toBe(true);
    expect(await todos.get('u1:a')).toEqual({ id: 'u1:a', title: 'updated', done: true });
    expect(await todos.put({ id: 'u1:ghost', title: 'no' }, { ifExists: true })).toBe(false);
    expect(await todos.get('u1:ghost')).toBeUndefined();
    // A put replaces the whole item: attributes it does not name are gone.
    expect(await todos.put({ id: 'u1:b', title: 'replaced' })).toBe(true);
    expect(await todos.get('u1:b')).toEqual({ id: 'u1:b', title: 'replaced' });
    // delete: ifExists says whether there was one; a plain delete is true either way.
    expect(await todos.delete('u1:b', { ifExists: true })).toBe(true);
    expect(await todos.get('u1:b')).toBeUndefined();
    expect(await todos.delete('u1:b', { ifExists: true })).toBe(false);
    expect(await todos.delete('u1:b')).toBe(true);
    expect(await todos.delete('u1:a')).toBe(true);
    expect(await todos.get('u1:a')).toBeUndefined();
  }, 60_000);

  it('items round-trip byte for byte (as sorted JSON) and are ordinary DynamoDB items: N, S, BOOL, NULL, L, M', async () => {
    const todos = await clientOf('api', 'todos');
    expect(await todos.put(RICH)).toBe(true);
    const got = await todos.get('rich:1');
    expect(stableJson(got)).toBe(stableJson(JSON.parse(JSON.stringify(RICH))));
    expect(got).toEqual(JSON.parse(JSON.stringify(RICH)));
    expect(typeof got!.toString).toBe('object');
    // The AWS SDK reads an attribute named __proto__ back without its value: the table client (and the driver) refuse to write one.
    const proto = JSON.parse('{"id":"rich:2","__proto__":{"polluted":true}}') as TableItem;
    await expect(todos.put(proto)).rejects.toThrow(/the field name "__proto__" is not stored on every target/);
    expect(await todos.get('rich:2')).toBeUndefined();
    // What the console shows: native attribute types, numbers as N in plain decimal.
    const raw = (await dynamo.send(new GetItemCommand({ TableName: `${PREFIX}-todos`, Key: { id: { S: 'rich:1' } }, ConsistentRead: true }))).Item!;
    expect(raw.id).toEqual({ S: 'rich:1' });
    expect(raw.empty).toEqual({ S: '' });
    expect(raw.n!.M!.int).toEqual({ N: '42' });
    expect(raw.n!.M!.big!.N).toMatch(/^1(000000000000000000000|E\+?21)$/i);
    expect(Number(raw.n!.M!.tiny!.N)).toBe(1.5e-7);
    expect(raw.flags).toEqual({ M: { yes: { BOOL: true }, no: { BOOL: false }, none: { NULL: true } } });
    expect(raw.list!.L![2]).toEqual({ M: { three: { L: [{ N: '3' }, { M: { four: { L: [{ N: '4' }, { M: { five: { N: '5' } } }] } } }] } } });
    expect(raw.list!.L!.slice(4)).toEqual([{ M: { empty: { L: [] } } }, { M: {} }]);
    await dynamo.send(new DeleteItemCommand({ TableName: `${PREFIX}-todos`, Key: { id: { S: 'rich:1' } } }));
  }, 60_000);

  it('query by key prefix and scan, page by page: every item once, the cursor only while there is more', async () => {
    const todos = await clientOf('api', 'todos');
    const keys = [...Array.from({ length: 13 }, (_, i) => `u1:${String(i).padStart(3, '0')}`), ...Array.from({ length: 6 }, (_, i) => `u2:${i}`), 'u10:x', 'v:1'];
    for (const id of keys) expect(await todos.put({ id, n: keys.indexOf(id) })).toBe(true);
    const all = async (page: (cursor?: string) => ReturnType<TableClient['scan']>) => {
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 50; i++) {
        const p = await page(cursor);
        seen.push(...p.items.map((it) => String(it.id)));
        sizes.push(p.items.length);
        cursor = p.cursor;
        if (!cursor) break;
      }
      return { seen, sizes };
    };
    // `u1:` matches 13 items (not `u10:x`): pages of 5, 5, 3; the last without a cursor.
    const u1 = await all((cursor) => todos.query({ prefix: 'u1:', limit: 5, ...(cursor ? { cursor } : {}) }));
    expect(u1.sizes).toEqual([5, 5, 3]);
    expect([...u1.seen].sort()).toEqual(keys.filter((k) => k.startsWith('u1:')).sort());
    expect(new Set(u1.seen).size).toBe(13);
    // A page that ends exactly at the last match has no cursor (no empty page after it).
    const u2 = await todos.query({ prefix: 'u2:', limit: 6 });
    expect(u2.items.map((i) => i.id).sort()).toEqual(keys.filter((k) => k.startsWith('u2:')).sort());
    expect(u2.cursor).toBeUndefined();
    expect(await todos.query({ prefix: 'nobody:' })).toEqual({ items: [] });
    // scan: everything, in pages of 7.
    const scanned = await all((cursor) => todos.scan({ limit: 7, ...(cursor ? { cursor } : {}) }));
    expect(scanned.sizes).toEqual([7, 7, 7]);
    expect([...scanned.seen].sort()).toEqual([...keys].sort());
    // A reader may read, and only read.
    const report = await clientOf('report', 'todos');
    expect((await report.query({ prefix: 'u2:', limit: 100 })).items).toHaveLength(6);
    await expect(report.put({ id: 'u9:x' })).rejects.toThrow(/declared with access: read/);
    for (const id of keys) await todos.delete(id);
    expect(await todos.scan()).toEqual({ items: [] });
  }, 120_000);

  it('a new key attribute: the plan says the data is lost, deploy replaces the table with the new key', async () => {
    const notes = await clientOf('api', 'notes');
    expect(await notes.put({ slug: 'kept', text: 'will be lost' })).toBe(true);
    project.write('faas.yaml', faasYaml('noteId'));
    const plan = await cli('plan');
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/± replace table:notes +key: "slug" -> "noteId" \(forces replacement\)\n +DATA IS LOST: the table is deleted with every item in it/);
    const out = await cli('deploy');
    expect(out.code, out.stderr + out.stdout).toBe(0);
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: `${PREFIX}-notes` }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'noteId', KeyType: 'HASH' }]);
    expect(Table?.ItemCount ?? 0).toBe(0);
    expect(JSON.parse((await envOf('api')).SLSX_TABLES!).notes).toEqual({ name: `${PREFIX}-notes`, key: 'noteId', access: 'write' });
    expect(await pending()).toEqual([]);
  }, 300_000);

  it('remove leaves no table', async () => {
    const out = await cli('remove');
    expect(out.code, out.stderr + out.stdout).toBe(0);
    expect(await ours()).toEqual([]);
  }, 300_000);
});
