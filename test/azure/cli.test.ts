import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { FakeArm, SUB } from './support/fake-arm.js';

const dirs: string[] = [];
afterAll(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function shopProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'slsx-azure-cli-'));
  dirs.push(root);
  cpSync(resolve(import.meta.dirname, '../../examples/shop'), root, { recursive: true });
  return root;
}

const env = { AZURE_SUBSCRIPTION_ID: SUB };
const cli = (argv: string[], cwd: string, arm: FakeArm) => runCli(argv, cwd, { env, clients: { azure: arm.clients.azure } });

describe('azure through the real CLI on examples/shop (fake ARM)', () => {
  it('plan --out reads only; deploy plan.json applies it; a second deploy changes nothing; invoke; remove', async () => {
    const arm = new FakeArm();
    const cwd = shopProject();
    const planned = await cli(['plan', '--target', 'azure', '--out', 'plan.json'], cwd, arm);
    // The one thing Azure does differently here is said, as a warning: api caps the whole app.
    expect(planned.stderr).toMatch(/warning \[app-wide-concurrency\] \(azure\).*maximumInstanceCount \(50\)/);
    expect(planned.stderr).not.toMatch(/error/i);
    expect(planned.code).toBe(0);
    expect(arm.mutating()).toEqual([]);
    expect(planned.stdout).toMatch(/create.*function-app/);
    expect(planned.stdout).toMatch(/grant:QueueDataContributor:queues\/orders/);
    const saved = JSON.parse(readFileSync(join(cwd, 'plan.json'), 'utf8'));
    expect(saved.scope).toEqual({ target: 'azure', service: 'shop', stage: 'dev', region: 'westeurope', account: `${SUB}/shop-rg` });

    const applied = await cli(['deploy', 'plan.json'], cwd, arm);
    expect(applied.stderr).not.toMatch(/error/i);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/https:\/\/shop-dev\.azurewebsites\.net\/api\/orders\/\{id\}/);
    expect(arm.zips).toHaveLength(1);
    expect(arm.zips[0].subarray(0, 2).toString()).toBe('PK'); // the real app.zip from the bundler

    arm.requests.length = 0;
    const again = await cli(['deploy', '--target', 'azure'], cwd, arm);
    expect(again.code).toBe(0);
    expect(arm.mutating()).toEqual([]);
    // Nothing to change: no lock taken, no lease request at all.
    expect(arm.requests.filter((r) => r.path.endsWith('/lease'))).toEqual([]);
    expect(arm.leases.size).toBe(0);

    // Planning against what is deployed reads only: no lease (the lock is the deploy's), no write.
    arm.requests.length = 0;
    const replanned = await cli(['plan', '--target', 'azure'], cwd, arm);
    expect(replanned.code).toBe(0);
    expect(arm.requests.length).toBeGreaterThan(5);
    expect(arm.requests.filter((r) => r.method !== 'GET' && !/\/(appsettings\/list|checkNameAvailability)$/i.test(r.path)).map((r) => `${r.method} ${r.path}`)).toEqual([]);

    const http = await cli(['invoke', 'api', '--target', 'azure', '--data', '{"path":"/orders/42"}'], cwd, arm);
    expect(http.code).toBe(0);
    expect(arm.requests.at(-1)).toMatchObject({ method: 'GET', host: 'shop-dev.azurewebsites.net', path: '/api/orders/42' });
    // The function host runs user code: it never gets the caller's Resource Manager token (issue 13.1).
    expect(arm.requests.at(-1)!.authorization).toBeUndefined();
    const queued = await cli(['invoke', 'worker', '--target', 'azure', '--data', '"hello"'], cwd, arm);
    expect(queued.code).toBe(0);
    const admin = arm.requests.at(-1)!;
    expect(admin).toMatchObject({ method: 'POST', host: 'shop-dev.azurewebsites.net', path: '/admin/functions/worker', body: { input: 'hello' } });
    expect(admin.authorization).toBeUndefined();
    // Every request to the function host, and only those, goes without a bearer token; Kudu and ARM keep theirs.
    expect(arm.requests.filter((r) => r.host === 'shop-dev.azurewebsites.net').every((r) => r.authorization === undefined)).toBe(true);
    expect(arm.requests.filter((r) => r.host !== 'shop-dev.azurewebsites.net').every((r) => r.authorization === 'Bearer fake-token')).toBe(true);

    arm.requests.length = 0;
    const removed = await cli(['remove', '--target', 'azure'], cwd, arm);
    expect(removed.stderr).not.toMatch(/error/i);
    expect(removed.code).toBe(0);
    expect(arm.has('/sites/shop-dev')).toBe(false);
    expect(arm.has('/resourcegroups/shop-rg')).toBe(false);
  });

  it('a plan-time refusal exits 2 with the reason and writes nothing to Azure', async () => {
    const arm = new FakeArm();
    arm.takenSiteNames.add('shop-dev');
    const run = await cli(['deploy', '--target', 'azure'], shopProject(), arm);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/RESOURCE_CONFLICT/);
    expect(run.stderr).toMatch(/shop-dev' is taken by someone else/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(arm.mutating()).toEqual([]);
  });

  it('the escape hatch through the real CLI: plan shows the assignment under [IAM]; deploy creates it on the external scope; --function keeps it with the settings; remove deletes it', async () => {
    const arm = new FakeArm();
    const cwd = shopProject();
    const legacy = `/subscriptions/${SUB}/resourceGroups/data/providers/Microsoft.Storage/storageAccounts/legacy`;
    arm.put(legacy.toLowerCase(), legacy, { location: 'westeurope' });
    const yaml = readFileSync(join(cwd, 'faas.yaml'), 'utf8');
    const withHatch = (entries: string) =>
      yaml
        .replace('queues:\n', `references:\n  legacy: { azure: ${legacy} }\n\nqueues:\n`)
        .replace('    handler: src/worker.handler\n', `    handler: src/worker.handler\n    targets: { azure: { roles: [ ${entries} ] } }\n`);
    writeFileSync(join(cwd, 'faas.yaml'), withHatch('{ role: Storage Blob Data Reader, scope: "${ref:legacy}" }'));
    const planned = await cli(['plan', '--target', 'azure'], cwd, arm);
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stderr).toMatch(/warning \[extra-iam\] \(azure\).*Storage Blob Data Reader on \/subscriptions\/.*\/storageAccounts\/legacy/);
    expect(planned.stdout).toMatch(/\+ create +grant:extra:BlobDataReader:storageaccounts\/legacy:[0-9a-f]{8} +not deployed yet {2}\[IAM\]/);
    expect(arm.mutating()).toEqual([]);

    expect((await cli(['deploy', '--target', 'azure'], cwd, arm)).code).toBe(0);
    const ours = () => [...arm.resources.keys()].filter((k) => k.startsWith(`${legacy.toLowerCase()}/providers/microsoft.authorization/roleassignments/`));
    expect(ours()).toHaveLength(1);

    // The entry dropped, deployed with --function: the settings forget it only with its delete.
    writeFileSync(join(cwd, 'faas.yaml'), yaml);
    const one = await cli(['deploy', '--target', 'azure', '--function', 'worker'], cwd, arm);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/- delete +grant:extra:BlobDataReader:storageaccounts\/legacy/);
    expect(ours()).toEqual([]);

    writeFileSync(join(cwd, 'faas.yaml'), withHatch('{ role: Storage Blob Data Reader, scope: "${ref:legacy}" }'));
    expect((await cli(['deploy', '--target', 'azure'], cwd, arm)).code).toBe(0);
    expect(ours()).toHaveLength(1);
    const removed = await cli(['remove', '--target', 'azure'], cwd, arm);
    expect(removed.code, removed.stderr).toBe(0);
    expect(ours()).toEqual([]);
    expect(arm.has(legacy)).toBe(true);
  });

  it('deploy --function worker ships the app package (it holds every handler) and nothing else', async () => {
    const arm = new FakeArm();
    const cwd = shopProject();
    expect((await cli(['deploy', '--target', 'azure'], cwd, arm)).code).toBe(0);
    writeFileSync(join(cwd, 'src', 'worker.ts'), readFileSync(join(cwd, 'src', 'worker.ts'), 'utf8').replace("'order processed'", "'order processed (v5)'"));
    writeFileSync(join(cwd, 'faas.yaml'), readFileSync(join(cwd, 'faas.yaml'), 'utf8').replace('maxRetries: 4', 'maxRetries: 5'));
    arm.requests.length = 0;
    const one = await cli(['deploy', '--target', 'azure', '--function', 'worker'], cwd, arm);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toContain('--function worker: only the Function App package and settings (code and configuration) is planned and applied');
    expect(one.stdout).toMatch(/~ update {2}package/);
    // Only the app's package and settings are written; no storage queue is touched.
    expect(arm.mutating().filter((r) => r.path.includes('/queueServices/'))).toEqual([]);
    arm.requests.length = 0;
    expect((await cli(['deploy', '--target', 'azure', '--function', 'worker'], cwd, arm)).code).toBe(0);
    expect(arm.mutating()).toEqual([]);
  });
});
