/**
 * Contract tests (issue 10, item 3, Azure half): every Azure Resource Manager request the azure
 * adapter sends while deploying, redeploying and removing the shop fixture against the fake ARM
 * is validated against Microsoft's published OpenAPI definitions (trimmed extracts vendored under
 * ./specs, see specs/SOURCE.md): the path must match a path template of the spec for the
 * request's api-version and method, every query parameter must be declared, and the JSON body
 * must validate against the operation's body schema (no unknown, read-only or mistyped
 * properties, no missing required ones). Data-plane calls (Kudu, the app itself, Log Analytics
 * queries) have no ARM contract and are skipped.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { FakeArm, SUB, type Recorded } from '../../azure/support/fake-arm.js';
import { artifacts, deploy } from '../../azure/support/service.js';
import { shop } from '../../azure/support/shop.js';
import { ArmContract, SPECS_DIR } from './validate.js';

const ARM_HOST = 'management.azure.com';
const LEGACY = `/subscriptions/${SUB}/resourceGroups/data/providers/Microsoft.Storage/storageAccounts/legacy`;
/** Hosts the adapter talks to that are not Resource Manager: validated elsewhere or not at all. */
const DATA_PLANE = [/\.scm\.azurewebsites\.net$/, /\.azurewebsites\.net$/, /^api\.loganalytics\.io$/];

const contract = new ArmContract();

interface Phase {
  name: string;
  requests: Recorded[];
}

/**
 * First deploy, a code change, a change that drops a function (and its grants, its escape-hatch
 * role assignment on another resource group's account, and with it a table only it used), then remove. The shop here has tables, so their requests are covered too.
 */
async function lifecycle(): Promise<Phase[]> {
  const arm = new FakeArm();
  const phases: Phase[] = [];
  const run = async (name: string, step: () => Promise<unknown>) => {
    const before = arm.requests.length;
    await step();
    phases.push({ name, requests: arm.requests.slice(before) });
  };
  const s = shop({ tables: true });
  // The escape hatch (targets.azure.roles) on another team's storage account: created on that
  // scope, found through it (RoleAssignments_ListForScope), deleted when the worker goes.
  s.functions.find((f) => f.name === 'worker')!.extraIam = { azure: [{ role: 'Storage Blob Data Reader', scope: LEGACY }] };
  await run('first deploy', () => deploy(s, artifacts(s), arm));
  await run('redeploy, nothing changed', () => deploy(s, artifacts(s), arm));
  await run('redeploy, code changed', () => deploy(s, artifacts(s, 'v2'), arm));
  const fewer = shop({ withWorker: false, tables: true });
  fewer.tables = fewer.tables!.filter((t) => t.name === 'todos');
  await run('redeploy, worker removed', () => deploy(fewer, artifacts(fewer, 'v2'), arm));
  await run('remove', () => deploy(fewer, [], arm, true));
  return phases;
}

function violations(requests: Recorded[]): string[] {
  return requests
    .filter((r) => r.host === ARM_HOST)
    .flatMap((r) => {
      const { errors, operation } = contract.validate(r);
      return errors.map((e) => `${r.method} ${r.path}?api-version=${r.query['api-version']} [${operation ?? 'no operation'}]: ${e}`);
    });
}

describe('vendored ARM specs', () => {
  it('every $ref in every vendored extract resolves', () => {
    const files: string[] = [];
    const walk = (d: string) => readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.json') && files.push(join(d, e.name))));
    walk(SPECS_DIR);
    const docs = new Map(files.map((f) => [f, JSON.parse(readFileSync(f, 'utf8'))]));
    const broken: string[] = [];
    const scan = (file: string, node: unknown): void => {
      if (Array.isArray(node)) return node.forEach((n) => scan(file, n));
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        if (k !== '$ref') {
          scan(file, v);
          continue;
        }
        const [target, pointer = ''] = String(v).split('#');
        let cur = docs.get(target ? resolve(dirname(file), target) : file);
        for (const seg of pointer.split('/').slice(1)) cur = cur?.[seg];
        if (cur === undefined) broken.push(`${relative(SPECS_DIR, file)}: ${v}`);
      }
    };
    for (const [f, d] of docs) scan(f, d);
    expect(broken).toEqual([]);
    expect(contract.files().map((f) => `${f.file.split('/').at(-1)} ${f.version}`).sort()).toEqual([
      'AppServicePlans.json 2025-03-01',
      'EventGrid.json 2022-06-15',
      'ManagedIdentity.json 2024-11-30',
      'ResourceProvider.json 2025-03-01',
      'WebApps.json 2025-03-01',
      'Workspaces.json 2023-09-01',
      'authorization-RoleAssignmentsCalls.json 2022-04-01',
      'blob.json 2025-06-01',
      'components_API.json 2020-02-02',
      'queue.json 2025-06-01',
      'resources.json 2025-04-01',
      'storage.json 2025-06-01',
      'table.json 2025-06-01',
    ]);
  });
});

