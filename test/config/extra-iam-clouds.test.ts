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
  it('says what each adds on azure and gcp (validate exits 0); a target without a hatch gets only the derived ones, and is told so', async () => {
    const dir = setup(YAML());
    const azure = await diagnostics(dir, 'azure');
    expect(azure.code).toBe(0);
    expect(azure.list.filter((d) => d.target === 'azure').map((d) => [d.severity, d.code, d.message])).toEqual([
      ['warning', 'extra-iam', "Function `api` adds 1 role assignment(s) to the Function App's identity beyond the derived least-privilege ones: Storage Blob Data Reader on /subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/data/providers/Microsoft.Storage/storageAccounts/legacy."],
      ['warning', 'extra-iam-app-wide', 'On azure every function of `shop` runs as one identity: what `api` adds under `targets.azure.roles` is granted to all of them.'],
    ]);
    // At the entries' line in faas.yaml.
    expect(azure.list.find((d) => d.code === 'extra-iam')!.line).toBe(15);
    expect(azure.list.map((d) => d.code)).not.toContain('extra-iam-unsupported-target');
    const gcp = await diagnostics(dir, 'gcp');
    expect(gcp.code).toBe(0);
    expect(gcp.list.filter((d) => d.target === 'azure').map((d) => [d.severity, d.code])).toEqual([['warning', 'extra-iam'], ['warning', 'extra-iam-app-wide']]);
    expect(gcp.list.filter((d) => d.target === 'gcp').map((d) => d.message)).toEqual(['Function `api` adds 1 IAM binding(s) to its service account beyond the derived least-privilege ones: roles/pubsub.publisher on projects/shop-prod/topics/legacy.']);
    expect(gcp.list.filter((d) => d.target === 'aws').map((d) => [d.code, d.message])).toEqual([
      ['extra-iam-not-applied', '`functions.api.targets.azure.roles` and `functions.api.targets.gcp.roles` apply on azure and gcp only: on aws, `api` gets only the permissions sls-x derives.'],
    ]);
  });

  it('azure: a role named by a name sls-x does not know is an error at its line:col with the GUID command; a GUID, or a whole resource group (called out), validates', async () => {
    const unknown = await runCli(['validate', '--json', '--target', 'azure'], setup(YAML().replace('role: Storage Blob Data Reader', 'role: Azure Service Bus Data Sender')));
    expect(unknown.code).toBe(2);
    const body = JSON.parse(unknown.stdout) as { code: string; diagnostics: Array<Diag & { hint?: string; path?: string }> };
    expect(body.code).toBe('CONFIG_INVALID');
    const err = body.diagnostics.filter((d) => d.severity === 'error');
    expect(err.map((d) => [d.code, d.line, d.col])).toEqual([['azure-role-unknown', 15, expect.any(Number)]]);
    expect(err[0]!.hint).toContain('az role definition list --name "Azure Service Bus Data Sender"');
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    const guid = await diagnostics(setup(YAML().replace('role: Storage Blob Data Reader', 'role: 2a2b9908-6ea1-4ae2-8e65-a410df84e7d1')), 'azure');
    expect(guid.code).toBe(0);
    const wide = await diagnostics(setup(YAML().replace('scope: "\${ref:legacy}"', 'scope: /subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/data')), 'azure');
    expect(wide.code).toBe(0);
    expect(wide.list.filter((d) => d.code === 'extra-iam-wildcard').map((d) => d.message)).toEqual(['Entry 1 of `api` assigns Storage Blob Data Reader on a whole resource group (/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/data).']);
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
