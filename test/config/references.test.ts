import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-service.js';
import { project, runCli, STUBS } from './helpers.js';

const made: Array<() => void> = [];
afterAll(() => made.forEach((c) => c()));
const setup = (files: Record<string, string>): string => {
  const p = project({ ...STUBS, ...files });
  made.push(p.cleanup);
  return p.dir;
};
const load = async (dir: string) => {
  const r = await validateConfig({ cwd: dir, env: {} });
  return { fn: r.service?.functions[0], errors: r.diagnostics.filter((d) => d.severity === 'error') };
};

const ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/legacy-orders';
const YAML = (extra = '') => `service: shop
references:
  legacyOrders:
    aws: ${ARN}
    gcp: projects/shop-prod/topics/legacy
functions:
  api:
    handler: src/api.handler
    env:
      LEGACY_TOPIC: "\${ref:legacyOrders.gcp}"
    targets:
      aws:
        iam:
          - { actions: [dynamodb:GetItem, dynamodb:Query], resources: ["\${ref:legacyOrders}", "\${ref:legacyOrders}/index/*"] }
${extra}`;

describe('references: existing resources by id, for escape hatches (issue 11.1)', () => {
  it('${ref:NAME} inside targets.<cloud> is that cloud\'s id; ${ref:NAME.<cloud>} anywhere', async () => {
    const { fn, errors } = await load(setup({ 'faas.yaml': YAML() }));
    expect(errors).toEqual([]);
    expect(fn!.extraIam!.aws![0]!.resources).toEqual([ARN, `${ARN}/index/*`]);
    expect(fn!.env.LEGACY_TOPIC).toBe('projects/shop-prod/topics/legacy');
  });

  it('a reference without a cloud outside targets, or to a cloud the entry lacks, is an error at its line:col', async () => {
    const dir = setup({ 'faas.yaml': YAML().replace('"${ref:legacyOrders.gcp}"', '"${ref:legacyOrders}"') });
    const { errors } = await load(dir);
    expect(errors.map((e) => [e.code, e.line, e.col, e.message])).toEqual([[
      'bad-reference', 10, 22, '`${ref:legacyOrders}` is outside a `targets.<target>` block, so it does not say which cloud\'s id it means.',
    ]]);
    const missing = await load(setup({ 'faas.yaml': YAML().replace('"${ref:legacyOrders.gcp}"', '"${ref:legacyOrders.azure}"') }));
    expect(missing.errors.map((e) => [e.code, e.message, e.hint])).toEqual([[
      'bad-reference', '`references.legacyOrders.azure` is not set (used as `${ref:legacyOrders.azure}`).', "Add it: `references: { legacyOrders: { azure: <the resource's resource id> } }`.",
    ]]);
    const unknown = await load(setup({ 'faas.yaml': YAML().replace('"${ref:legacyOrders.gcp}"', '"${ref:nope.gcp}"') }));
    expect(unknown.errors.map((e) => e.message)).toEqual(['`references.nope.gcp` is not set (used as `${ref:nope.gcp}`).']);
  });

  it('ids are checked per cloud: an ARN, an Azure resource id, a GCP resource name', async () => {
    const dir = setup({ 'faas.yaml': YAML().replace(`aws: ${ARN}`, 'aws: legacy-orders').replace('gcp: projects/shop-prod/topics/legacy', 'gcp: legacy') });
    const r = await runCli(['validate'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toContain('faas.yaml:4:10');
    expect(r.stderr + r.stdout).toContain('an AWS reference is an ARN');
    expect(r.stderr + r.stdout).toContain('faas.yaml:5:10');
    expect(r.stderr + r.stdout).toContain('a GCP reference is a resource name');
    expect(r.stderr + r.stdout).not.toMatch(/\n\s+at /);
  });

  it('the referenced ARN reaches the plan under [IAM]', async () => {
    const r = await runCli(['validate', '--target', 'aws'], setup({ 'faas.yaml': YAML() }));
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toContain(ARN);
  });
});
