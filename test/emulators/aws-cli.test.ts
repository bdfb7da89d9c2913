/**
 * The real CLI against moto, an independent implementation of the AWS APIs (skipped unless
 * SLSX_MOTO_URL is set; `.ci/run` starts moto when the workplace has it). Every command runs
 * in-process with real SDK clients pointed at moto; a middleware on them counts every call that
 * changes something. moto does not run Lambda code and writes no CloudWatch logs (see its
 * README): nothing here invokes a function or reads logs.
 */
import { testTmp } from '../support/tmp.js';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, type AwsClients } from '../../providers/aws/clients.js';
import { runCli } from '../support/cli.js';

const url = process.env.SLSX_MOTO_URL;
const READ = /^(Get|List|Describe|Head)/;

describe.skipIf(!url)('sls-x on aws through the CLI, against moto', () => {
  const env = { AWS_ENDPOINT_URL: url!, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'eu-west-1' };
  const root = testTmp('slsx-moto-cli-');
  let clients: AwsClients;
  /** Calls that change something, as `service:Operation`, since the last reset. */
  const writes: string[] = [];
  /** Throw a crash at the n-th write from now (an interrupted deploy), once. */
  let crashAt: number | undefined;
  // Stages of their own per run: the emulator suites share one moto and run side by side.
  const run = Date.now().toString(36).slice(-5);
  const DEV = `d${run}`;
  const QA = `q${run}`;
  const cli = (argv: string[], stage = DEV) => runCli([...argv, '--target', 'aws', '--stage', stage], root, { env, clients: { aws: clients } });
  const fns = (stage: string, names: string[]) => names.map((n) => `shop-${stage}-${n}`);

  beforeAll(async () => {
    cpSync(resolve(import.meta.dirname, '../../examples/shop'), root, { recursive: true });
    clients = { ...(await createClients('eu-west-1', env)), wait: { minDelay: 0.01, maxDelay: 0.05, maxWaitTime: 30, propagationAttempts: 3, pace: async () => {} } };
    for (const [field, client] of Object.entries(clients)) {
      const stack = (client as { middlewareStack?: { add: (mw: unknown, o: unknown) => void } }).middlewareStack;
      stack?.add(
        (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
          const op = String(context.commandName).replace(/Command$/, '');
          if (!READ.test(op)) {
            writes.push(`${field}:${op}`);
            if (crashAt !== undefined && --crashAt === 0) {
              crashAt = undefined;
              throw Object.assign(new Error('injected crash (the deploy is interrupted here)'), { name: 'InjectedCrash' });
            }
          }
          return next(args);
        },
        { step: 'initialize', name: 'slsxCountWrites' },
      );
    }
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const lambda = async () => import('@aws-sdk/client-lambda');
  async function functionNames(): Promise<string[]> {
    const { ListFunctionsCommand } = await lambda();
    const out: string[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 50; page++) {
      const res = await clients.lambda.send(new ListFunctionsCommand({ ...(marker ? { Marker: marker } : {}) }));
      out.push(...(res.Functions ?? []).map((f) => f.FunctionName!));
      marker = res.NextMarker;
      if (!marker) break;
    }
    return out.filter((n) => n.startsWith(`shop-${DEV}-`) || n.startsWith(`shop-${QA}-`)).sort();
  }

  it('deploys examples/shop; a plan then shows 0 changes and a redeploy writes nothing', async () => {
    const deployed = await cli(['deploy']);
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.stderr).not.toMatch(/\berror\b/i); // warnings only (CORS is per API on AWS)
    expect(deployed.stdout).toContain(`Deployed shop (stage ${DEV}) to aws`);
    expect(deployed.stdout).toMatch(/GET +https?:\/\/\S+\/orders\/\{id\}/);
    expect(await functionNames()).toEqual(fns(DEV, ['api', 'nightly', 'thumbnail', 'worker']));

    const plan = await cli(['plan']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('No changes');
    writes.length = 0;
    const again = await cli(['deploy']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes: everything is up to date.');
    // Nothing to change: not even the deploy lock is written.
    expect(writes).toEqual([]);
  }, 300_000);

  it('a config change is exactly one update, applied as configuration (no code upload)', async () => {
    const yaml = readFileSync(join(root, 'faas.yaml'), 'utf8');
    writeFileSync(join(root, 'faas.yaml'), yaml.replace('    handler: src/worker.handler\n', '    handler: src/worker.handler\n    memory: 1024\n'));
    const plan = await cli(['plan']);
    expect(plan.stdout).toMatch(/^ {2}~ update {2}function:worker +memory: 512 -> 1024$/m);
    expect(plan.stdout).toMatch(/0 to create, 1 to update, 0 to replace, 0 to delete/);
    writes.length = 0;
    expect((await cli(['deploy'])).code).toBe(0);
    expect(writes).not.toContain('lambda:UpdateFunctionCode');
    expect(writes).toContain('lambda:UpdateFunctionConfiguration');
    const { GetFunctionConfigurationCommand } = await lambda();
    expect((await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: `shop-${DEV}-worker` }))).MemorySize).toBe(1024);
    expect((await cli(['plan'])).stdout).toContain('No changes');
  }, 300_000);

  it('a saved plan is applied as saved, and refused once what it was made against has changed', async () => {
    const yaml = readFileSync(join(root, 'faas.yaml'), 'utf8');
    writeFileSync(join(root, 'faas.yaml'), yaml.replace('memory: 1024', 'memory: 768'));
    expect((await cli(['plan', '--out', 'p.json'])).code).toBe(0);
    // Someone else deploys in between: the saved plan is stale.
    writeFileSync(join(root, 'faas.yaml'), yaml.replace('memory: 1024', 'memory: 640'));
    expect((await cli(['deploy'])).code).toBe(0);
    writeFileSync(join(root, 'faas.yaml'), yaml.replace('memory: 1024', 'memory: 768'));
    writes.length = 0;
    const stale = await runCli(['deploy', 'p.json'], root, { env, clients: { aws: clients } });
    expect(stale.code).toBe(2);
    expect(stale.stderr + stale.stdout).toMatch(/plan/i);
    expect(writes.filter((w) => !/^s3:(CreateBucket|PutObject|DeleteObject)$/.test(w))).toEqual([]);
    expect((await cli(['plan', '--out', 'p.json'])).code).toBe(0);
    const applied = await runCli(['deploy', 'p.json'], root, { env, clients: { aws: clients } });
    expect(applied.code).toBe(0);
    const { GetFunctionConfigurationCommand } = await lambda();
    expect((await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: `shop-${DEV}-worker` }))).MemorySize).toBe(768);
  }, 300_000);

  it('a first deploy of another stage interrupted at several points resumes and converges', async () => {
    for (const at of [3, 8, 15]) {
      crashAt = at;
      const crashed = await cli(['deploy'], QA);
      expect(crashed.code, `crash at write ${at}`).not.toBe(0);
      expect(crashed.stderr + crashed.stdout).toContain('injected crash');
    }
    crashAt = undefined;
    const resumed = await cli(['deploy'], QA);
    expect(resumed.code).toBe(0);
    expect((await cli(['plan'], QA)).stdout).toContain('No changes');
    expect(await functionNames()).toEqual([...fns(DEV, ['api', 'nightly', 'thumbnail', 'worker']), ...fns(QA, ['api', 'nightly', 'thumbnail', 'worker'])].sort());
  }, 600_000);

  it('removing a function from faas.yaml deletes exactly its resources', async () => {
    const yaml = readFileSync(join(root, 'faas.yaml'), 'utf8');
    const without = yaml.replace(/\n {2}nightly:\n(?: {4}.*\n| {6}.*\n)+/, '\n');
    expect(without).not.toMatch(/^ {2}nightly:/m);
    writeFileSync(join(root, 'faas.yaml'), without);
    const plan = await cli(['plan']);
    const changed = [...plan.stdout.matchAll(/^ {2}([-~+]) (\w+) +(\S+)/gm)].map((m) => `${m[2]} ${m[3]}`);
    expect(changed.length).toBeGreaterThan(0);
    // nightly's own resources, and the scheduler role and schedule group it was the only user of.
    expect(changed.filter((c) => !(c.startsWith('delete ') && c.includes('nightly'))), plan.stdout).toEqual(['delete role:scheduler', 'delete schedule-group']);
    expect(changed).toHaveLength(6);
    expect((await cli(['deploy'])).code).toBe(0);
    expect(await functionNames()).toEqual([...fns(DEV, ['api', 'thumbnail', 'worker']), ...fns(QA, ['api', 'nightly', 'thumbnail', 'worker'])].sort());
  }, 300_000);

  it('remove leaves nothing tagged or named for the stage, and another stage is untouched', async () => {
    const removed = await cli(['remove']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(await functionNames()).toEqual(fns(QA, ['api', 'nightly', 'thumbnail', 'worker']));
    const { GetResourcesCommand } = await import('@aws-sdk/client-resource-groups-tagging-api');
    const tagged = await clients.tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: 'slsx:service', Values: ['shop'] }, { Key: 'slsx:stage', Values: [DEV] }] }));
    expect((tagged.ResourceTagMappingList ?? []).map((r) => r.ResourceARN)).toEqual([]);
    const { ListRolesCommand } = await import('@aws-sdk/client-iam');
    expect((await clients.iam.send(new ListRolesCommand({ PathPrefix: `/slsx/shop/${DEV}/` }))).Roles ?? []).toEqual([]);
    expect(((await clients.iam.send(new ListRolesCommand({ PathPrefix: `/slsx/shop/${QA}/` }))).Roles ?? []).length).toBeGreaterThan(0);
    const { ListQueuesCommand } = await import('@aws-sdk/client-sqs');
    const queues = (await clients.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'shop-' }))).QueueUrls ?? [];
    expect(queues.filter((q) => q.includes(`shop-${DEV}-`))).toEqual([]);
    expect(queues.filter((q) => q.includes(`shop-${QA}-`)).length).toBeGreaterThan(0);
    const { ListBucketsCommand } = await import('@aws-sdk/client-s3');
    const buckets = ((await clients.s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!);
    expect(buckets.filter((b) => b.includes(`shop-${DEV}`))).toEqual([]);
    // qa still has everything it had (faas.yaml no longer lists nightly, so its plan would delete it).
    expect((await cli(['plan'], QA)).stdout).toContain('0 to create, 0 to update, 0 to replace, 6 to delete, 21 unchanged.');
  }, 300_000);

  it.each(['http-api', 'queue-worker', 'cron'])('`sls-x init --template %s` deploys as created, then plans 0 changes', async (template) => {
    const parent = testTmp('slsx-moto-init-');
    try {
      const made = await runCli(['init', 'app', '--template', template], parent, { env });
      expect(made.code, made.stderr).toBe(0);
      const dir = join(parent, 'app');
      const deployed = await runCli(['deploy', '--target', 'aws', '--stage', DEV], dir, { env, clients: { aws: clients } });
      expect(deployed.code, deployed.stderr).toBe(0);
      expect((await runCli(['plan', '--target', 'aws', '--stage', DEV], dir, { env, clients: { aws: clients } })).stdout).toContain('No changes');
      expect((await runCli(['remove', '--target', 'aws', '--stage', DEV], dir, { env, clients: { aws: clients } })).code).toBe(0);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  }, 300_000);
});
