import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { project, STUBS } from '../config/helpers.js';
import { runCli } from '../support/cli.js';

const yaml = `service: shop
targets:
  aws: { region: eu-west-1 }
  azure: { region: westeurope, subscription: 00000000-0000-0000-0000-000000000000 }
  gcp: { region: europe-west1, project: shop-prod }
functions:
  api:
    handler: src/api.handler
    events:
      - http: GET /hello
`;

describe('cloud targets without credentials', () => {
  const { dir, cleanup } = project({ 'faas.yaml': yaml, ...STUBS });
  afterAll(cleanup);

  // The test env keeps each SDK's credential chain off the metadata address (vitest.config.ts),
  // so "no credentials" is answered here, on this machine.
  it.each([
    ['deploy', '--target', 'azure'],
    ['plan', '--target', 'gcp'],
    ['deploy', '--target', 'aws'],
  ])('`sls-x %s %s %s` says how to configure credentials, exits 2 and builds nothing', async (...argv) => {
    const run = await runCli(argv, dir, { env: { HOME: dir } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/error CREDENTIALS: /);
    expect(run.stderr).toMatch(/hint: /);
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
