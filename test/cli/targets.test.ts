import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { project, runCli, STUBS } from '../config/helpers.js';

const yaml = `service: shop
targets:
  azure: { region: westeurope }
  gcp: { region: europe-west1, project: shop-prod }
functions:
  api:
    handler: src/api.handler
    events:
      - http: GET /hello
`;

describe('targets that cannot deploy yet', () => {
  const { dir, cleanup } = project({ 'faas.yaml': yaml, ...STUBS });
  afterAll(cleanup);

  it.each([
    ['deploy', '--target', 'azure'],
    ['plan', '--target', 'gcp'],
    ['invoke', 'api', '--target', 'azure'],
    ['remove', '--target', 'gcp'],
  ])('`sls-x %s ...` says so with exit 2 and writes nothing', async (...argv) => {
    const run = await runCli(argv, dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/error TARGET_NOT_AVAILABLE: The '(azure|gcp)' target cannot deploy, invoke/);
    expect(run.stderr).toMatch(/hint: `sls-x validate --target/);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(dir, '.sls-x'))).toBe(false);
  });

  it('an unknown target is a usage error naming the choices', async () => {
    const run = await runCli(['deploy', '--target', 'heroku'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/heroku/);
    expect(run.stderr).toMatch(/aws, azure, gcp, local|aws\|azure\|gcp\|local/);
  });
});

describe('remove', () => {
  const { dir, cleanup } = project({
    'faas.yaml': 'service: shop\ntargets:\n  azure: { region: westeurope }\ndefaults: { memory: 1024 }\nfunctions:\n  api:\n    handler: src/api.handler\n',
    ...STUBS,
  });
  afterAll(cleanup);

  it('does not repeat config warnings that are about running the service', async () => {
    const validated = await runCli(['validate'], dir);
    expect(validated.code).toBe(0);
    expect(validated.stderr).toMatch(/warning \[/);
    const removed = await runCli(['remove'], dir);
    expect(removed.code).toBe(0);
    expect(removed.stderr).not.toMatch(/warning \[/);
    expect(removed.stdout).toMatch(/Removed shop \(stage dev\) from local: 0 resource\(s\) deleted/);
  });
});
