/**
 * The app package and Storage, on Azurite.
 *
 * What the adapter does (providers/azure/apply/app-package.ts): it never writes the package to
 * Storage itself. It POSTs app.zip to the app's Kudu host (`/api/publish?RemoteBuild=false`,
 * OneDeploy); on Flex Consumption, Kudu stores it in the container the app's
 * `functionAppConfig.deployment.storage` names (`app-package`, created by the deploy, read by the
 * app with its identity) and restarts the app; the adapter then tags the app `slsx:code=<sha256>`.
 * Kudu is not emulated anywhere: here a stand-in for it (the bridge's `onPublish`) writes the
 * bytes it was sent into the named container on Azurite, so the parts that do touch Storage run
 * for real:
 *
 * - the deploy creates the container the deployment storage URL names, in the account it names;
 * - the deploy holds its lock (a lease on that same container) while the package is published,
 *   and a container lease does not stop the blob write Kudu makes (Azurite enforces container
 *   leases: a delete without the lease id is refused, a blob write is not);
 * - the bytes that land are the artifact's (sha256 = the artifact's = the `slsx:code` tag);
 * - remove breaks its own lease to delete the container, and the release afterwards is harmless.
 *
 * Not covered: Kudu itself (its blob name, its deployment records, the restart), and RBAC (Azurite
 * does not enforce role assignments, so the app identity's Storage Blob Data Contributor grant on
 * the container is checked as a Resource Manager request only, in test/azure/).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapter } from '../../providers/azure/index.js';
import { azureNames } from '../../providers/azure/naming.js';
import type { AdapterContext } from '../../src/core/adapter.js';
import { applyPlan } from '../../src/apply/deploy.js';
import type { Artifact } from '../../src/model/artifact.js';
import { FakeArm } from '../azure/support/fake-arm.js';
import { artifacts } from '../azure/support/service.js';
import { shop } from '../azure/support/shop.js';
import { planWith } from '../support/adapter-run.js';
import { ArmStorageBridge } from './support/azure-arm-bridge.js';
import { startAzurite, type Azurite } from './support/azurite.js';

let az: Azurite;
let arm: FakeArm;
let bridge: ArmStorageBridge;

/** What the Kudu stand-in saw at each publish. */
const publishes: Array<{ container: string; leaseState: string | null; put: number; sha256: string }> = [];
/** The blob name is Kudu's choice; this one is the stand-in's. */
const BLOB = 'package.zip';

const names = azureNames('shop', 'dev', 'shop-rg');

function command(): AdapterContext {
  return { env: {}, cwd: '/project', events: () => {}, now: () => new Date(), clients: bridge.clients };
}

/** Plan and apply as `sls-x deploy` does (applyPlan: under the deploy lock when there is work). */
async function deploy(arts: Artifact[], remove = false): Promise<void> {
  const ctx = command();
  const svc = shop();
  const plan = await planWith(adapter, svc, arts, ctx, remove);
  await applyPlan({ plan, service: svc, adapter, ctx, readOutputs: false });
}

/** The Function App as the fake Resource Manager keeps it (what the adapter PUT). */
function site(): { tags: Record<string, string>; properties: Record<string, any> } { // eslint-disable-line @typescript-eslint/no-explicit-any
  const entry = [...arm.resources.entries()].find(([id]) => id.endsWith(`/microsoft.web/sites/${names.app}`));
  expect(entry).toBeDefined();
  return entry![1] as never;
}

async function containers(): Promise<string[]> {
  const list = await bridge.storage('GET', `${az.blobUrl}?comp=list`);
  expect(list.status).toBe(200);
  return [...list.text.matchAll(/<Name>([^<]+)<\/Name>/g)].map((m) => m[1]!).sort();
}

beforeAll(async () => {
  az = await startAzurite({ oauth: true });
  arm = new FakeArm();
  bridge = new ArmStorageBridge(arm, az);
  // The Kudu stand-in: the container the app's deployment storage names, at the moment of the publish.
  bridge.onPublish = async (zip) => {
    const url = new URL(String(site().properties.functionAppConfig.deployment.storage.value));
    const container = url.pathname.split('/')[1]!;
    const props = await bridge.storage('GET', `${az.blobUrl}/${container}?restype=container`);
    const put = await bridge.storage('PUT', `${az.blobUrl}/${container}/${BLOB}`, { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'application/zip' }, new Uint8Array(zip));
    publishes.push({ container, leaseState: props.headers.get('x-ms-lease-state'), put: put.status, sha256: createHash('sha256').update(zip).digest('hex') });
  };
}, 60_000);

