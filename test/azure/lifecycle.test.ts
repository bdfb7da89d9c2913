import { describe, expect, it } from 'vitest';
import { FakeArm, SUB } from './support/fake-arm.js';
import { artifacts, deploy, work } from './support/service.js';
import { shop } from './support/shop.js';

const RG = `/subscriptions/${SUB}/resourceGroups/shop-rg`;
const ACCT = `${RG}/providers/Microsoft.Storage/storageAccounts/shopdevce7e13ab`;

async function deployed(): Promise<FakeArm> {
  const arm = new FakeArm();
  const s = shop();
  await deploy(s, artifacts(s), arm);
  arm.requests.length = 0;
  arm.zips.length = 0;
  return arm;
}

describe('azure adapter: redeploys', () => {
  it('a second deploy with no change plans nothing and makes no mutating request', async () => {
    const arm = await deployed();
    const s = shop();
    const p = await deploy(s, artifacts(s), arm);
    expect(work(p.changes)).toEqual([]);
    expect(p.changes.length).toBeGreaterThan(20);
    expect(arm.mutating()).toEqual([]);
    // Reads only: GETs and the app settings `list` POST.
    expect(new Set(arm.requests.map((r) => r.method))).toEqual(new Set(['GET', 'POST']));
  });

  it('a code change deploys only the new package (one zip deploy, one tag merge)', async () => {
    const arm = await deployed();
    const s = shop();
    const arts = artifacts(s, 'v2');
    const p = await deploy(s, arts, arm);
    expect(work(p.changes)).toEqual(['update package']);
    expect(p.changes.find((c) => c.id === 'package')!.reasons.join(' ')).toMatch(/sha256/);
    expect(arm.lines((r) => arm.mutating().includes(r))).toEqual([
      'POST https://shop-dev.scm.azurewebsites.net/api/publish',
      `PATCH ${RG}/providers/Microsoft.Web/sites/shop-dev/providers/Microsoft.Resources/tags/default?api-version=2025-04-01`,
    ]);
    expect(arm.zips.map((z) => z.toString())).toEqual(['app.zip of api,worker,thumbnail: v2']);
    const again = await deploy(s, arts, arm);
    expect(work(again.changes)).toEqual([]);
  });

  it('removing a function ships a package without it and drops the grants only it needed', async () => {
    const arm = await deployed();
    const s = shop({ withWorker: false });
    const p = await deploy(s, artifacts(s), arm);
    // api still sends to orders: its grant narrows to Message Sender; the poison queue grant goes;
    // the app's settings drop the worker's configuration and the queue host settings.
    expect(work(p.changes)).toEqual([
      'create grant:QueueDataMessageSender:queues/orders',
      'delete grant:QueueDataContributor:queues/orders',
      'delete grant:QueueDataContributor:queues/orders-poison',
      'update function-app',
      'update package',
    ]);
    const deleted = arm.requests.filter((r) => r.method === 'DELETE').map((r) => r.line);
    expect(deleted).toHaveLength(2);
    expect(deleted.every((l) => /^\/subscriptions\/.+\/queueServices\/default\/queues\/orders(-poison)?\/providers\/Microsoft\.Authorization\/roleAssignments\/[0-9a-f-]{36}\?api-version=2022-04-01$/.test(l))).toBe(true);
    const sender = arm.requests.find((r) => r.method === 'PUT' && r.path.includes('/roleAssignments/'))!;
    expect(sender.path.startsWith(`${ACCT}/queueServices/default/queues/orders/providers/`)).toBe(true);
    expect(sender.body.properties.roleDefinitionId).toBe(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/c6a89b2d-59bc-44d0-9896-0f6e12d7b80a`);
    expect(arm.zips.map((z) => z.toString())).toEqual(['app.zip of api,thumbnail: v1']);
    // The queues themselves stay: they are declared in the config.
    expect(arm.has('/queues/orders')).toBe(true);
    expect(work((await deploy(s, artifacts(s), arm)).changes)).toEqual([]);
  });

  it('an interrupted first deploy is finished by deploying again: no duplicates, nothing left over', async () => {
    const arm = new FakeArm();
    const s = shop();
    arm.failOnce = (r) => r.method === 'PUT' && r.path.endsWith('/sites/shop-dev');
    await expect(deploy(s, artifacts(s), arm)).rejects.toThrow(/shop-dev/);
    expect(arm.zips).toHaveLength(0);
    const before = arm.requests.length;
    const p = await deploy(s, artifacts(s), arm);
    // Only what the first run did not finish: the app, its package and the storage event after it.
    expect(work(p.changes)).toEqual(['create event:thumbnail:1', 'create function-app', 'create package']);
    expect(arm.requests.slice(before).filter((r) => r.method === 'PUT' && r.path.includes('/roleAssignments/'))).toEqual([]);
    expect(arm.zips).toHaveLength(1);
    expect(work((await deploy(s, artifacts(s), arm)).changes)).toEqual([]);
  });
});

describe('azure adapter: remove', () => {
  it('deletes exactly what carries the service and stage tags, and leaves a shared resource group with other things in it', async () => {
    const arm = await deployed();
    // Someone else's storage account in the same resource group, and another stage's identity.
    arm.put(`${RG}/providers/Microsoft.Storage/storageAccounts/theirs`.toLowerCase(), `${RG}/providers/Microsoft.Storage/storageAccounts/theirs`, { location: 'westeurope', tags: { team: 'data' } });
    arm.put(`${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shop-prod-id`.toLowerCase(), `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shop-prod-id`, { tags: { 'slsx:service': 'shop', 'slsx:stage': 'prod', 'slsx:id': 'identity' } });
    const s = shop();
    const p = await deploy(s, [], arm, true);
    expect(p.changes.every((c) => c.action === 'delete')).toBe(true);
    expect(p.changes).toHaveLength(25);
    const deleted = arm.requests.filter((r) => r.method === 'DELETE').map((r) => r.path);
    expect(deleted.some((d) => /theirs|shop-prod-id/.test(d))).toBe(false);
    expect(deleted).toContain(`${RG}/providers/Microsoft.Web/sites/shop-dev`);
    expect(deleted).toContain(`${RG}/providers/Microsoft.Storage/storageAccounts/shopdevce7e13ab`);
    expect(deleted).toContain(`${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shop-dev-id`);
    expect(deleted).toContain(`${RG}/providers/Microsoft.Web/serverfarms/shop-dev-plan`);
    expect(deleted).toContain(`${RG}/providers/Microsoft.EventGrid/systemTopics/shop-dev-storage`);
    // The group holds someone else's things: it stays.
    expect(deleted).not.toContain(`/subscriptions/${SUB}/resourcegroups/shop-rg`);
    expect(arm.has('/storageaccounts/theirs')).toBe(true);
    expect(arm.has('/userassignedidentities/shop-prod-id')).toBe(true);
    // Nothing of shop/dev is left to find.
    arm.requests.length = 0;
    const after = await deploy(s, [], arm, true);
    expect(work(after.changes)).toEqual(['delete resource-group']);
    expect(arm.mutating()).toEqual([]);
  });

  it('an assignment of the identity made above the resource group (inherited) is not sls-x\'s: never planned, never deleted', async () => {
    const arm = await deployed();
    const PRINCIPAL = '11111111-1111-1111-1111-111111111111';
    const sub = `/subscriptions/${SUB}`;
    const inherited = `${sub}/providers/Microsoft.Authorization/roleAssignments/99999999-9999-4999-8999-999999999999`;
    arm.put(inherited.toLowerCase(), inherited, { properties: { principalId: PRINCIPAL, roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe` } });
    const s = shop();
    const p = await deploy(s, artifacts(s), arm);
    expect(work(p.changes)).toEqual([]);
    const removed = await deploy(s, [], arm, true);
    expect(removed.changes.some((c) => String(c.physicalId ?? '').toLowerCase() === inherited.toLowerCase())).toBe(false);
    expect(arm.requests.filter((r) => r.method === 'DELETE' && r.path.toLowerCase() === inherited.toLowerCase())).toEqual([]);
    expect(arm.resources.has(inherited.toLowerCase())).toBe(true);
  });

  it('deletes the resource group it created once it is empty; never one it did not create', async () => {
    const arm = await deployed();
    const s = shop();
    await deploy(s, [], arm, true);
    expect(arm.lines((r) => r.method === 'DELETE' && r.path.endsWith('/shop-rg'))).toEqual([`DELETE /subscriptions/${SUB}/resourcegroups/shop-rg?api-version=2025-04-01`]);

    const other = new FakeArm();
    other.put(`/subscriptions/${SUB}/resourcegroups/shop-rg`, `/subscriptions/${SUB}/resourceGroups/shop-rg`, { location: 'westeurope', tags: { owner: 'platform-team' } });
    await deploy(s, artifacts(s), other);
    // Used as it is: not re-created, not tagged.
    expect(other.requests.filter((r) => r.method === 'PUT' && /\/resourcegroups\/shop-rg$/i.test(r.path))).toEqual([]);
    await deploy(s, [], other, true);
    expect(other.requests.filter((r) => r.method === 'DELETE' && /\/resourcegroups\/shop-rg$/i.test(r.path))).toEqual([]);
    expect(other.has('/resourcegroups/shop-rg')).toBe(true);
  });
});
