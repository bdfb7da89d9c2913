/**
 * The gcp target through the real CLI entry (main) on a copy of examples/shop, with the fake
 * Google Cloud injected: real packaging (functions-framework zips), plan --out, deploy
 * plan.json, a no-op redeploy, remove.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { FakeGcp } from './support/fake-gcp.js';

const dirs: string[] = [];
function shop(): string {
  const root = mkdtempSync(join(tmpdir(), 'slsx-gcp-cli-'));
  dirs.push(root);
  cpSync(resolve(import.meta.dirname, '../../examples/shop'), root, { recursive: true });
  return root;
}
const cli = (argv: string[], cwd: string, gcp: FakeGcp) => runCli(argv, cwd, { clients: { gcp: gcp.clients } });

describe('sls-x on gcp through the CLI (fake Google Cloud)', () => {
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('plan --out reads only; deploy plan.json applies it; a redeploy changes nothing; remove leaves nothing of ours', async () => {
    const gcp = new FakeGcp();
    const dir = shop();
    const planned = await cli(['plan', '--target', 'gcp', '--out', 'plan.json'], dir, gcp);
    expect(planned.stderr).not.toMatch(/error/);
    expect(planned.code).toBe(0);
    expect(gcp.mutatingCalls()).toEqual([]);
    expect(planned.stdout).toMatch(/^ {2}\+ create {2}sa:api +not deployed yet {2}\[IAM\]$/m);
    expect(planned.stdout).toMatch(/^ {2}\+ create {2}iam:run:api +not deployed yet {2}\[IAM\]$/m);
    expect(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')).scope).toEqual({ target: 'gcp', service: 'shop', stage: 'dev', account: 'shop-prod', region: 'europe-west1' });

    const applied = await cli(['deploy', 'plan.json'], dir, gcp);
    expect(applied.stderr).not.toMatch(/error/);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('https://europe-west1-shop-prod.cloudfunctions.net/shop-dev-api/orders');
    expect(gcp.inputs('functions.createFunction').map((i) => [i.functionId, i.function.buildConfig.entryPoint]).sort()).toEqual([
      ['shop-dev-api', 'api'],
      ['shop-dev-nightly', 'nightly'],
      ['shop-dev-thumbnail', 'thumbnail'],
      ['shop-dev-worker', 'worker'],
    ]);
    // The uploaded sources are the packaged zips (PK header).
    expect(gcp.uploads).toHaveLength(4);
    expect(gcp.uploads.every((u) => u.body.startsWith('PK'))).toBe(true);

    gcp.resetCalls();
    const again = await cli(['deploy', '--target', 'gcp'], dir, gcp);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes: everything is up to date.');
    // Nothing to change: nothing written, not even the deploy lock.
    expect(gcp.mutatingCalls()).toEqual([]);

    const removed = await cli(['remove', '--target', 'gcp'], dir, gcp);
    expect(removed.stderr).not.toMatch(/error/);
    expect(removed.code).toBe(0);
    expect([gcp.functions.size, gcp.topics.size, gcp.jobs.size, gcp.accounts.size]).toEqual([0, 0, 0, 0]);
    expect([...gcp.buckets.keys()]).toEqual(['slsx-deploy-shop-prod']);
  }, 120_000);

  it('deploy --function worker updates that function alone (code and configuration); unchanged, it writes nothing', async () => {
    const gcp = new FakeGcp();
    const dir = shop();
    expect((await cli(['deploy', '--target', 'gcp'], dir, gcp)).code).toBe(0);
    writeFileSync(join(dir, 'src', 'worker.ts'), readFileSync(join(dir, 'src', 'worker.ts'), 'utf8').replace("'order processed'", "'order processed (v4)'"));
    writeFileSync(join(dir, 'faas.yaml'), readFileSync(join(dir, 'faas.yaml'), 'utf8').replace('cron(0 3 * * *)', 'cron(0 4 * * *)'));
    gcp.resetCalls();
    const one = await cli(['deploy', '--target', 'gcp', '--function', 'worker'], dir, gcp);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/~ update {2}function:worker/);
    expect(one.stdout).toContain('0 to create, 1 to update, 0 to replace, 0 to delete');
    expect(gcp.inputs('functions.updateFunction').map((i) => i.function.name.split('/').pop())).toEqual(['shop-dev-worker']);
    expect(gcp.mutatingCalls().filter((n) => n.startsWith('scheduler.'))).toEqual([]);
    gcp.resetCalls();
    expect((await cli(['deploy', '--target', 'gcp', '--function', 'worker'], dir, gcp)).code).toBe(0);
    expect(gcp.mutatingCalls()).toEqual([]);
    expect((await cli(['plan', '--target', 'gcp'], dir, gcp)).stdout).toMatch(/schedule:nightly:0/);
  });
});