// Drive the lifecycle once, at collection time, so each phase gets its own test.
const phases = await lifecycle();

describe('azure adapter ARM requests against the published OpenAPI specs', () => {
  const all = phases.flatMap((p) => p.requests);

  it('talks only to Resource Manager and to known data-plane hosts', () => {
    const unknown = [...new Set(all.map((r) => r.host))].filter((h) => h !== ARM_HOST && !DATA_PLANE.some((re) => re.test(h)));
    expect(unknown).toEqual([]);
    expect(all.filter((r) => r.host === ARM_HOST).length).toBeGreaterThan(100);
  });

  for (const phase of phases) {
    it(`${phase.name}: every ARM request matches a spec operation, its api-version, query and body schema`, () => {
      expect(phase.requests.filter((r) => r.host === ARM_HOST).length).toBeGreaterThan(0);
      expect(violations(phase.requests)).toEqual([]);
    });
  }

  it("the escape hatch's requests on a scope outside the resource group (create, list for scope with the principal filter, delete) are among them", () => {
    const hatch = all.filter((r) => r.host === ARM_HOST && r.path.startsWith(`${LEGACY}/`));
    expect([...new Set(hatch.map((r) => contract.validate(r).operation?.split('#')[1]))].sort()).toEqual(['RoleAssignments_Create', 'RoleAssignments_Delete', 'RoleAssignments_ListForScope']);
    expect(hatch.filter((r) => r.method === 'GET').every((r) => /^principalId eq '[0-9a-f-]{36}'$/.test(r.query.$filter ?? ''))).toBe(true);
    expect(violations(hatch)).toEqual([]);
  });

  it('covers every kind of ARM operation the lifecycle sends (and each is described by a vendored spec)', () => {
    const ops = new Set(all.filter((r) => r.host === ARM_HOST).map((r) => contract.validate(r).operation?.split('#')[1]));
    expect([...ops].sort()).toEqual([
      'AppServicePlans_CreateOrUpdate',
      'AppServicePlans_Delete',
      'AppServicePlans_Get',
      'BlobContainers_Create',
      'BlobContainers_Delete',
      'BlobContainers_Lease',
      'BlobContainers_List',
      'CheckNameAvailability',
      'Components_CreateOrUpdate',
      'Components_Delete',
      'Components_Get',
      'Queue_Create',
      'Queue_Delete',
      'Queue_List',
      'ResourceGroups_CreateOrUpdate',
      'ResourceGroups_Delete',
      'ResourceGroups_Get',
      'Resources_ListByResourceGroup',
      'RoleAssignments_Create',
      'RoleAssignments_Delete',
      'RoleAssignments_ListForResourceGroup',
      'RoleAssignments_ListForScope',
      'StorageAccounts_CheckNameAvailability',
      'StorageAccounts_Create',
      'StorageAccounts_Delete',
      'StorageAccounts_GetProperties',
      'SystemTopicEventSubscriptions_CreateOrUpdate',
      'SystemTopicEventSubscriptions_Delete',
      'SystemTopicEventSubscriptions_ListBySystemTopic',
      'SystemTopics_CreateOrUpdate',
      'SystemTopics_Delete',
      'SystemTopics_Get',
      'Table_Create',
      'Table_Delete',
      'Table_List',
      'Tags_UpdateAtScope',
      'UserAssignedIdentities_CreateOrUpdate',
      'UserAssignedIdentities_Delete',
      'UserAssignedIdentities_Get',
      'WebApps_CreateOrUpdate',
      'WebApps_Delete',
      'WebApps_Get',
      'WebApps_ListApplicationSettings',
      'Workspaces_CreateOrUpdate',
      'Workspaces_Delete',
      'Workspaces_Get',
    ]);
  });
});

