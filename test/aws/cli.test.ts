/**
 * The aws target through the real CLI entry (main) on a copy of examples/shop, with the fake
 * AWS injected: what a user sees for plan / deploy plan.json / --json / remove / invoke / logs /
 * metrics, and which calls reach AWS.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAws } from './support/fake-aws.js';
import { cleanup, cli, shopProject } from './support/cli.js';

const SECRET = 'sk_live_DO_NOT_PRINT_4242';

describe('sls-x on aws through the CLI (fake AWS)', () => {
  const dirs: string[] = [];
  afterEach(() => cleanup(dirs));

  it('plan --out makes only read calls and shows every change with its reason, IAM marked; deploy plan.json applies exactly it', async () => {
    const aws = new FakeAws();
    const dir = shopProject(dirs);
    const planned = await cli(['plan', '--target', 'aws', '--out', 'plan.json'], dir, aws);
    expect(planned.code).toBe(0);
    expect(aws.mutatingCalls()).toEqual([]);
    expect(planned.stdout).toMatch(/^ {2}\+ create {2}role:api +not deployed yet {2}\[IAM\]$/m);
    expect(planned.stdout).toMatch(/^ {2}\+ create {2}function:api +not deployed yet$/m);
    expect(planned.stdout).toContain('27 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged.');
    expect(planned.stdout).toContain('! 7 identity/permission (IAM) change(s): review them before applying.');
    const saved = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    expect(saved.scope).toEqual({ target: 'aws', service: 'shop', stage: 'dev', region: 'eu-west-1', account: '123456789012' });

    // The plan names its target: `sls-x deploy plan.json`, as `plan --out` tells the user, is enough.
    expect(planned.stdout).toContain('sls-x deploy plan.json');
    const applied = await cli(['deploy', 'plan.json'], dir, aws);
    expect(applied.code).toBe(0);
    // The saved plan is re-derived from faas.yaml and the code (byte-identical packages) and
    // applied only because it matches exactly (issue 8.3).
    expect(applied.stdout).toContain('packaged');
    expect(applied.stdout).toMatch(/^ {2}✓ created function:api \(\d+ms\)$/m);
    expect(applied.stdout).toContain('Deployed shop (stage dev) to aws');
    expect(aws.inputs('lambda:CreateFunction').map((i) => i.FunctionName).sort()).toEqual(['shop-dev-api', 'shop-dev-nightly', 'shop-dev-thumbnail', 'shop-dev-worker']);
    // Plain lines in a pipe: no terminal escapes.
    expect(applied.stdout).not.toMatch(/\u001b\[/);

    // A second deploy: nothing to change, so nothing is written (not even the deploy lock).
    aws.resetCalls();
    const again = await cli(['deploy', '--target', 'aws'], dir, aws);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes: everything is up to date.');
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it('a code change plans as that function\'s code update, with the reason', async () => {
    const aws = new FakeAws();
    const dir = shopProject(dirs);
    expect((await cli(['deploy', '--target', 'aws'], dir, aws)).code).toBe(0);
    // A change that reaches the bundle (an unused export would be tree-shaken away).
    writeFileSync(join(dir, 'src', 'worker.ts'), readFileSync(join(dir, 'src', 'worker.ts'), 'utf8').replace("'order processed'", "'order processed (v2)'"));
    aws.resetCalls();
    const out = await cli(['plan', '--target', 'aws'], dir, aws);
    expect(out.stdout).toMatch(/^ {2}~ update {2}function:worker +codeSha256 changed \(code changed\)$/m);
    expect(out.stdout).toContain('0 to create, 1 to update, 0 to replace, 0 to delete, 26 unchanged.');
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it('a configuration change (memory, timeout, batch size, CORS) leaves the code alone: no code reason, no upload, same sha256 (issue 8.10)', async () => {
    const aws = new FakeAws();
    const dir = shopProject(dirs);
    expect((await cli(['deploy', '--target', 'aws'], dir, aws)).code).toBe(0);
    const sha = (name: string): string => aws.functions.get(name).CodeSha256;
    const before = ['shop-dev-api', 'shop-dev-worker'].map(sha);
    const yaml = readFileSync(join(dir, 'faas.yaml'), 'utf8');
    writeFileSync(join(dir, 'faas.yaml'), yaml.replace('  memory: 512\n  timeout: 30s', '  memory: 1024\n  timeout: 45s').replace('batchSize: 10', 'batchSize: 5').replace('cors: true', 'cors: false'));
    aws.resetCalls();
    const out = await cli(['plan', '--target', 'aws'], dir, aws);
    expect(out.code).toBe(0);
    expect(out.stdout).not.toMatch(/code changed|codeSha256/);
    // Lambda's configuration alone: the timeout is not in SLSX_FUNCTIONS on aws (the platform gives the remaining time).
    expect(out.stdout).toMatch(/^ {2}~ update {2}function:api +memory: 512 -> 1024\n {20,}timeout: 30 -> 45$/m);
    expect(out.stdout).not.toContain('SLSX_FUNCTIONS');
    // Batch size and CORS are the mapping's and the API's: the functions' runtime configuration is unchanged by them.
    expect(out.stdout).toMatch(/^ {2}~ update {2}mapping:worker:orders +batchSize: 10 -> 5$/m);
    expect(out.stdout).toContain('0 to create, 6 to update, 0 to replace, 0 to delete');
    const deployed = await cli(['deploy', '--target', 'aws'], dir, aws);
    expect(deployed.code).toBe(0);
    expect(aws.mutatingCalls()).not.toContain('lambda:UpdateFunctionCode');
    expect(aws.mutatingCalls()).toContain('lambda:UpdateFunctionConfiguration');
    expect(['shop-dev-api', 'shop-dev-worker'].map(sha)).toEqual(before);
    expect(aws.inputs('lambda:UpdateFunctionConfiguration').find((i) => i.FunctionName === 'shop-dev-api')).toMatchObject({ MemorySize: 1024, Timeout: 45 });
  });

  it('deploy --function worker plans and applies only that function (code and configuration); unchanged, it writes nothing', async () => {
    const aws = new FakeAws();
    const dir = shopProject(dirs);
    expect((await cli(['deploy', '--target', 'aws'], dir, aws)).code).toBe(0);
    writeFileSync(join(dir, 'src', 'worker.ts'), readFileSync(join(dir, 'src', 'worker.ts'), 'utf8').replace("'order processed'", "'order processed (v3)'"));
    // Another change elsewhere is left for a full deploy.
    writeFileSync(join(dir, 'faas.yaml'), readFileSync(join(dir, 'faas.yaml'), 'utf8').replace('batchSize: 10', 'batchSize: 5'));
    aws.resetCalls();
    const one = await cli(['deploy', '--target', 'aws', '--function', 'worker'], dir, aws);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/^ {2}~ update {2}function:worker +codeSha256 changed \(code changed\)$/m);
    expect(one.stdout).toContain('0 to create, 1 to update, 0 to replace, 0 to delete');
    expect(one.stdout).toMatch(/packaged worker/);
    expect(one.stdout).not.toMatch(/packaged api/);
    expect(one.stderr).toContain('--function worker: only function:worker (code and configuration) is planned and applied');
    expect(aws.mutatingCalls().filter((n) => n.startsWith('lambda:UpdateFunctionCode'))).toHaveLength(1);
    expect(aws.inputs('lambda:UpdateFunctionCode').map((i) => i.FunctionName)).toEqual(['shop-dev-worker']);
    expect(aws.mutatingCalls()).not.toContain('lambda:UpdateEventSourceMapping');

    aws.resetCalls();
    const again = await cli(['deploy', '--target', 'aws', '--function', 'worker'], dir, aws);
    expect(again.code).toBe(0);
    expect(aws.mutatingCalls()).toEqual([]);
    // The mapping change is still there for a full deploy.
    expect((await cli(['plan', '--target', 'aws'], dir, aws)).stdout).toMatch(/mapping:worker:orders +batchSize: 10 -> 5/);
    const unknown = await cli(['deploy', '--target', 'aws', '--function', 'nope'], dir, aws);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("There is no function 'nope'");
  });

  it('a saved plan is refused, before any write, when the credentials are for another account', async () => {
    const aws = new FakeAws();
    const dir = shopProject(dirs);
    await cli(['plan', '--target', 'aws', '--out', 'plan.json'], dir, aws);
    const file = join(dir, 'plan.json');
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...saved, scope: { ...saved.scope, account: '999999999999' } }));
    aws.resetCalls();
    const out = await cli(['deploy', 'plan.json', '--target', 'aws'], dir, aws);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('error PLAN_STALE: The plan is for AWS account 999999999999, but the credentials in use are for account 123456789012.');
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it('--json prints the plan and the outputs as one JSON document; secret values appear nowhere', async () => {
    const aws = new FakeAws();
    const dir = shopProject(dirs);
    // A function with a secret; its value sits in the local .env and in the caller's environment.
    const yaml = join(dir, 'faas.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('  worker:\n    handler: src/worker.handler\n', '  worker:\n    handler: src/worker.handler\n    secrets: [STRIPE_KEY]\n'));
    writeFileSync(join(dir, '.env'), `STRIPE_KEY=${SECRET}\n`);
    const env = { STRIPE_KEY: SECRET, AWS_SECRET_ACCESS_KEY: SECRET };
    const planned = await cli(['plan', '--target', 'aws', '--out', 'plan.json'], dir, aws, { env });
    const deployed = await cli(['deploy', '--target', 'aws', '--json'], dir, aws, { env });
    expect(deployed.code).toBe(0);
    const doc = JSON.parse(deployed.stdout);
    expect(doc.plan.scope.account).toBe('123456789012');
    expect(doc.outputs.functions).toContainEqual({ name: 'worker', physicalName: 'shop-dev-worker' });
    expect(doc.outputs.endpoints.map((e: { method: string }) => e.method).sort()).toEqual(['GET', 'POST']);
    expect(aws.functions.get('shop-dev-worker').config.Environment.Variables.SLSX_SECRETS).toBe('{"STRIPE_KEY":"shop/dev/STRIPE_KEY"}');
    const everything = [planned.stdout, planned.stderr, deployed.stdout, deployed.stderr, readFileSync(join(dir, 'plan.json'), 'utf8'), JSON.stringify(aws.calls.map((c) => c.input))].join('\n');
    expect(everything).toContain('shop/dev/STRIPE_KEY');
    expect(everything).not.toContain(SECRET);
  });

  it('remove deletes what carries the service and stage tags and leaves another stage and untagged look-alikes alone', async () => {
    const aws = new FakeAws();
    const dir = shopProject(dirs);
    await cli(['deploy', '--target', 'aws'], dir, aws);
    await cli(['deploy', '--target', 'aws', '--stage', 'prod'], dir, aws);
    // Same name pattern, no tags: not ours.
    aws.logGroups.set('/aws/lambda/shop-dev-legacy', { tags: {} });
    const out = await cli(['remove', '--target', 'aws'], dir, aws);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Removed shop (stage dev) from aws: 27 resource(s) deleted.');
    const left = [...aws.tags.values()].map((t) => t['slsx:stage']);
    expect(left.length).toBeGreaterThan(0);
    expect(new Set(left)).toEqual(new Set(['prod']));
    expect([...aws.functions.keys()].sort()).toEqual(['shop-prod-api', 'shop-prod-nightly', 'shop-prod-thumbnail', 'shop-prod-worker']);
    expect([...aws.roles.keys()].every((r) => r.startsWith('shop-prod-'))).toBe(true);
    expect(aws.logGroups.has('/aws/lambda/shop-dev-legacy')).toBe(true);
  });

  it('invoke shows the result and the REPORT figures; logs and metrics read CloudWatch', async () => {
    const aws = new FakeAws();
    const dir = shopProject(dirs);
    await cli(['deploy', '--target', 'aws'], dir, aws);
    aws.invokeResults.set('shop-dev-api', {
      payload: { statusCode: 200, body: '{"id":"42"}' },
      logTail: 'START RequestId: r-1 Version: $LATEST\nEND RequestId: r-1\nREPORT RequestId: r-1\tDuration: 3.01 ms\tBilled Duration: 4 ms\tMemory Size: 512 MB\tMax Memory Used: 67 MB\tInit Duration: 140.62 ms\t\n',
    });
    const invoked = await cli(['invoke', 'api', '--target', 'aws', '--data', '{"id":"42"}'], dir, aws);
    expect(invoked.code).toBe(0);
    expect(invoked.stdout).toContain('"statusCode": 200');
    expect(invoked.stdout).toContain('api (r-1): cold start · init 140.6 ms · duration 3.01 ms · billed 4 ms · peak memory 67 MB of 512 MB · outcome ok');
    expect(Buffer.from(aws.inputs('lambda:Invoke')[0].Payload).toString()).toBe('{"id":"42"}');

    const now = Date.now();
    aws.logEvents.set('/aws/lambda/shop-dev-api', [
      { eventId: '1', timestamp: now - 60_000, message: '2026-11-27T09:59:00.000Z\tr-1\tINFO\tlooked up order 42' },
      { eventId: '2', timestamp: now - 59_000, message: 'REPORT RequestId: r-1\tDuration: 3.01 ms\tBilled Duration: 4 ms\tMemory Size: 512 MB\tMax Memory Used: 67 MB\tInit Duration: 140.62 ms' },
    ]);
    const logs = await cli(['logs', 'api', '--target', 'aws', '--since', '1h'], dir, aws);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('looked up order 42');
    const metrics = await cli(['metrics', '--target', 'aws'], dir, aws);
    expect(metrics.code).toBe(0);
    expect(metrics.stdout).toMatch(/^api +1 +1 +141\/141 /m);
    expect(metrics.stdout).toContain('Source: AWS REPORT lines.');
  });

  it('bad input is refused at plan time with where and how, before any call to AWS', async () => {
    const aws = new FakeAws();
    const dir = shopProject(dirs);
    const yaml = join(dir, 'faas.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('  memory: 512\n  timeout: 30s', '  memory: 20480\n  timeout: 30m'));
    const out = await cli(['plan', '--target', 'aws'], dir, aws);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("faas.yaml:12:11: error [limit-memory] (aws) The default memory 20480 MB is outside AWS Lambda's 128-10240 MB.");
    expect(out.stderr).toContain("faas.yaml:13:12: error [limit-timeout] (aws) The default timeout 30m is over AWS Lambda's 15m.");
    expect(out.stderr).toContain('error CONFIG_INVALID');
    expect(out.stderr).not.toMatch(/\n\s+at /);
    expect(aws.calls).toEqual([]);
    expect(existsSync(join(dir, 'plan.json'))).toBe(false);
  });

  it('a role name taken by another service, a bucket name held by another account, an unknown region: refused at plan time, nothing written', async () => {
    const aws = new FakeAws();
    const dir = shopProject(dirs);
    aws.roles.set('shop-dev-api', { path: '/', arn: 'arn:aws:iam::123456789012:role/shop-dev-api', trust: '{}', tags: { team: 'billing' }, policies: new Map() });
    aws.buckets.set('shop-dev-uploads-86d89e82', { owner: '999999999999', notification: {}, objects: new Map() });
    const out = await cli(['plan', '--target', 'aws', '--out', 'plan.json'], dir, aws);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("The IAM role name 'shop-dev-api' is taken by something that is not shop/dev.");
    expect(out.stderr).toContain("The bucket 'shop-dev-uploads-86d89e82' belongs to another AWS account (or denies this one).");
    expect(out.stderr).toContain('error RESOURCE_CONFLICT');
    expect(aws.mutatingCalls()).toEqual([]);
    expect(existsSync(join(dir, 'plan.json'))).toBe(false);

    const yaml = join(dir, 'faas.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('aws: { region: eu-west-1 }', 'aws: { region: eu-middle-9 }'));
    aws.resetCalls();
    const region = await cli(['plan', '--target', 'aws'], dir, aws);
    expect(region.code).toBe(2);
    expect(region.stderr).toMatch(/eu-middle-9/);
    expect(aws.calls).toEqual([]);
  });
});
