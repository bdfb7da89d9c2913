/**
 * Tables on the azure target against the fake Resource Manager (real @azure/arm-* SDK clients):
 * one Table Storage table per `tables:` entry in the stage's storage account, found through that
 * account (tables take no tags), the app's identity granted Storage Table Data Contributor or
 * Reader on exactly that table, the app settings and per-function declarations the shim reads,
 * and what a redeploy, a dropped table and remove send.
 */
import { describe, expect, it } from 'vitest';
import { adapter } from '../../providers/azure/index.js';
import { assignmentName } from '../../providers/azure/apply/role-assignment.js';
import { AZURE_TABLE_NAME, azureTableName, SLSX_TABLE_NAME } from '../../providers/azure/naming.js';
import { FUNCTIONS_ENV } from '../../src/model/shim.js';
import { FakeArm, SUB } from './support/fake-arm.js';
import { artifacts, deploy, work } from './support/service.js';
import { shop } from './support/shop.js';

const SUBS = `/subscriptions/${SUB}`;
const RG = `${SUBS}/resourceGroups/shop-rg`;
const ACCT = `${RG}/providers/Microsoft.Storage/storageAccounts/shopdevce7e13ab`;
const TABLES = `${ACCT}/tableServices/default/tables`;
const STORAGE_V = 'api-version=2025-06-01';
const PRINCIPAL = '11111111-1111-1111-1111-111111111111';
/** Built-in role ids, from MicrosoftDocs/azure-docs built-in-roles.md (test/contracts/sources/data/azure-builtin-roles.json). */
const CONTRIBUTOR = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3';
const READER = '76199698-9eea-4c19-bc75-cec21354c6b6';
const ROLE = (guid: string) => `${SUBS}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
/** `order-items` has a hyphen, which Table Storage names cannot hold: its letters and 8 hex of sha256('order-items'). */
const ORDER_ITEMS = 'orderitems89455f5c';

async function deployed(s = shop({ tables: true })): Promise<FakeArm> {
  const arm = new FakeArm();
  await deploy(s, artifacts(s), arm);
  arm.requests.length = 0;
  return arm;
}

const grantLine = (scope: string, role: string) => `PUT ${scope}/providers/Microsoft.Authorization/roleAssignments/${assignmentName(scope, ROLE(role), PRINCIPAL)}?api-version=2022-04-01`;

describe('azure tables: names', () => {
  it('keeps a name Table Storage takes as it is; any other gets its letters and digits plus a hash of the faas.yaml name', () => {
    expect(azureTableName('todos')).toBe('todos');
    expect(azureTableName('orders2')).toBe('orders2');
    expect(azureTableName('order-items')).toBe(ORDER_ITEMS);
    // No two faas.yaml names meet: the hyphen-less spelling stays itself.
    expect(azureTableName('orderitems')).toBe('orderitems');
    // Too short, reserved, too long: valid names all the same (3-63 letters and digits, a letter first).
    for (const name of ['ab', 'tables', `t${'x'.repeat(70)}`, 'a-b-c', `${'x'.repeat(60)}-y`]) {
      const az = azureTableName(name);
      expect(az, name).toMatch(AZURE_TABLE_NAME); // what Table_Create's tableName takes
      expect(az, name).toMatch(SLSX_TABLE_NAME); // what observe takes back as sls-x's
      expect(az, name).not.toBe('tables');
      expect(azureTableName(name), 'stable').toBe(az);
    }
    // Every faas.yaml name shape (lowercase, digits, single hyphens): distinct names, distinct tables.
    const names = new Set<string>();
    for (const a of ['a', 'ab', 'abc', 'orders', 'tables']) for (const b of ['', '-1', '1', '-x-y', 'xy', '-xy']) names.add(a + b);
    const tables = [...names].map(azureTableName);
    expect(new Set(tables).size).toBe(names.size);
    for (const t of tables) expect(t).toMatch(AZURE_TABLE_NAME);
    expect(azureTableName('ab')).toMatch(/^ab[0-9a-f]{8}$/);
    expect(azureTableName('a-b-c')).not.toBe(azureTableName('abc'));
  });

  it('validate refuses two tables that would be one Azure table', () => {
    const s = shop({ tables: true });
    s.tables = [{ name: 'ab', key: 'id' }, { name: azureTableName('ab'), key: 'id' }];
    const d = adapter.validate(s).filter((x) => x.code.startsWith('table-'));
    expect(d).toEqual([expect.objectContaining({ severity: 'error', code: 'table-name-collision', path: `tables.${azureTableName('ab')}`, target: 'azure' })]);
    s.tables = [{ name: 'ab', key: 'id' }, { name: 'abc', key: 'id' }];
    expect(adapter.validate(s).filter((x) => x.code.startsWith('table-'))).toEqual([]);
  });
});

describe('azure tables: desired state', () => {
  it('one table per tables: entry in the stage account; the identity gets Table Data Contributor or Reader on exactly that table, marked [IAM]', () => {
    const s = shop({ tables: true });
    const a = adapter.desired(s, artifacts(s));
    const ACCT_T = '/subscriptions/${Subscription}/resourceGroups/shop-rg/providers/Microsoft.Storage/storageAccounts/shopdevce7e13ab';
    expect(a.filter((r) => r.type === 'azure:storage:table')).toEqual([
      { id: 'table:todos', type: 'azure:storage:table', props: { account: 'shopdevce7e13ab', name: 'todos' }, dependsOn: ['storage'], replaceOn: ['name'] },
      { id: `table:${ORDER_ITEMS}`, type: 'azure:storage:table', props: { account: 'shopdevce7e13ab', name: ORDER_ITEMS }, dependsOn: ['storage'], replaceOn: ['name'] },
    ]);
    const grants = a.filter((r) => r.type === 'azure:authorization:role-assignment' && String(r.props.role).startsWith('Storage Table'));
    expect(grants.map((g) => ({ id: g.id, security: g.security, props: g.props, dependsOn: g.dependsOn }))).toEqual([
      // api reads and writes todos (the worker only reads it): the wider one, Contributor.
      {
        id: 'grant:TableDataContributor:tables/todos',
        security: true,
        props: { scope: `${ACCT_T}/tableServices/default/tables/todos`, role: 'Storage Table Data Contributor', roleDefinitionId: `/subscriptions/\${Subscription}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`, principalId: '${IdentityPrincipalId}' },
        dependsOn: ['identity', 'table:todos'],
      },
      {
        id: `grant:TableDataReader:tables/${ORDER_ITEMS}`,
        security: true,
        props: { scope: `${ACCT_T}/tableServices/default/tables/${ORDER_ITEMS}`, role: 'Storage Table Data Reader', roleDefinitionId: `/subscriptions/\${Subscription}/providers/Microsoft.Authorization/roleDefinitions/${READER}`, principalId: '${IdentityPrincipalId}' },
        dependsOn: ['identity', `table:${ORDER_ITEMS}`],
      },
    ]);
    // The app starts after its tables and their grants exist.
    const app = a.find((r) => r.id === 'function-app')!;
    expect(app.dependsOn).toEqual(expect.arrayContaining(['table:todos', `table:${ORDER_ITEMS}`, 'grant:TableDataContributor:tables/todos', `grant:TableDataReader:tables/${ORDER_ITEMS}`]));
  });

  it('a write-only table is still Contributor (Azure has no write-only table role); nothing is granted on a table no function uses', () => {
    const s = shop({ tables: true });
    s.functions[0]!.tables = [{ name: 'todos', access: 'write' }];
    s.functions[1]!.tables = [];
    const grants = adapter.desired(s, artifacts(s)).filter((r) => r.type === 'azure:authorization:role-assignment' && String(r.props.role).startsWith('Storage Table'));
    expect(grants.map((g) => g.id)).toEqual(['grant:TableDataContributor:tables/todos']);
  });

  it('app settings carry each table name; SLSX_FUNCTIONS each function own tables with access and key attribute', () => {
    const s = shop({ tables: true });
    const settings = adapter.desired(s, artifacts(s)).find((r) => r.id === 'function-app')!.props.appSettings as Record<string, string>;
    expect(settings.SLSX_TABLE_TODOS).toBe('todos');
    expect(settings.SLSX_TABLE_ORDER_ITEMS).toBe(ORDER_ITEMS);
    const fns = JSON.parse(settings[FUNCTIONS_ENV]!) as Record<string, { tables?: unknown }>;
    expect(fns.api!.tables).toEqual({ todos: { access: 'readwrite', key: 'id' } });
    expect(fns.worker!.tables).toEqual({ 'order-items': { access: 'read', key: 'sku' }, todos: { access: 'read', key: 'id' } });
    expect(fns.thumbnail!.tables).toBeUndefined();
    // Without tables, nothing of them anywhere.
    const plain = adapter.desired(shop(), artifacts(shop())).find((r) => r.id === 'function-app')!.props.appSettings as Record<string, string>;
    expect(Object.keys(plain).filter((k) => k.startsWith('SLSX_TABLE'))).toEqual([]);
    expect(plain[FUNCTIONS_ENV]).not.toContain('"tables"');
  });
});

describe('azure tables: deploy', () => {
  it('first deploy creates each table through Resource Manager and grants on exactly it (role ids, scopes), before the app', async () => {
    const arm = new FakeArm();
    const s = shop({ tables: true });
    const p = await deploy(s, artifacts(s), arm);
    expect(work(p.changes).filter((c) => /table/i.test(c))).toEqual([
      `create grant:TableDataContributor:tables/todos`,
      `create grant:TableDataReader:tables/${ORDER_ITEMS}`,
      `create table:${ORDER_ITEMS}`,
      'create table:todos',
    ]);
    expect(p.changes.filter((c) => c.id.startsWith('grant:Table')).every((c) => c.security)).toBe(true);
    const lines = arm.lines((r) => r.method !== 'GET' && /tableServices/.test(r.path));
    expect(lines.sort()).toEqual(
      [
        `PUT ${TABLES}/todos?${STORAGE_V}`,
        `PUT ${TABLES}/${ORDER_ITEMS}?${STORAGE_V}`,
        grantLine(`${TABLES}/todos`, CONTRIBUTOR),
        grantLine(`${TABLES}/${ORDER_ITEMS}`, READER),
      ].sort(),
    );
    for (const [table, role] of [['todos', CONTRIBUTOR], [ORDER_ITEMS, READER]] as const) {
      const ra = arm.requests.find((r) => r.method === 'PUT' && r.path.startsWith(`${TABLES}/${table}/providers/Microsoft.Authorization/roleAssignments/`))!;
      expect(ra.body.properties).toMatchObject({ roleDefinitionId: ROLE(role), principalId: PRINCIPAL, principalType: 'ServicePrincipal' });
    }
    const at = (needle: string) => arm.requests.findIndex((r) => r.method !== 'GET' && r.line.includes(needle));
    expect(at(`tables/todos?`)).toBeLessThan(at(`tables/todos/providers/Microsoft.Authorization`));
    expect(at(`tables/todos/providers/Microsoft.Authorization`)).toBeLessThan(at('sites/shop-dev?'));
    expect(at(`tables/${ORDER_ITEMS}?`)).toBeLessThan(at('sites/shop-dev?'));
    const settings = arm.appSettings.get(`${RG}/providers/Microsoft.Web/sites/shop-dev`.toLowerCase())!;
    expect(settings).toMatchObject({ SLSX_TABLE_TODOS: 'todos', SLSX_TABLE_ORDER_ITEMS: ORDER_ITEMS });
  });

  it('a second deploy finds the tables through the storage account and their grants through the identity: nothing to do', async () => {
    const arm = await deployed();
    const s = shop({ tables: true });
    const p = await deploy(s, artifacts(s), arm);
    expect(work(p.changes)).toEqual([]);
    expect(p.changes.filter((c) => c.id.startsWith('table:')).map((c) => `${c.action} ${c.id}`).sort()).toEqual([`noop table:${ORDER_ITEMS}`, 'noop table:todos']);
    expect(arm.mutating()).toEqual([]);
    expect(arm.lines((r) => /tableServices\/default\/tables$/.test(r.path))).toEqual([`GET ${TABLES}?${STORAGE_V}`]);
  });

  it('a table dropped from the config: its grant and the table are deleted, and the plan says the data is lost', async () => {
    const arm = await deployed();
    const s = shop({ tables: true });
    s.tables = [{ name: 'todos', key: 'id' }];
    s.functions[1]!.tables = [{ name: 'todos', access: 'read' }];
    const p = await deploy(s, artifacts(s), arm);
    expect(work(p.changes)).toEqual([`delete grant:TableDataReader:tables/${ORDER_ITEMS}`, `delete table:${ORDER_ITEMS}`, 'update function-app']);
    expect(p.changes.find((c) => c.id === `table:${ORDER_ITEMS}`)!.reasons).toEqual(['no longer in config', 'DATA IS LOST: deleting the table deletes every item in it']);
    const deletes = arm.lines((r) => r.method === 'DELETE');
    expect(deletes).toEqual([
      `DELETE ${TABLES}/${ORDER_ITEMS}/providers/Microsoft.Authorization/roleAssignments/${assignmentName(`${TABLES}/${ORDER_ITEMS}`, ROLE(READER), PRINCIPAL)}?api-version=2022-04-01`,
      `DELETE ${TABLES}/${ORDER_ITEMS}?${STORAGE_V}`,
    ]);
    expect(arm.has(`/tables/${ORDER_ITEMS}`)).toBe(false);
    expect(arm.has('/tables/todos')).toBe(true);
  });

  it('a function that now writes a table it only read: the Reader grant is replaced by Contributor on the same table', async () => {
    const arm = await deployed();
    const s = shop({ tables: true });
    s.functions[1]!.tables = [{ name: 'todos', access: 'read' }, { name: 'order-items', access: 'readwrite' }];
    const p = await deploy(s, artifacts(s), arm);
    expect(work(p.changes)).toEqual([`create grant:TableDataContributor:tables/${ORDER_ITEMS}`, `delete grant:TableDataReader:tables/${ORDER_ITEMS}`, 'update function-app']);
    expect(arm.lines((r) => r.method === 'PUT' && r.path.includes('roleAssignments'))).toEqual([grantLine(`${TABLES}/${ORDER_ITEMS}`, CONTRIBUTOR)]);
  });

  it('a new key attribute is an app settings update only: the table stays (Table Storage has no schema)', async () => {
    const arm = await deployed();
    const s = shop({ tables: true });
    s.tables = [{ name: 'todos', key: 'todoId' }, { name: 'order-items', key: 'sku' }];
    const p = await deploy(s, artifacts(s), arm);
    expect(work(p.changes)).toEqual(['update function-app']);
    const settings = arm.appSettings.get(`${RG}/providers/Microsoft.Web/sites/shop-dev`.toLowerCase())!;
    expect(JSON.parse(settings[FUNCTIONS_ENV]!).api.tables).toEqual({ todos: { access: 'readwrite', key: 'todoId' } });
  });

  it("tables sls-x did not name (a capital letter: the Functions host's diagnostics tables) are neither planned nor deleted", async () => {
    const arm = await deployed();
    const host = `${TABLES}/AzureFunctionsDiagnosticEvents202612`;
    arm.put(host.toLowerCase(), host, {});
    const s = shop({ tables: true });
    const p = await deploy(s, artifacts(s), arm);
    expect(p.changes.some((c) => /diagnostic/i.test(c.id))).toBe(false);
    const gone = await deploy(s, [], arm, true);
    expect(gone.changes.some((c) => /diagnostic/i.test(c.id))).toBe(false);
    expect(arm.lines((r) => r.method === 'DELETE' && /AzureFunctionsDiagnosticEvents/.test(r.path))).toEqual([]);
  });

  it('a table whose name Azure still holds after a delete (409 TableBeingDeleted) is created once Azure lets go', async () => {
    const arm = new FakeArm();
    arm.errorOnce = { when: (r) => r.method === 'PUT' && r.path.endsWith('/tables/todos'), status: 409, code: 'TableBeingDeleted', message: 'The specified table is being deleted. Try operation later.' };
    const s = shop({ tables: true });
    await deploy(s, artifacts(s), arm);
    expect(arm.lines((r) => r.method === 'PUT' && r.path.endsWith('/tables/todos'))).toEqual([`PUT ${TABLES}/todos?${STORAGE_V}`, `PUT ${TABLES}/todos?${STORAGE_V}`]);
    expect(arm.has('/tables/todos')).toBe(true);
  });

  it('any other conflict creating a table stops the deploy with RESOURCE_CONFLICT', async () => {
    const arm = new FakeArm();
    arm.errorOnce = { when: (r) => r.method === 'PUT' && r.path.endsWith('/tables/todos'), status: 409, code: 'Conflict', message: 'busy' };
    const s = shop({ tables: true });
    await expect(deploy(s, artifacts(s), arm)).rejects.toMatchObject({ code: 'RESOURCE_CONFLICT' });
    expect(arm.lines((r) => r.method === 'PUT' && r.path.endsWith('/tables/todos'))).toHaveLength(1);
  });

  it('remove deletes the tables and their grants, grants first', async () => {
    const arm = await deployed();
    const s = shop({ tables: true });
    const p = await deploy(s, [], arm, true);
    expect(work(p.changes).filter((c) => /table/i.test(c))).toEqual([
      `delete grant:TableDataContributor:tables/todos`,
      `delete grant:TableDataReader:tables/${ORDER_ITEMS}`,
      `delete table:${ORDER_ITEMS}`,
      'delete table:todos',
    ]);
    const at = (needle: string) => arm.requests.findIndex((r) => r.method === 'DELETE' && r.line.includes(needle));
    expect(at('tables/todos/providers/Microsoft.Authorization')).toBeGreaterThanOrEqual(0);
    expect(at('tables/todos/providers/Microsoft.Authorization')).toBeLessThan(at('tables/todos?'));
    expect(at('tables/todos?')).toBeLessThan(at('storageAccounts/shopdevce7e13ab?'));
    expect(arm.has('/tables/todos')).toBe(false);
  });
});
