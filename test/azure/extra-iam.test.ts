/**
 * Issue 11.1 on Azure: the escape hatch `functions.<fn>.targets.azure.roles: [{ role, scope }]`
 * assigns the Function App's identity (one per app) a role on an ARM scope sls-x does not manage,
 * against the fake Resource Manager (real @azure/arm-* SDK clients): planned under [IAM], created
 * on that scope before the app, found again through `principalId eq` on that scope (those the
 * config names and those the app's SLSX_GRANTS lists), deleted when its entry goes and on remove;
 * nobody else's assignment, no other role of the identity, and never the scope itself is touched.
 */
import { describe, expect, it } from 'vitest';
import type { FunctionSpec, Service } from '../../src/model/service.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { renderPlan } from '../../src/ui/render-plan.js';
import { adapter } from '../../providers/azure/index.js';
import { assignmentName } from '../../providers/azure/apply/role-assignment.js';
import { hatchId, roleGuid } from '../../providers/azure/extra-iam.js';
import { FakeArm, SUB } from './support/fake-arm.js';
import { artifacts, context, deploy, plan, work } from './support/service.js';
import { shop } from './support/shop.js';

const PRINCIPAL = '11111111-1111-1111-1111-111111111111';
const SOMEONE = '99999999-9999-9999-9999-999999999999';
const OTHER_SUB = '00000000-0000-0000-0000-000000000777';
/** Another team's storage account, in a resource group of the same subscription. */
const LEGACY = `/subscriptions/${SUB}/resourceGroups/data/providers/Microsoft.Storage/storageAccounts/legacy`;
/** A Service Bus namespace in another subscription. */
const BUS = `/subscriptions/${OTHER_SUB}/resourceGroups/bus/providers/Microsoft.ServiceBus/namespaces/events`;
const STAGE_ACCT = `/subscriptions/${SUB}/resourceGroups/shop-rg/providers/Microsoft.Storage/storageAccounts/shopdevce7e13ab`;
/** Built-in role ids, from MicrosoftDocs/azure-docs built-in-roles.md (test/contracts/sources/data/azure-builtin-roles.json). */
const BLOB_READER = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1';
const QUEUE_READER = '19e7f393-937e-4f77-808e-94535e297925';
/** A custom role, written by its GUID (sls-x does not know its name). */
const CUSTOM = 'c0ffee00-1234-4abc-8def-0123456789ab';
/** A role someone assigned to the app's identity by hand on the legacy account: never sls-x's. */
const BY_HAND = 'b0b0b0b0-1234-4abc-8def-0123456789ab';
const def = (sub: string, guid: string) => `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const assignment = (scope: string, sub: string, guid: string, principal = PRINCIPAL) => `${scope}/providers/Microsoft.Authorization/roleAssignments/${assignmentName(scope, def(sub, guid), principal)}`;
const V = 'api-version=2022-04-01';

type Entry = { role: string; scope: string };
const roles = (...entries: Entry[]): Pick<FunctionSpec, 'extraIam'> => ({ extraIam: { azure: entries } });

/** The shop with escape-hatch entries on api and worker. */
function svc(api: Entry[], worker: Entry[] = []): Service {
  const s = shop();
  const at = (name: string) => s.functions.find((f) => f.name === name)!;
  if (api.length) Object.assign(at('api'), roles(...api));
  if (worker.length) Object.assign(at('worker'), roles(...worker));
  return s;
}

const BOTH: Entry[] = [
  { role: 'Storage Blob Data Reader', scope: LEGACY },
  { role: def(OTHER_SUB, QUEUE_READER), scope: BUS },
];

/** Another team's resources (never sls-x's), someone else's assignment on the legacy account. */
function world(): FakeArm {
  const arm = new FakeArm();
  arm.put(LEGACY.toLowerCase(), LEGACY, { location: 'westeurope', tags: { team: 'data' } });
  arm.put(BUS.toLowerCase(), BUS, { location: 'westeurope' });
  const theirs = assignment(LEGACY, SUB, BLOB_READER, SOMEONE);
  arm.put(theirs.toLowerCase(), theirs, { properties: { roleDefinitionId: def(SUB, BLOB_READER), principalId: SOMEONE, principalType: 'User' } });
  return arm;
}

/** Put an assignment of the app's identity by hand (as `az role assignment create` would). */
function byHand(arm: FakeArm, scope: string, guid: string, sub = SUB): string {
  const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${assignmentName(scope, def(sub, guid), 'by-hand')}`;
  arm.put(id.toLowerCase(), id, { properties: { roleDefinitionId: def(sub, guid), principalId: PRINCIPAL, principalType: 'ServicePrincipal' } });
  return id;
}

