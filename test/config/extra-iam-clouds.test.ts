import { afterAll, describe, expect, it } from 'vitest';
import { project, runCli, STUBS } from './helpers.js';

const made: Array<() => void> = [];
afterAll(() => made.forEach((c) => c()));
const setup = (yaml: string): string => {
  const p = project({ ...STUBS, 'faas.yaml': yaml });
  made.push(p.cleanup);
  return p.dir;
};

const YAML = (gcpResource = '${ref:legacy}') => `service: shop
targets:
  aws: { region: eu-west-1 }
  azure: { region: westeurope }
  gcp: { region: europe-west1, project: shop-prod }
references:
  legacy:
    azure: /subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/data/providers/Microsoft.Storage/storageAccounts/legacy
    gcp: projects/shop-prod/topics/legacy
functions:
  api:
    handler: src/api.handler
    targets:
      azure:
        roles: [ { role: Storage Blob Data Reader, scope: "\${ref:legacy}" } ]
      gcp:
        roles: [ { role: roles/pubsub.publisher, resource: "${gcpResource}" } ]
  worker:
    handler: src/worker.handler
`;

type Diag = { severity: string; code: string; message: string; target?: string; line?: number; col?: number };
const diagnostics = async (dir: string, target: string) => {
  const r = await runCli(['validate', '--json', '--target', target], dir);
  return { code: r.code, list: (JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics.filter((d) => d.code.startsWith('extra-iam')) };
};

describe('escape hatches on azure and gcp (issue 11.1)', () => {
  it('says what each adds; azure roles are refused for an azure deploy (not applied there yet); aws gets only the derived ones', async () => {
    const dir = setup(YAML());
    const azure = await diagnostics(dir, 'azure');
    expect(azure.code).toBe(2);
    expect(azure.list.filter((d) => d.target === 'azure').map((d) => [d.severity, d.code, d.message])).toEqual([
      ['error', 'extra-iam-unsupported-target', '`functions.api.targets.azure.roles` is not applied on azure yet: sls-x would not create these role assignments (Storage Blob Data Reader on /subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/data/providers/Microsoft.Storage/storageAccounts/legacy).'],
    ]);
    const gcp = await diagnostics(dir, 'gcp');
    expect(gcp.code).toBe(0);
    expect(gcp.list.filter((d) => d.target === 'azure').map((d) => [d.severity, d.code])).toEqual([['warning', 'extra-iam-unsupported-target']]);
    expect(gcp.list.filter((d) => d.target === 'gcp').map((d) => d.message)).toEqual(['Function `api` adds 1 IAM binding(s) to its service account beyond the derived least-privilege ones: roles/pubsub.publisher on projects/shop-prod/topics/legacy.']);
    expect(gcp.list.filter((d) => d.target === 'aws').map((d) => [d.code, d.message])).toEqual([
      ['extra-iam-not-applied', '`functions.api.targets.gcp.roles` applies on gcp only: on aws, `api` gets only the permissions sls-x derives.'],
    ]);
  });

  it('a GCP resource sls-x cannot bind on is an error at its line:col; a whole project is called out', async () => {
    const bad = await diagnostics(setup(YAML('projects/shop-prod/datasets/x')), 'gcp');
    expect(bad.code).toBe(2);
    expect(bad.list.filter((d) => d.severity === 'error').map((d) => [d.code, d.line, d.message])).toEqual([['extra-iam-unsupported-resource', 17, '`projects/shop-prod/datasets/x` is not a resource sls-x can grant `roles/pubsub.publisher` on.']]);
    const wide = await diagnostics(setup(YAML('projects/shop-prod')), 'gcp');
    expect(wide.code).toBe(0);
    expect(wide.list.filter((d) => d.code === 'extra-iam-wildcard').map((d) => d.message)).toEqual(['Entry 1 of `api` grants roles/pubsub.publisher on the whole project projects/shop-prod.']);
  });

  it('tables validate for an azure deploy (Table Storage) with no refusal for any listed target', async () => {
    const dir = setup(YAML().replace('functions:\n', 'tables:\n  todos: {}\nfunctions:\n').replace('  worker:\n    handler: src/worker.handler\n', '  worker:\n    handler: src/worker.handler\n    tables: [ todos ]\n'));
    for (const target of ['azure', 'aws']) {
      const r = await runCli(['validate', '--json', '--target', target], dir);
      const diags = (JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics;
      expect(diags.filter((d) => /tables/.test(String((d as { path?: string }).path ?? '')))).toEqual([]);
      expect(diags.map((d) => d.code)).not.toContain('tables-unsupported-target');
    }
  });
});
