import { afterEach, describe, expect, it } from 'vitest';
import type { Service } from '../../src/model/service.js';
import { renderPlan } from '../../src/ui/render-plan.js';
import { validateAws } from '../../providers/aws/validate.js';
import { FakeAws } from './support/fake-aws.js';
import { tableArn } from './support/fake-dynamodb.js';
import { artifacts, context, deploy, fn, plan, service, work } from './support/service.js';
import { cleanup, cli, shopProject } from './support/cli.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const TAGS = (id: string) => [
  { Key: 'slsx:service', Value: 'shop' },
  { Key: 'slsx:stage', Value: 'dev' },
  { Key: 'slsx:id', Value: id },
];

/** api reads and writes todos, report only reads it, audit only writes it; notes is nobody's. */
function todoService(key = 'id', over: Partial<Service> = {}): Service {
  return service(
    [
      fn('api', { tables: [{ name: 'todos', access: 'readwrite' }] }),
      fn('report', { tables: [{ name: 'todos', access: 'read' }] }),
      fn('audit', { tables: [{ name: 'todos', access: 'write' }, { name: 'notes', access: 'readwrite' }] }),
      fn('plain'),
    ],
    { tables: [{ name: 'todos', key }, { name: 'notes', key: 'slug' }], ...over },
  );
}

const policyOf = (aws: FakeAws, role: string) => JSON.parse(aws.inputs('iam:PutRolePolicy').filter((i) => i.RoleName === role).pop().PolicyDocument);
const envOf = (aws: FakeAws, fnName: string) => aws.inputs('lambda:CreateFunction').find((i) => i.FunctionName === fnName).Environment.Variables;