const assignments = (arm: FakeArm) =>
  [...arm.resources.values()]
    .filter((r) => /\/roleAssignments\//i.test(r.id))
    .map((r) => r.id as string);

const ID_LEGACY = hatchId(LEGACY, BLOB_READER);
const ID_BUS = hatchId(BUS, QUEUE_READER);

describe('azure escape hatch: role names', () => {
  it('a built-in name sls-x knows (any case), a GUID or a full role definition id; anything else is unknown', () => {
    expect(roleGuid('Storage Blob Data Reader')).toBe(BLOB_READER);
    expect(roleGuid('storage blob data reader')).toBe(BLOB_READER);
    expect(roleGuid(BLOB_READER.toUpperCase())).toBe(BLOB_READER);
    expect(roleGuid(def(OTHER_SUB, QUEUE_READER))).toBe(QUEUE_READER);
    expect(roleGuid(`/providers/Microsoft.Authorization/roleDefinitions/${QUEUE_READER}`)).toBe(QUEUE_READER);
    expect(roleGuid('Storage Queue Data Reader')).toBe(QUEUE_READER);
    expect(roleGuid('Azure Service Bus Data Sender')).toBeUndefined();
    expect(ID_LEGACY).toMatch(/^grant:extra:BlobDataReader:storageaccounts\/legacy:[0-9a-f]{8}$/);
    // The same assignment whatever the spelling: stable id.
    expect(hatchId(LEGACY.toLowerCase(), BLOB_READER)).toBe(ID_LEGACY);
    expect(hatchId(`${LEGACY}/`, BLOB_READER)).toBe(ID_LEGACY);
    // Two accounts named legacy in different groups stay apart.
    expect(hatchId(LEGACY.replace('/data/', '/data2/'), BLOB_READER)).not.toBe(ID_LEGACY);
  });

  it('validate: an unknown role name is an error at its role, with the command that prints the GUID; a derived grant again is refused', () => {
    const s = svc([{ role: 'Azure Service Bus Data Sender', scope: BUS }, { role: 'Storage Blob Data Readr', scope: LEGACY }]);
    const d = adapter.validate(s).filter((x) => x.code.startsWith('azure-'));
    expect(d.map((x) => [x.severity, x.code, x.path])).toEqual([
      ['error', 'azure-role-unknown', 'functions.api.targets.azure.roles.0.role'],
      ['error', 'azure-role-unknown', 'functions.api.targets.azure.roles.1.role'],
    ]);
    expect(d[0]!.hint).toContain('az role definition list --name "Azure Service Bus Data Sender" --query "[].name" -o tsv');
    expect(d[1]!.message).toBe('`Storage Blob Data Readr` is not a built-in role sls-x knows by name (did you mean `Storage Blob Data Reader`?); sls-x does not look role names up in Azure.');
    expect(d[0]!.message).not.toContain('did you mean');
    // worker reads `uploads`: Storage Blob Data Contributor on that container is derived already (thumbnail writes it).
    const uploads = `${STAGE_ACCT}/blobServices/default/containers/uploads`;
    const own = svc([{ role: 'Storage Blob Data Contributor', scope: uploads }, { role: 'Storage Blob Data Reader', scope: uploads }]);
    expect(adapter.validate(own).filter((x) => x.code.startsWith('azure-')).map((x) => [x.code, x.path])).toEqual([['azure-extra-iam-own-grant', 'functions.api.targets.azure.roles.0']]);
    expect(adapter.validate(svc(BOTH)).filter((x) => x.severity === 'error')).toEqual([]);
  });
});

describe('azure escape hatch: targets.azure.roles (issue 11.1)', () => {
  it('plans one [IAM] role assignment per entry (merged over functions), with the scope and role as resolved; reads only', async () => {
    const arm = world();
    const s = svc(BOTH, [{ role: BLOB_READER, scope: LEGACY }]);
    const p = await plan(s, artifacts(s), context(arm));
    expect(arm.mutating()).toEqual([]);
    const hatch = p.changes.filter((c) => c.id.startsWith('grant:extra:'));
    expect(hatch.map((c) => [c.action, c.id, c.security])).toEqual([
      ['create', ID_LEGACY, true],
      ['create', ID_BUS, true],
    ].sort((a, b) => String(a[1]).localeCompare(String(b[1]))));
    expect(hatch.find((c) => c.id === ID_LEGACY)!.after).toEqual({ scope: LEGACY, role: 'Storage Blob Data Reader', roleDefinitionId: def(SUB, BLOB_READER), principalId: '${IdentityPrincipalId}' });
    // Another subscription's scope: the role definition is that subscription's, as ARM lists it.
    expect(hatch.find((c) => c.id === ID_BUS)!.after).toEqual({ scope: BUS, role: 'Storage Queue Data Reader', roleDefinitionId: def(OTHER_SUB, QUEUE_READER), principalId: '${IdentityPrincipalId}' });
    // The app waits for them; they are not the scopes themselves (never resources of the plan).
    expect(p.changes.find((c) => c.id === 'function-app')!.dependsOn).toEqual(expect.arrayContaining([ID_LEGACY, ID_BUS]));
    expect(p.changes.filter((c) => /legacy|events/.test(c.id)).map((c) => c.id).sort()).toEqual([ID_BUS, ID_LEGACY].sort());
    const text = renderPlan(p);
    expect(text).toMatch(new RegExp(`\\+ create +${ID_LEGACY.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +not deployed yet  \\[IAM\\]`));
    expect(text).toMatch(new RegExp(`\\+ create +${ID_BUS.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +not deployed yet  \\[IAM\\]`));
  });

  it('deploy creates exactly those assignments on the external scopes, before the app; the app records them in SLSX_GRANTS; a redeploy writes nothing', async () => {
    const arm = world();
    const s = svc(BOTH);
    const first = await deploy(s, artifacts(s), arm);
    expect(work(first.changes).filter((w) => w.includes('grant:extra:'))).toEqual([`create ${ID_LEGACY}`, `create ${ID_BUS}`].sort());
    const puts = arm.lines((r) => r.method === 'PUT' && r.path.includes('roleAssignments') && !r.path.includes('/shop-rg/'));
    expect(puts.sort()).toEqual([`PUT ${assignment(LEGACY, SUB, BLOB_READER)}?${V}`, `PUT ${assignment(BUS, OTHER_SUB, QUEUE_READER)}?${V}`].sort());
    const body = arm.find('PUT', assignment(LEGACY, SUB, BLOB_READER))[0]!.body;
    expect(body).toEqual({ properties: { roleDefinitionId: def(SUB, BLOB_READER), principalId: PRINCIPAL, principalType: 'ServicePrincipal', description: `sls-x shop/dev ${ID_LEGACY}` } });
    // Before the app that uses them.
    const order = arm.requests.map((r) => `${r.method} ${r.path}`);
    const site = order.indexOf(`PUT /subscriptions/${SUB}/resourceGroups/shop-rg/providers/Microsoft.Web/sites/shop-dev`);
    expect(site).toBeGreaterThan(order.indexOf(`PUT ${assignment(LEGACY, SUB, BLOB_READER)}`));
    expect(site).toBeGreaterThan(order.indexOf(`PUT ${assignment(BUS, OTHER_SUB, QUEUE_READER)}`));
    const settings = arm.appSettings.get(`/subscriptions/${SUB}/resourcegroups/shop-rg/providers/microsoft.web/sites/shop-dev`)!;
    // Scopes in lower case (ARM ids are case-insensitive), in plan id order.
    expect(JSON.parse(settings.SLSX_GRANTS!)).toEqual(
      [
        { role: QUEUE_READER, scope: BUS.toLowerCase() },
        { role: BLOB_READER, scope: LEGACY.toLowerCase() },
      ].sort((a, b) => (hatchId(a.scope, a.role) < hatchId(b.scope, b.role) ? -1 : 1)),
    );
    // Someone else's assignment of the same role on the same account is still there, and so are the scopes.
    expect(assignments(arm)).toContain(assignment(LEGACY, SUB, BLOB_READER, SOMEONE));
    expect(arm.has(LEGACY)).toBe(true);

    arm.requests.length = 0;
    const again = await deploy(s, artifacts(s), arm);
    expect(work(again.changes)).toEqual([]);
    expect(arm.mutating()).toEqual([]);
    // Found through the scope itself, for the identity's principal only.
    expect(arm.lines((r) => r.method === 'GET' && r.path.endsWith('/roleAssignments') && !r.path.includes('/shop-rg/')).sort()).toEqual(
      [`GET ${LEGACY}/providers/Microsoft.Authorization/roleAssignments?${V}`, `GET ${BUS}/providers/Microsoft.Authorization/roleAssignments?${V}`].sort(),
    );
    expect(arm.requests.filter((r) => r.path === `${LEGACY}/providers/Microsoft.Authorization/roleAssignments`).map((r) => r.query.$filter)).toEqual([`principalId eq '${PRINCIPAL}'`]);
  });

  it('dropping an entry deletes exactly that assignment (found through SLSX_GRANTS); nobody else\'s, no hand-made role of the identity, never the scope', async () => {
    const arm = world();
    const s = svc(BOTH);
    await deploy(s, artifacts(s), arm);
    const hand = byHand(arm, LEGACY, BY_HAND);
    const below = byHand(arm, `${LEGACY}/blobServices/default/containers/archive`, BLOB_READER);
    const before = assignments(arm);
    arm.requests.length = 0;

    // The legacy entry is gone from faas.yaml: only the app's SLSX_GRANTS still names its scope.
    const fewer = svc([BOTH[1]!]);
    const p = await deploy(fewer, artifacts(fewer), arm);
    expect(work(p.changes)).toEqual([`delete ${ID_LEGACY}`, 'update function-app']);
    expect(p.changes.find((c) => c.id === ID_LEGACY)!.security).toBe(true);
    expect(arm.lines((r) => r.method === 'DELETE')).toEqual([`DELETE ${assignment(LEGACY, SUB, BLOB_READER)}?${V}`]);
    expect(assignments(arm).sort()).toEqual(before.filter((id) => id !== assignment(LEGACY, SUB, BLOB_READER)).sort());
    expect(assignments(arm)).toEqual(expect.arrayContaining([hand, below, assignment(LEGACY, SUB, BLOB_READER, SOMEONE), assignment(BUS, OTHER_SUB, QUEUE_READER)]));
    expect(arm.has(LEGACY)).toBe(true);
    const settings = arm.appSettings.get(`/subscriptions/${SUB}/resourcegroups/shop-rg/providers/microsoft.web/sites/shop-dev`)!;
    expect(JSON.parse(settings.SLSX_GRANTS!)).toEqual([{ role: QUEUE_READER, scope: BUS.toLowerCase() }]);

    arm.requests.length = 0;
    const again = await deploy(fewer, artifacts(fewer), arm);
    expect(work(again.changes)).toEqual([]);
    expect(arm.mutating()).toEqual([]);

    // The last entry gone: the setting goes too, and with it the last assignment.
    const none = svc([]);
    const last = await deploy(none, artifacts(none), arm);
    expect(work(last.changes)).toEqual([`delete ${ID_BUS}`, 'update function-app']);
    expect(arm.appSettings.get(`/subscriptions/${SUB}/resourcegroups/shop-rg/providers/microsoft.web/sites/shop-dev`)!.SLSX_GRANTS).toBeUndefined();
    expect(assignments(arm).filter((id) => !id.includes('/shop-rg/')).sort()).toEqual([hand, below, assignment(LEGACY, SUB, BLOB_READER, SOMEONE)].sort());
  });

  it('a role changed on one scope replaces that assignment; a GUID written for a known role is the same assignment', async () => {
    const arm = world();
    const s = svc([BOTH[0]!]);
    await deploy(s, artifacts(s), arm);
    const guidForm = svc([{ role: BLOB_READER, scope: LEGACY.toLowerCase() }]);
    expect(work((await deploy(guidForm, artifacts(guidForm), arm)).changes)).toEqual([]);
    const other = svc([{ role: CUSTOM, scope: LEGACY }]);
    const p = await deploy(other, artifacts(other), arm);
    expect(work(p.changes)).toEqual([`create ${hatchId(LEGACY, CUSTOM)}`, `delete ${ID_LEGACY}`, 'update function-app']);
    expect(p.changes.find((c) => c.id === hatchId(LEGACY, CUSTOM))!.after).toMatchObject({ role: CUSTOM, roleDefinitionId: def(SUB, CUSTOM) });
    expect(assignments(arm).filter((id) => id.startsWith(LEGACY)).sort()).toEqual([assignment(LEGACY, SUB, CUSTOM), assignment(LEGACY, SUB, BLOB_READER, SOMEONE)].sort());
  });

  it('an entry on the stage\'s own account in a role sls-x does not derive there is the hatch\'s, not a stray grant: kept on redeploy, deleted with its entry', async () => {
    const arm = world();
    const s = svc([{ role: 'Storage Blob Data Reader', scope: STAGE_ACCT }]);
    await deploy(s, artifacts(s), arm);
    const id = hatchId(STAGE_ACCT, BLOB_READER);
    // A role sls-x grants elsewhere (on containers), on the account itself: the hatch's, so the
    // derived grants' observe (the resource group's assignments) must not take it for a stray grant.
    expect(assignments(arm)).toContain(assignment(STAGE_ACCT, SUB, BLOB_READER));
    arm.requests.length = 0;
    expect(work((await deploy(s, artifacts(s), arm)).changes)).toEqual([]);
    expect(arm.mutating()).toEqual([]);
    const none = svc([]);
    expect(work((await deploy(none, artifacts(none), arm)).changes)).toEqual([`delete ${id}`, 'update function-app']);
    expect(assignments(arm)).not.toContain(assignment(STAGE_ACCT, SUB, BLOB_READER));
  });

  it('remove deletes the hatch assignments before the app and the identity; others\' assignments and the scopes stay', async () => {
    const arm = world();
    const s = svc(BOTH);
    await deploy(s, artifacts(s), arm);
    const hand = byHand(arm, LEGACY, BY_HAND);
    arm.requests.length = 0;
    // remove with a faas.yaml that no longer lists them: the app's SLSX_GRANTS still does.
    const p = await deploy(svc([]), [], arm, true);
    expect(work(p.changes)).toEqual(expect.arrayContaining([`delete ${ID_LEGACY}`, `delete ${ID_BUS}`, 'delete function-app', 'delete identity']));
    const deletes = arm.requests.filter((r) => r.method === 'DELETE').map((r) => r.path);
    const at = (path: string) => deletes.indexOf(path);
    for (const a of [assignment(LEGACY, SUB, BLOB_READER), assignment(BUS, OTHER_SUB, QUEUE_READER)]) {
      expect(at(a)).toBeGreaterThanOrEqual(0);
      expect(at(a)).toBeLessThan(at(`/subscriptions/${SUB}/resourceGroups/shop-rg/providers/Microsoft.Web/sites/shop-dev`));
      expect(at(a)).toBeLessThan(at(`/subscriptions/${SUB}/resourceGroups/shop-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shop-dev-id`));
    }
    // Outside the stage's resource group, exactly those two.
    expect(deletes.filter((d) => !/\/resourceGroups\/shop-rg(\/|$)/i.test(d)).sort()).toEqual([assignment(LEGACY, SUB, BLOB_READER), assignment(BUS, OTHER_SUB, QUEUE_READER)].sort());
    expect(assignments(arm).filter((id) => !id.includes('/shop-rg/')).sort()).toEqual([hand, assignment(LEGACY, SUB, BLOB_READER, SOMEONE)].sort());
    expect(arm.has(LEGACY)).toBe(true);
    expect(arm.has(BUS)).toBe(true);
  });

  it('a scope that does not exist stops the deploy with a usage error naming it', async () => {
    const arm = world();
    arm.missingScopes.add(BUS.toLowerCase());
    const s = svc(BOTH);
    const err = (await deploy(s, artifacts(s), arm).catch((e: unknown) => e)) as SlsxError;
    expect(err).toBeInstanceOf(SlsxError);
    expect(err.code).toBe('USAGE');
    expect(err.message).toBe(`The scope of a \`targets.azure.roles\` entry does not exist (or the credentials in use cannot see it): ${BUS} (ResourceNotFound).`);
    expect(err.hint).toMatch(/references:/);
    // The app that would use it was not deployed; nothing was created on the missing scope.
    expect(arm.has('/sites/shop-dev')).toBe(false);
    expect(assignments(arm).filter((id) => id.startsWith(BUS))).toEqual([]);
  });
});
