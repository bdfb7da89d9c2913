/**
 * `forceColdStart` on gcp: a new revision (a changed SLSX_COLDSTART_NONCE), awaited through the
 * operation's promise(), then the call; one restore at the end. Against the fake Google Cloud,
 * and through the real CLI (`sls-x bench coldstart`).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { adapter } from '../../providers/gcp/index.js';
import { runCli } from '../support/cli.js';
import { FakeGcp } from './support/fake-gcp.js';
import { artifacts, context, deploy, fn, plan, service, work } from './support/service.js';

const NONCE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const API = 'projects/shop-prod/locations/europe-west1/functions/shop-dev-api';
const READY = 'projects/shop-prod/locations/europe-west1/functions/shop-dev-ready';
const ENV = 'service_config.environment_variables';
const MIN = 'service_config.min_instance_count';

/** Record the order of update, the end of its operation's wait, and the HTTP call. */
function track(gcp: FakeGcp): string[] {
  const log: string[] = [];
  const update = gcp.clients.functions.updateFunction;
  gcp.clients.functions.updateFunction = async (req) => {
    log.push(`update ${req.updateMask.paths.join(',')}`);
    const [op, ...rest] = await update(req);
    // The operation finishes a tick later: an invoke before it would show up before 'done'.
    return [{ ...op, promise: async () => {
      await new Promise((r) => setImmediate(r));
      log.push('done');
      return op.promise();
    } }, ...rest];
  };
  const http = gcp.httpHandler;
  gcp.httpHandler = (url, init) => {
    log.push(`call ${init.method} ${url}`);
    return http(url, init);
  };
  return log;
}

async function deployed() {
  const gcp = new FakeGcp();
  const s = service([
    fn('api', { env: { TABLE: 'orders-dev', MODE: 'fast' }, secrets: [], events: [{ kind: 'http', method: 'POST', path: '/orders', cors: false }] }),
    fn('ready', { concurrency: { warm: 2 }, events: [{ kind: 'http', method: 'GET', path: '/ping', cors: false }] }),
    fn('worker', { events: [{ kind: 'queue', queue: 'orders', batchSize: 1, batchWindowMs: 0 }] }),
  ], { queues: [{ name: 'orders', visibilityTimeoutMs: 60_000, maxRetries: 4, deadLetter: false, retentionMs: 86_400_000 }] });
  const arts = artifacts(s);
  await deploy(s, arts, context(gcp));
  cloudRun(gcp);
  gcp.resetCalls();
  return { gcp, s, arts };
}

const env = (gcp: FakeGcp, name: string) => structuredClone(gcp.functions.get(name)!.serviceConfig!.environmentVariables);

/**
 * Cloud Run as Cloud Logging shows it: each request is served by a new instance started for the
 * given reason (a start line), and logged with the trace id it carried (a request line).
 */
function cloudRun(gcp: FakeGcp, reason: (n: number) => string = () => 'AUTOSCALING') {
  let n = 0;
  gcp.httpHandler = (url, init) => {
    const instance = `i${++n}`;
    const trace = init.headers?.['x-cloud-trace-context']?.split('/')[0] ?? `untraced-${n}`;
    const resource = { labels: { service_name: url.split('/')[3] ?? '' } };
    gcp.logEntries.push(
      { textPayload: `Starting new instance. Reason: ${reason(n)} - explanation.`, labels: { instanceId: instance }, resource },
      { httpRequest: { latency: '0.5s', status: 200 }, labels: { instanceId: instance }, trace: `projects/shop-prod/traces/${trace}`, resource },
    );
    return { status: 200, headers: { 'function-execution-id': 'exec-1' }, text: '{"ok":true}' };
  };
}
const METHOD_TAIL = 'then call its URL; a run counts cold only when Cloud Logging shows it was the first request of an instance started for traffic (AUTOSCALING), not by the rollout; GCP logs no init time)';