describe('the validator catches contract violations', () => {
  const arm = phases[0].requests.filter((r) => r.host === ARM_HOST);
  const find = (method: string, re: RegExp): Recorded => structuredClone(arm.find((r) => r.method === method && re.test(r.path))!);
  const site = () => find('PUT', /\/sites\/[^/]+$/);
  const storage = () => find('PUT', /\/storageAccounts\/[^/]+$/);
  const grant = () => find('PUT', /\/roleAssignments\/[^/]+$/);
  const subscription = () => find('PUT', /\/eventSubscriptions\/[^/]+$/);

  it('the unmodified requests are valid (the baseline the mutations below break)', () => {
    for (const r of [site(), storage(), grant(), subscription()]) expect(contract.validate(r).errors).toEqual([]);
  });

  it('an unknown body property (a misspelt field name)', () => {
    const r = site();
    r.body.properties.siteConfig.appSetting = r.body.properties.siteConfig.appSettings;
    delete r.body.properties.siteConfig.appSettings;
    expect(contract.validate(r).errors).toEqual([expect.stringMatching(/^\$\.properties\.siteConfig\.appSetting: unknown property \(not in SiteConfig/)]);
    const s = storage();
    s.body.properties.minimumTLSVersion = 'TLS1_2';
    expect(contract.validate(s).errors).toEqual([expect.stringMatching(/^\$\.properties\.minimumTLSVersion: unknown property/)]);
  });

  it('an unknown property inside a polymorphic (discriminated) object', () => {
    const r = subscription();
    r.body.properties.destination.properties.endpointUrl = 'https://example.invalid/';
    expect(contract.validate(r).errors).toEqual([expect.stringMatching(/destination\.properties\.endpointUrl: unknown property \(not in AzureFunctionEventSubscriptionDestinationProperties/)]);
  });

  it('a wrong type', () => {
    const r = site();
    r.body.properties.functionAppConfig.scaleAndConcurrency.maximumInstanceCount = '50';
    r.body.properties.httpsOnly = 'true';
    expect(contract.validate(r).errors).toEqual([
      '$.properties.functionAppConfig.scaleAndConcurrency.maximumInstanceCount: expected integer, got string "50"',
      '$.properties.httpsOnly: expected boolean, got string "true"',
    ]);
  });

  it('a missing required property', () => {
    const r = grant();
    delete r.body.properties.principalId;
    expect(contract.validate(r).errors).toEqual(['$.properties: required property principalId is missing']);
    const s = storage();
    delete s.body.kind;
    expect(contract.validate(s).errors).toEqual(['$: required property kind is missing']);
  });

  it('an unknown api-version', () => {
    const r = site();
    r.query['api-version'] = '2024-04-01';
    expect(contract.validate(r).errors).toEqual([expect.stringMatching(/^api-version 2024-04-01 is not described for PUT .*\/sites\/\{name\}; the vendored spec has 2025-03-01/)]);
  });

  it('a value outside an enum, a read-only property, an undeclared query parameter, an unknown path', () => {
    const r = site();
    r.body.properties.functionAppConfig.runtime.name = 'nodejs';
    r.body.properties.defaultHostName = 'shop-dev.azurewebsites.net';
    expect(contract.validate(r).errors).toEqual([
      expect.stringMatching(/runtime\.name: "nodejs" is not one of \["dotnet-isolated","node"/),
      '$.properties.defaultHostName: readOnly property sent by the client',
    ]);
    const q = find('GET', /\/storageAccounts\/[^/]+$/);
    q.query.$expand = 'keys';
    expect(contract.validate(q).errors).toEqual([expect.stringMatching(/query parameter \$expand: "keys" is not one of/)]);
    const p = storage();
    p.query.force = 'true';
    expect(contract.validate(p).errors).toEqual(['query parameter force is not declared by StorageAccounts_Create']);
    const u = site();
    u.path = u.path.replace('/sites/', '/site/');
    expect(contract.validate(u).errors).toEqual([expect.stringMatching(/^no path template in the vendored specs matches/)]);
  });

  it('a table name Table Storage refuses (a hyphen), or a read-only table property', () => {
    const t = find('PUT', /\/tableServices\/default\/tables\/[^/]+$/);
    expect(contract.validate(t).errors).toEqual([]);
    const bad = structuredClone(t);
    bad.path = bad.path.replace(/\/tables\/[^/]+$/, '/tables/order-items');
    expect(contract.validate(bad).errors).toEqual([expect.stringMatching(/tableName.*"order-items" does not match/)]);
    const ro = structuredClone(t);
    ro.body = { properties: { tableName: 'todos' } };
    expect(contract.validate(ro).errors).toEqual(['$.properties.tableName: readOnly property sent by the client']);
  });
});