afterAll(async () => {
  await az?.stop();
});

describe('the azure app package and its Storage container, on Azurite', () => {
  it('the first deploy creates the container the deployment storage names, then publishes into it (no lock yet: nothing to lease before)', async () => {
    const v1 = artifacts(shop(), 'v1');
    await deploy(v1);
    const storage = site().properties.functionAppConfig.deployment.storage;
    expect(storage).toMatchObject({ type: 'blobContainer', value: `https://${names.storageAccount}.blob.core.windows.net/app-package`, authentication: { type: 'UserAssignedIdentity' } });
    expect(String(storage.authentication.userAssignedIdentityResourceId)).toMatch(new RegExp(`/userAssignedIdentities/${names.identity}$`));
    // The account it names is the one this deploy created; the container is on Azurite.
    expect([...arm.resources.keys()].some((id) => id.endsWith(`/storageaccounts/${names.storageAccount}`))).toBe(true);
    expect(await containers()).toContain('app-package');
    // The first deploy found no container to lease (404) and went ahead unlocked.
    expect(bridge.calls.filter((c) => c.op.startsWith('Lease ')).map((c) => `${c.op} ${c.status}`)).toEqual(['Lease Acquire 404']);
    expect(publishes).toEqual([{ container: 'app-package', leaseState: 'available', put: 201, sha256: v1[0]!.sha256 }]);
    expect(site().tags['slsx:code']).toBe(v1[0]!.sha256);
  });

  it('a code change is published while the deploy holds the lease on that container; the bytes that land are the artifact', async () => {
    const v2 = artifacts(shop(), 'v2');
    const from = bridge.calls.length;
    await deploy(v2);
    // Published under the deploy's own lease, and the write into the leased container went through.
    expect(publishes.at(-1)).toEqual({ container: 'app-package', leaseState: 'leased', put: 201, sha256: v2[0]!.sha256 });
    expect(bridge.calls.slice(from).filter((c) => c.resource === 'app-package').map((c) => `${c.op} ${c.status}`)).toEqual(['Lease Acquire 201', 'Lease Release 200']);

    const blob = await az.fetch(`${az.blobUrl}/app-package/${BLOB}`, { headers: { authorization: bridge.authorization(), 'x-ms-version': '2022-11-02' } });
    expect(blob.status).toBe(200);
    const bytes = Buffer.from(await blob.arrayBuffer());
    expect(bytes.equals(readFileSync(v2[0]!.zipPath))).toBe(true);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(v2[0]!.sha256);
    expect(blob.headers.get('content-md5')).toBe(createHash('md5').update(bytes).digest('base64'));
    expect(Number(blob.headers.get('content-length'))).toBe(v2[0]!.size);
    expect(site().tags['slsx:code']).toBe(v2[0]!.sha256);
    // Released at the end.
    const props = await bridge.storage('GET', `${az.blobUrl}/app-package?restype=container`);
    expect(props.headers.get('x-ms-lease-state')).toBe('available');
  });

  it('an unchanged redeploy publishes nothing and takes no lease', async () => {
    const from = bridge.calls.length;
    const before = publishes.length;
    await deploy(artifacts(shop(), 'v2'));
    expect(publishes).toHaveLength(before);
    expect(bridge.calls.slice(from).filter((c) => c.op.startsWith('Lease '))).toEqual([]);
  });

  it('remove deletes the package container under its own lock: it breaks its lease first, and its release afterwards is a harmless 404', async () => {
    const from = bridge.calls.length;
    await deploy([], true);
    expect(bridge.calls.slice(from).filter((c) => c.resource === 'app-package').map((c) => `${c.op} ${c.status}`)).toEqual([
      'Lease Acquire 201',
      'Lease Break 202',
      'Delete Container 202',
      'Lease Release 404',
    ]);
    expect(await containers()).toEqual([]);
  });
});