describe('gcp forceColdStart: a new revision, then the call', () => {
  it('updates only the environment (every other variable kept), awaits the operation, calls the URL; cleanup restores once', async () => {
    const { gcp, s, arts } = await deployed();
    const before = env(gcp, API);
    expect(before).toMatchObject({ TABLE: 'orders-dev', MODE: 'fast' });
    const log = track(gcp);
    const ctx = context(gcp);

    const first = await adapter.forceColdStart!(s, 'api', ctx);
    const out = await first.invoke!({ id: 1 });
    const second = await adapter.forceColdStart!(s, 'api', ctx);
    await second.invoke!({ id: 2 });

    const updates = gcp.inputs('functions.updateFunction');
    expect(updates).toEqual([
      { function: { name: API, serviceConfig: { environmentVariables: { ...before, SLSX_COLDSTART_NONCE: expect.stringMatching(NONCE) } } }, updateMask: { paths: [ENV] } },
      { function: { name: API, serviceConfig: { environmentVariables: { ...before, SLSX_COLDSTART_NONCE: expect.stringMatching(NONCE) } } }, updateMask: { paths: [ENV] } },
    ]);
    // A new value each time, so each update is a new revision.
    expect(updates[0].function.serviceConfig.environmentVariables.SLSX_COLDSTART_NONCE).not.toBe(updates[1].function.serviceConfig.environmentVariables.SLSX_COLDSTART_NONCE);
    const url = 'https://europe-west1-shop-prod.cloudfunctions.net/shop-dev-api/orders';
    expect(log).toEqual([`update ${ENV}`, 'done', `call POST ${url}`, `update ${ENV}`, 'done', `call POST ${url}`]);
    expect(gcp.inputs('http.request').map(([u, init]) => [u, init.body])).toEqual([[url, '{"id":1}'], [url, '{"id":2}']]);
    expect(first.method).toBe(`new revision (SLSX_COLDSTART_NONCE on shop-dev-api, ${METHOD_TAIL}`);
    // The timed request carried a trace id, by which its log line (and instance) was found.
    expect(gcp.inputs('http.request')[0][1].headers['x-cloud-trace-context']).toMatch(/^[0-9a-f]{32}\/1;o=1$/);
    expect(out.record).toMatchObject({ target: 'gcp', function: 'api', coldStart: true, requestId: 'exec-1', outcome: 'ok', source: 'client measurement (GCP forced cold start)' });
    expect(out.record.initMs).toBeUndefined();
    expect(out.record.latencyMs).toEqual(expect.any(Number));

    gcp.resetCalls();
    await second.cleanup!();
    expect(gcp.inputs('functions.updateFunction')).toEqual([{ function: { name: API, serviceConfig: { environmentVariables: before } }, updateMask: { paths: [ENV] } }]);
    expect(env(gcp, API)).toEqual(before);
    // Nothing left to undo: a second cleanup changes nothing, and a plan shows no drift.
    gcp.resetCalls();
    await second.cleanup!();
    expect(gcp.mutatingCalls()).toEqual([]);
    expect(work((await plan(s, arts, context(gcp))).changes)).toEqual([]);
  });

  it('min instances would serve the call warm: they are 0 during the bench and put back by cleanup', async () => {
    const { gcp, s, arts } = await deployed();
    const before = env(gcp, READY);
    expect(gcp.functions.get(READY)!.serviceConfig!.minInstanceCount).toBe(2);
    const ctx = context(gcp);
    const first = await adapter.forceColdStart!(s, 'ready', ctx);
    expect(gcp.functions.get(READY)!.serviceConfig!.minInstanceCount).toBe(0);
    const second = await adapter.forceColdStart!(s, 'ready', ctx);
    expect(first.method).toBe(`new revision (SLSX_COLDSTART_NONCE on shop-dev-ready, min instances 2 -> 0 for the bench, ${METHOD_TAIL}`);
    expect(gcp.inputs('functions.updateFunction').map((u) => [u.updateMask.paths, u.function.serviceConfig.minInstanceCount])).toEqual([
      [[ENV, MIN], 0],
      [[ENV, MIN], 0],
    ]);
    gcp.resetCalls();
    await second.cleanup!();
    expect(gcp.inputs('functions.updateFunction')).toEqual([{ function: { name: READY, serviceConfig: { environmentVariables: before, minInstanceCount: 2 } }, updateMask: { paths: [ENV, MIN] } }]);
    expect(gcp.functions.get(READY)!.serviceConfig!.minInstanceCount).toBe(2);
    expect(work((await plan(s, arts, context(gcp))).changes)).toEqual([]);
  });

  it('a request that landed on an instance the rollout started, or that never shows up in the logs, is not counted cold (issue 13.4)', async () => {
    const { gcp, s } = await deployed();
    cloudRun(gcp, (n) => (n === 1 ? 'DEPLOYMENT_ROLLOUT' : 'AUTOSCALING'));
    const ctx = context(gcp);
    expect((await (await adapter.forceColdStart!(s, 'api', ctx)).invoke!({})).record.coldStart).toBe(false);
    expect((await (await adapter.forceColdStart!(s, 'api', ctx)).invoke!({})).record.coldStart).toBe(true);
    // No log line for the request: bounded reads with backoff on the injected sleep, then not cold.
    gcp.httpHandler = () => ({ status: 200, headers: {}, text: '{}' });
    gcp.sleeps.length = 0;
    expect((await (await adapter.forceColdStart!(s, 'api', ctx)).invoke!({})).record.coldStart).toBe(false);
    expect(gcp.sleeps).toEqual([1000, 2000, 4000, 8000, 8000]);
  });

  it('refuses a queue function (no URL to time) and an undeployed one before changing anything', async () => {
    const { gcp, s } = await deployed();
    await expect(adapter.forceColdStart!(s, 'worker', context(gcp))).rejects.toMatchObject({ code: 'TARGET_NOT_AVAILABLE' });
    gcp.functions.delete(API);
    await expect(adapter.forceColdStart!(s, 'api', context(gcp))).rejects.toMatchObject({ code: 'FUNCTION_NOT_FOUND' });
    await expect(adapter.forceColdStart!(s, 'nope', context(gcp))).rejects.toMatchObject({ code: 'FUNCTION_NOT_FOUND' });
    expect(gcp.mutatingCalls()).toEqual([]);
  });
});