describe('aws adapter: DynamoDB tables (tables:)', () => {
  it('creates one on-demand table per entry, keyed by its key attribute, tagged, and waits until it is ACTIVE', async () => {
    const aws = new FakeAws();
    aws.tableCreatingPolls = 2;
    const s = todoService();
    const p = await deploy(s, artifacts(s), context(aws));
    expect(work(p.changes).filter((w) => w.includes('table:'))).toEqual(['create table:notes', 'create table:todos']);
    expect(aws.inputs('dynamodb:CreateTable').sort((a, b) => (a.TableName < b.TableName ? -1 : 1))).toEqual([
      {
        TableName: 'shop-dev-notes',
        AttributeDefinitions: [{ AttributeName: 'slug', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'slug', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: false,
        Tags: TAGS('table:notes'),
      },
      {
        TableName: 'shop-dev-todos',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: false,
        Tags: TAGS('table:todos'),
      },
    ]);
    // The waiter polled DescribeTable through CREATING until ACTIVE.
    expect(aws.inputs('dynamodb:DescribeTable').filter((i) => i.TableName === 'shop-dev-todos').length).toBeGreaterThanOrEqual(2);
    expect([...aws.tables.values()].map((t) => t.status)).toEqual(['ACTIVE', 'ACTIVE']);
    // A function is created only once the tables it uses are ACTIVE.
    const at = (name: string, pred: (i: any) => boolean) => aws.calls.findIndex((c) => c.name === name && pred(c.input));
    const todosActive = aws.calls.findLastIndex((c) => c.name === 'dynamodb:DescribeTable' && c.input.TableName === 'shop-dev-todos');
    expect(todosActive).toBeLessThan(at('lambda:CreateFunction', (i) => i.FunctionName === 'shop-dev-api'));
    expect(at('dynamodb:CreateTable', (i) => i.TableName === 'shop-dev-notes')).toBeLessThan(at('lambda:CreateFunction', (i) => i.FunctionName === 'shop-dev-audit'));
    // A second plan finds them by their tags and has nothing to do.
    aws.resetCalls();
    const again = await deploy(s, artifacts(s), context(aws));
    expect(work(again.changes)).toEqual([]);
    expect(aws.mutatingCalls()).toEqual([]);
    expect(again.changes.find((c) => c.id === 'table:todos')).toMatchObject({ action: 'noop', physicalId: tableArn('shop-dev-todos') });
  });

  it('grants each function exactly its declared access on the table ARN, and says where the tables are in SLSX_TABLES', async () => {
    const aws = new FakeAws();
    const s = todoService();
    const p = await deploy(s, artifacts(s), context(aws));
    const todos = 'arn:aws:dynamodb:eu-west-1:123456789012:table/shop-dev-todos';
    const notes = 'arn:aws:dynamodb:eu-west-1:123456789012:table/shop-dev-notes';
    expect(policyOf(aws, 'shop-dev-api').Statement.slice(1)).toEqual([
      { Sid: 'ReadTables', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'], Resource: [todos] },
      { Sid: 'WriteTables', Effect: 'Allow', Action: ['dynamodb:DeleteItem', 'dynamodb:PutItem'], Resource: [todos] },
    ]);
    expect(policyOf(aws, 'shop-dev-report').Statement.slice(1)).toEqual([{ Sid: 'ReadTables', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'], Resource: [todos] }]);
    expect(policyOf(aws, 'shop-dev-audit').Statement.slice(1)).toEqual([
      { Sid: 'ReadTables', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'], Resource: [notes] },
      { Sid: 'WriteTables', Effect: 'Allow', Action: ['dynamodb:DeleteItem', 'dynamodb:PutItem'], Resource: [notes, todos] },
    ]);
    expect(policyOf(aws, 'shop-dev-plain').Statement.map((st: { Sid: string }) => st.Sid)).toEqual(['Logs']);
    // The roles are IAM changes of the plan.
    expect(p.changes.find((c) => c.id === 'role:report')).toMatchObject({ action: 'create', security: true });

    expect(JSON.parse(envOf(aws, 'shop-dev-api').SLSX_TABLES)).toEqual({ todos: { name: 'shop-dev-todos', key: 'id', access: 'readwrite' } });
    expect(JSON.parse(envOf(aws, 'shop-dev-report').SLSX_TABLES)).toEqual({ todos: { name: 'shop-dev-todos', key: 'id', access: 'read' } });
    expect(JSON.parse(envOf(aws, 'shop-dev-audit').SLSX_TABLES)).toEqual({
      notes: { name: 'shop-dev-notes', key: 'slug', access: 'readwrite' },
      todos: { name: 'shop-dev-todos', key: 'id', access: 'write' },
    });
    expect(envOf(aws, 'shop-dev-plain').SLSX_TABLES).toBeUndefined();
  });

  it('a new key attribute is a replacement that says the data is lost; apply deletes the table, waits, and creates it with the new key', async () => {
    const aws = new FakeAws();
    const s = todoService();
    await deploy(s, artifacts(s), context(aws));
    aws.resetCalls();
    const s2 = todoService('todoId');
    const p = await deploy(s2, artifacts(s2), context(aws));
    const change = p.changes.find((c) => c.id === 'table:todos')!;
    expect(change.action).toBe('replace');
    expect(change.reasons).toEqual([
      'key: "id" -> "todoId" (forces replacement)',
      "DATA IS LOST: the table is deleted with every item in it, then created again empty (DynamoDB cannot change a table's key or name)",
    ]);
    expect(renderPlan(p)).toMatch(/± replace table:todos +key: "id" -> "todoId" \(forces replacement\)\n +DATA IS LOST: the table is deleted/);
    expect(aws.mutatingCalls().filter((n) => n.startsWith('dynamodb:'))).toEqual(['dynamodb:DeleteTable', 'dynamodb:CreateTable']);
    expect(aws.inputs('dynamodb:CreateTable')[0].KeySchema).toEqual([{ AttributeName: 'todoId', KeyType: 'HASH' }]);
    // The delete was waited out (DescribeTable answered not found) before the create.
    const between = aws.calls.slice(aws.calls.findIndex((c) => c.name === 'dynamodb:DeleteTable'), aws.calls.findIndex((c) => c.name === 'dynamodb:CreateTable')).map((c) => c.name);
    expect(between).toContain('dynamodb:DescribeTable');
    // The functions learn the new key attribute: a configuration update, no new code.
    const api = aws.inputs('lambda:UpdateFunctionConfiguration').filter((i) => i.FunctionName === 'shop-dev-api').pop();
    expect(JSON.parse(api.Environment.Variables.SLSX_TABLES)).toEqual({
      todos: { name: 'shop-dev-todos', key: 'todoId', access: 'readwrite' },
    });
    expect(aws.tables.get('shop-dev-todos')!.keySchema).toEqual([{ AttributeName: 'todoId', KeyType: 'HASH' }]);
  });

  it('a table dropped from faas.yaml is deleted (said: its items go), its grants and SLSX_TABLES entry with it; remove deletes the rest', async () => {
    const aws = new FakeAws();
    const s = todoService();
    await deploy(s, artifacts(s), context(aws));
    const s2 = service([fn('api', { tables: [{ name: 'todos', access: 'readwrite' }] }), fn('report', { tables: [{ name: 'todos', access: 'read' }] }), fn('audit', { tables: [{ name: 'todos', access: 'write' }] }), fn('plain')], {
      tables: [{ name: 'todos', key: 'id' }],
    });
    const p = await deploy(s2, artifacts(s2), context(aws));
    expect(p.changes.find((c) => c.id === 'table:notes')).toMatchObject({ action: 'delete', reasons: ['no longer in config', 'DATA IS LOST: deleting the table deletes every item in it'] });
    expect(p.changes.find((c) => c.id === 'role:audit')!.reasons.join('\n')).toContain('policy: - Allow dynamodb:GetItem, dynamodb:Query, dynamodb:Scan on arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/shop-dev-notes');
    expect(aws.inputs('dynamodb:DeleteTable')).toEqual([{ TableName: 'shop-dev-notes' }]);
    expect([...aws.tables.keys()]).toEqual(['shop-dev-todos']);
    const audit = aws.inputs('lambda:UpdateFunctionConfiguration').filter((i) => i.FunctionName === 'shop-dev-audit').pop();
    expect(JSON.parse(audit.Environment.Variables.SLSX_TABLES)).toEqual({ todos: { name: 'shop-dev-todos', key: 'id', access: 'write' } });

    const r = await deploy(s2, artifacts(s2), context(aws), true);
    expect(r.changes.find((c) => c.id === 'table:todos')).toMatchObject({ action: 'delete' });
    expect(aws.tables.size).toBe(0);
    expect([...aws.tags.keys()].filter((a) => a.includes(':dynamodb:'))).toEqual([]);
  });

  it('a billing mode switched by hand is planned back to on demand (UpdateTable), nothing else', async () => {
    const aws = new FakeAws();
    const s = todoService();
    await deploy(s, artifacts(s), context(aws));
    aws.tables.get('shop-dev-todos')!.billingMode = 'PROVISIONED';
    aws.resetCalls();
    const p = await deploy(s, artifacts(s), context(aws));
    expect(work(p.changes)).toEqual(['update table:todos']);
    expect(p.changes.find((c) => c.id === 'table:todos')!.reasons).toEqual(['billingMode: "PROVISIONED" -> "PAY_PER_REQUEST"']);
    expect(aws.inputs('dynamodb:UpdateTable')).toEqual([{ TableName: 'shop-dev-todos', BillingMode: 'PAY_PER_REQUEST' }]);
    expect(aws.mutatingCalls()).toEqual(['dynamodb:UpdateTable', 'dynamodb:TagResource']);
    expect(aws.tables.get('shop-dev-todos')!.billingMode).toBe('PAY_PER_REQUEST');
  });

  it('refuses at plan time, before any write, a table name held by a table without this stage\'s tags', async () => {
    const aws = new FakeAws();
    aws.tables.set('shop-dev-todos', { name: 'shop-dev-todos', arn: tableArn('shop-dev-todos'), keySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], attributes: [{ AttributeName: 'id', AttributeType: 'S' }], billingMode: 'PAY_PER_REQUEST', deletionProtection: false, status: 'ACTIVE', creatingPolls: 0 });
    aws.tagResource(tableArn('shop-dev-todos'), { team: 'other' });
    const s = todoService();
    await expect(plan(s, artifacts(s), context(aws))).rejects.toMatchObject({
      code: 'RESOURCE_CONFLICT',
      diagnostics: [expect.objectContaining({ code: 'table-name-taken', path: 'tables.todos' })],
    });
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it('remove refuses a table someone protected against deletion, and says how to let it go', async () => {
    const aws = new FakeAws();
    const s = todoService();
    await deploy(s, artifacts(s), context(aws));
    aws.tables.get('shop-dev-notes')!.deletionProtection = true;
    await expect(deploy(s, artifacts(s), context(aws), true)).rejects.toMatchObject({
      code: 'RESOURCE_CONFLICT',
      message: expect.stringContaining('shop-dev-notes has deletion protection turned on'),
      hint: expect.stringContaining('aws dynamodb update-table --table-name shop-dev-notes --no-deletion-protection-enabled'),
    });
    expect(aws.tables.has('shop-dev-notes')).toBe(true);
  });

  it('validate counts SLSX_TABLES toward Lambda\'s 4 KB environment', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ name: `table-number-${i}`, key: 'id' }));
    const s = service([fn('api', { tables: many.map((t) => ({ name: t.name, access: 'readwrite' as const })) })], { tables: many });
    const problems = validateAws(s).filter((d) => d.code === 'limit-env-size');
    expect(problems).toEqual([expect.objectContaining({ severity: 'error', path: 'functions.api.env' })]);
    expect(problems[0]!.message).toMatch(/'api' has \d{4} bytes of environment variables/);
    const few = service([fn('api', { tables: [{ name: 'todos', access: 'readwrite' }] })], { tables: [{ name: 'todos', key: 'id' }] });
    expect(validateAws(few).filter((d) => d.code === 'limit-env-size')).toEqual([]);
  });
});

describe('aws CLI: tables in the plan', () => {
  const dirs: string[] = [];
  afterEach(() => cleanup(dirs));

  it('plan shows the table and the grants under [IAM]; a second plan after deploy is empty', async () => {
    const aws = new FakeAws();
    const dir = shopProject(dirs);
    const yaml = readFileSync(join(dir, 'faas.yaml'), 'utf8');
    writeFileSync(join(dir, 'faas.yaml'), yaml.replace(/^functions:\n  api:\n/m, 'tables:\n  todos: { key: id }\nfunctions:\n  api:\n    tables: [ { name: todos, access: read } ]\n'));
    const planned = await cli(['plan', '--target', 'aws'], dir, aws);
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(/\+ create +table:todos +not deployed yet\n/);
    expect(planned.stdout).toMatch(/\+ create +role:api +not deployed yet +\[IAM\]/);
    expect((await cli(['deploy', '--target', 'aws'], dir, aws)).code).toBe(0);
    expect(aws.tables.get('shop-dev-todos')!.billingMode).toBe('PAY_PER_REQUEST');
    expect(policyOf(aws, 'shop-dev-api').Statement).toContainEqual({ Sid: 'ReadTables', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'], Resource: ['arn:aws:dynamodb:eu-west-1:123456789012:table/shop-dev-todos'] });
    expect((await cli(['plan', '--target', 'aws'], dir, aws)).stdout).toContain('No changes');
  });
});
