/**
 * End to end on AWS against moto (issue 10): the real CLI, in-process, with only the environment
 * a user would export (AWS_ENDPOINT_URL + static keys), deploys a service with an HTTP function, a
 * queue worker with a dead-letter queue, a schedule and a storage trigger; plans are then empty,
 * a memory change is exactly one update, `info` shows the endpoint, and `remove` leaves nothing.
 * Every step is checked on moto's own state through plain AWS SDK clients, not only the CLI output.
 *
 * Skipped unless SLSX_MOTO_URL points at a running moto (e.g. http://127.0.0.1:5055);
 * SLSX_MOTO_RESET=1 also empties that moto first (only when no other suite is using it).
 * moto gaps (see its README) this suite does not rely on: Lambda code is not run (Invoke only
 * echoes), so no handler is invoked and nothing is asserted about a function's output; no
 * CloudWatch Logs are written, so `logs` is not exercised; no IAM propagation delay, so the
 * adapter's role-propagation retries are not exercised here (test/aws covers them with a fake).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { Plan } from '../../src/core/resources.js';
import {
  MOTO_URL,
  apiOf,
  SKIP_REASON,
  bucketNotifications,
  memoryOf,
  motoClients,
  motoEnv,
  motoState,
  objectKeys,
  queueAttributes,
  resetMoto,
  routesOf,
  scheduleOf,
  allBuckets,
  tempProject,
  type MotoClients,
} from './support/moto.js';

if (!MOTO_URL) console.warn(`test/emulators/aws-moto.test.ts: ${SKIP_REASON}`);

// A service name of its own per run, so the assertions below never see another run's resources.
const SERVICE = `mt${Date.now().toString(36).slice(-6)}`;
const STAGE = 'dev';
const PREFIX = `${SERVICE}-${STAGE}`;
const ROLE_PATH = `/slsx/${SERVICE}/${STAGE}/`;
const REGION = 'us-east-1';

const faasYaml = (workerMemory: number): string => `service: ${SERVICE}
runtime: node22
target: aws
targets:
  aws: { region: ${REGION} }
defaults:
  memory: 256
  timeout: 10s

queues:
  jobs:
    visibilityTimeout: 60s
    maxRetries: 3
    deadLetter: true

buckets:
  files: {}

functions:
  api:
    handler: src/api.handler
    events:
      - http: GET /items/{id}
  worker:
    handler: src/worker.handler
    memory: ${workerMemory}
    events:
      - queue: { name: jobs, batchSize: 5 }
  tick:
    handler: src/tick.handler
    events:
      - schedule: cron(0 3 * * *)
  ingest:
    handler: src/ingest.handler
    events:
      - storage: { bucket: files, on: created, prefix: in/ }
`;

const sources: Record<string, string> = {
  'src/api.ts': `export const handler = async (req: { pathParams: Record<string, string> }) => ({ id: req.pathParams.id });\n`,
  'src/worker.ts': `export const handler = async (messages: Array<{ body: string }>) => { for (const m of messages) console.log(m.body); };\n`,
  'src/tick.ts': `export const handler = async () => { console.log('tick'); };\n`,
  'src/ingest.ts': `export const handler = async (events: Array<{ key: string }>) => { for (const e of events) console.log(e.key); };\n`,
};

describe.skipIf(!MOTO_URL)(`sls-x deploy/plan/info/remove on aws against moto (${MOTO_URL ?? 'skipped: SLSX_MOTO_URL unset'})`, () => {
  const url = MOTO_URL!;
  const env = motoEnv(url, REGION);
  const project = tempProject({ 'faas.yaml': faasYaml(256), ...sources });
  let moto: MotoClients;
  const cli = async (...argv: string[]) => runCli(argv, project.root, { env });
  const planOf = async (): Promise<Plan> => {
    const res = await cli('plan', '--json');
    expect(res.code, res.stderr).toBe(0);
    return (JSON.parse(res.stdout) as { plan: Plan }).plan;
  };
  const pending = (plan: Plan) => plan.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.id}`);

  beforeAll(async () => {
    // An empty moto (POST /moto-api/reset) only when asked for: the emulator suites share one
    // moto and run side by side (`npm test`, `npm run test:emulators`), and a reset here wipes
    // what a sibling suite is deploying at that moment (seen: aws-scale.test.ts then fails with
    // `NoSuchEntity: Role scale-...-f23 not found`). Every assertion below is scoped to this run's
    // own service name, so it holds with or without the reset.
    if (process.env.SLSX_MOTO_RESET === '1') await resetMoto(url);
    moto = motoClients(url, REGION);
  });
  afterAll(() => project.cleanup());

  it('deploys an http function, a queue worker with a dead-letter queue, a schedule and a storage trigger', async () => {
    const deployed = await cli('deploy');
    expect(deployed.code, deployed.stderr + deployed.stdout).toBe(0);
    expect(deployed.stdout).toContain(`Deployed ${SERVICE} (stage ${STAGE}) to aws`);
    expect(deployed.stdout).toMatch(/GET +https?:\/\/\S+\/items\/\{id\}/);

    const state = await motoState(moto, PREFIX, ROLE_PATH);
    expect(state.functions).toEqual(['api', 'ingest', 'tick', 'worker'].map((f) => `${PREFIX}-${f}`));
    expect(state.queues).toEqual([`${PREFIX}-jobs`, `${PREFIX}-jobs-dlq`]);
    expect(state.mappings).toEqual([{ function: `${PREFIX}-worker`, queue: `${PREFIX}-jobs`, batchSize: 5 }]);
    expect(state.roles).toEqual(expect.arrayContaining(['api', 'ingest', 'tick', 'worker'].map((f) => `${PREFIX}-${f}`)));
    expect(state.roles).toContain(`${PREFIX}--scheduler`);
    expect(state.apis).toEqual([PREFIX]);
    expect(state.scheduleGroups).toEqual([PREFIX]);
    expect(state.schedules).toHaveLength(1);
    expect(state.buckets).toHaveLength(1);
    expect(state.logGroups).toEqual(['api', 'ingest', 'tick', 'worker'].map((f) => `/aws/lambda/${PREFIX}-${f}`));
    // Functions, queues, the bucket, the API and the schedule group carry the service/stage tags.
    expect(state.tagged.length).toBeGreaterThanOrEqual(4 + 2 + 1 + 1 + 1);

    // The schedule runs `tick` on the cron (AWS's 6-field form), through the scheduler role.
    const [group, name] = state.schedules[0]!.split('/');
    const schedule = await scheduleOf(moto, group!, name!);
    expect(schedule.ScheduleExpression).toBe('cron(0 3 * * ? *)');
    expect(schedule.Target?.Arn).toMatch(new RegExp(`:function:${PREFIX}-tick(:|$)`));
    expect(schedule.Target?.RoleArn).toMatch(new RegExp(`:role${ROLE_PATH}${PREFIX}--scheduler$`));

    // The queue dead-letters into its DLQ after maxRetries + 1 receives, with the configured visibility.
    const jobs = await queueAttributes(moto, `${PREFIX}-jobs`);
    expect(jobs.VisibilityTimeout).toBe('60');
    const redrive = JSON.parse(jobs.RedrivePolicy ?? '{}') as { deadLetterTargetArn?: string; maxReceiveCount?: number | string };
    expect(redrive.deadLetterTargetArn).toMatch(new RegExp(`:${PREFIX}-jobs-dlq$`));
    expect(Number(redrive.maxReceiveCount)).toBe(4);

    // The storage trigger: an object-created notification on the bucket, filtered by prefix, to `ingest`.
    const notifications = await bucketNotifications(moto, state.buckets[0]!);
    const lambdaConfigs = notifications.LambdaFunctionConfigurations ?? [];
    expect(lambdaConfigs).toHaveLength(1);
    expect(lambdaConfigs[0]!.LambdaFunctionArn).toMatch(new RegExp(`:function:${PREFIX}-ingest(:|$)`));
    expect(lambdaConfigs[0]!.Events?.join(',')).toMatch(/s3:ObjectCreated:/);
    expect(lambdaConfigs[0]!.Filter?.Key?.FilterRules).toEqual(expect.arrayContaining([expect.objectContaining({ Value: 'in/' })]));

    expect(await routesOf(moto, PREFIX)).toEqual(['GET /items/{id}']);
    expect(await memoryOf(moto, `${PREFIX}-worker`)).toBe(256);
  }, 300_000);

  it('plans nothing to do right after the deploy, twice (idempotent)', async () => {
    for (let i = 0; i < 2; i++) {
      const plan = await planOf();
      expect(pending(plan), JSON.stringify(plan.changes.filter((c) => c.action !== 'noop'), null, 2)).toEqual([]);
    }
    const text = await cli('plan');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('No changes');
    const again = await cli('deploy');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes: everything is up to date.');
  }, 300_000);

  it('a memory change plans exactly one update and deploys it', async () => {
    project.write('faas.yaml', faasYaml(1024));
    const plan = await planOf();
    expect(pending(plan)).toEqual(['update function:worker']);
    const text = await cli('plan');
    expect(text.stdout).toMatch(/^ {2}~ update {2}function:worker +memory: 256 -> 1024$/m);
    expect(text.stdout).toMatch(/0 to create, 1 to update, 0 to replace, 0 to delete/);

    const deployed = await cli('deploy');
    expect(deployed.code, deployed.stderr + deployed.stdout).toBe(0);
    expect(await memoryOf(moto, `${PREFIX}-worker`)).toBe(1024);
    expect(await memoryOf(moto, `${PREFIX}-api`)).toBe(256);
    expect(pending(await planOf())).toEqual([]);
  }, 300_000);

  it('info shows the HTTP endpoint moto serves for the API, and every function by its physical name', async () => {
    const api = await apiOf(moto, PREFIX);
    expect(api?.endpoint).toBeTruthy();
    // The stage the URL names exists (auto-deployed) and the route's integration invokes `api`.
    expect(api!.stages).toContainEqual({ name: STAGE, autoDeploy: true });
    expect(api!.integrations).toHaveLength(1);
    expect(api!.integrations[0]).toMatch(new RegExp(`:function:${PREFIX}-api(:|$|/)`));
    const info = await cli('info', '--json');
    expect(info.code, info.stderr).toBe(0);
    const parsed = JSON.parse(info.stdout) as { deployed: boolean; endpoints: Array<{ method: string; url: string; function: string }>; functions: Array<{ name: string; physicalName?: string; memory: number }> };
    expect(parsed.deployed).toBe(true);
    expect(parsed.endpoints).toEqual([expect.objectContaining({ method: 'GET', function: 'api' })]);
    expect(parsed.endpoints[0]!.url).toMatch(/\/items\/\{id\}$/);
    // The URL is the API's own endpoint as moto reports it (an emulator has no execute-api DNS of its own).
    expect(parsed.endpoints[0]!.url).toBe(`${api!.endpoint.replace(/\/$/, '')}/${STAGE}/items/{id}`);
    expect(parsed.functions.map((f) => [f.name, f.physicalName])).toEqual(['api', 'worker', 'tick', 'ingest'].map((f) => [f, `${PREFIX}-${f}`]));
    expect(parsed.functions.find((f) => f.name === 'worker')?.memory).toBe(1024);

    const text = await cli('info');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`service ${SERVICE} · stage ${STAGE} · target aws · deployed`);
    expect(text.stdout).toMatch(/GET +https?:\/\/\S+\/items\/\{id\} +\(api\)/);
  }, 120_000);

  it('remove deletes everything: moto holds nothing of the service afterwards', async () => {
    const removed = await cli('remove');
    expect(removed.code, removed.stderr + removed.stdout).toBe(0);

    expect(await motoState(moto, PREFIX, ROLE_PATH)).toEqual({ functions: [], mappings: [], queues: [], roles: [], buckets: [], apis: [], scheduleGroups: [], schedules: [], logGroups: [], tagged: [] });
    // The account's shared staging bucket (staged code and the per-stage deploy lock) stays, as it
    // serves every service in the account, but keeps nothing of this service.
    const staging = `slsx-deploy-123456789012-${REGION}`; // moto's default account
    expect(await allBuckets(moto)).toContain(staging);
    expect((await objectKeys(moto, staging, '')).filter((k) => k.includes(`${SERVICE}/`))).toEqual([]);

    const info = await cli('info', '--json');
    expect(info.code).toBe(0);
    expect((JSON.parse(info.stdout) as { deployed: boolean }).deployed).toBe(false);
    const plan = await planOf();
    expect(pending(plan).every((c) => c.startsWith('create '))).toBe(true);
  }, 300_000);
});