const dirs: string[] = [];
function shop(): string {
  const root = mkdtempSync(join(tmpdir(), 'slsx-gcp-cold-'));
  dirs.push(root);
  cpSync(resolve(import.meta.dirname, '../../examples/shop'), root, { recursive: true });
  return root;
}
const cli = (argv: string[], cwd: string, gcp: FakeGcp) => runCli(argv, cwd, { clients: { gcp: gcp.clients } });

describe('sls-x bench coldstart --target gcp (real CLI, fake Google Cloud)', () => {
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('prints 2 cold runs with latency figures, says init is unavailable, and leaves the function as deployed', async () => {
    const gcp = new FakeGcp();
    const dir = shop();
    expect((await cli(['deploy', '--target', 'gcp'], dir, gcp)).code).toBe(0);
    const before = env(gcp, API);
    cloudRun(gcp);
    gcp.resetCalls();
    const log = track(gcp);

    const out = await cli(['bench', 'coldstart', 'api', '--target', 'gcp', '-n', '2'], dir, gcp);
    // Only the config's own warnings (single-message delivery, storage filters): nothing about the bench.
    expect(out.stderr).not.toMatch(/error|could not undo/i);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Forcing 2 cold start(s) of api on gcp...');
    expect(out.stdout).toMatch(/^ {2}1\/2 {2}cold {2}init - {2}latency \d+(\.\d+)? ms {2}ok$/m);
    expect(out.stdout).toMatch(/^ {2}2\/2 {2}cold {2}init - {2}latency \d+(\.\d+)? ms {2}ok$/m);
    expect(out.stdout).toContain(`api on gcp: 2 forced, 2 cold start(s) reported (ok 2). Forced by: new revision (SLSX_COLDSTART_NONCE on shop-dev-api, ${METHOD_TAIL}.`);
    expect(out.stdout).toMatch(/^cold latency \(client-side\)(\s+\d+(\.\d+)?){4}\s+2$/m);
    expect(out.stdout).toMatch(/^init \(server-side\)\s+-\s+-\s+-\s+-\s+0$/m);
    expect(out.stdout).toContain("Source: measured by sls-x around each invoke: the HTTP call to the function's URL from this machine");
    expect(out.stdout).toContain('GCP logs no init time, so init is unavailable');
    // update -> wait -> call, twice; then one restore.
    expect(log).toEqual([`update ${ENV}`, 'done', expect.stringMatching(/^call GET /), `update ${ENV}`, 'done', expect.stringMatching(/^call GET /), `update ${ENV}`, 'done']);
    expect(gcp.inputs('functions.updateFunction').at(-1)).toEqual({ function: { name: API, serviceConfig: { environmentVariables: before } }, updateMask: { paths: [ENV] } });
    expect(env(gcp, API)).toEqual(before);

    const again = await cli(['plan', '--target', 'gcp'], dir, gcp);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/No changes/);
  });

  it('a run that fails still restores the environment, and the error says what failed', async () => {
    const gcp = new FakeGcp();
    const dir = shop();
    expect((await cli(['deploy', '--target', 'gcp'], dir, gcp)).code).toBe(0);
    const before = env(gcp, API);
    gcp.failNext('http.request', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const out = await cli(['bench', 'coldstart', 'api', '--target', 'gcp', '-n', '2'], dir, gcp);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/NETWORK: .*ECONNREFUSED/);
    expect(gcp.inputs('functions.updateFunction')).toHaveLength(2);
    expect(gcp.inputs('functions.updateFunction').at(-1)).toEqual({ function: { name: API, serviceConfig: { environmentVariables: before } }, updateMask: { paths: [ENV] } });
    expect(env(gcp, API)).toEqual(before);
  });
});
