import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHttpHeaders, type HttpClient } from '@azure/core-rest-pipeline';
import { afterAll, describe, expect, it } from 'vitest';
import { adapter } from '../../providers/azure/index.js';
import { RESTART_WAIT_ATTEMPTS } from '../../providers/azure/coldstart.js';
import { runCli } from '../support/cli.js';
import { FakeArm, SUB, type Recorded } from './support/fake-arm.js';
import { context, deploy, fn, service, artifacts } from './support/service.js';
import { shop } from './support/shop.js';

const SITE = `/subscriptions/${SUB}/resourceGroups/shop-rg/providers/Microsoft.Web/sites/shop-dev`;

/**
 * The fake ARM plus what it lacks for a restart: `POST .../restart` answers 200 (recorded by the
 * fake like every request); `GET .../instances` lists `i-old` until the restart, then still for
 * the first `lingeringReads` reads after each restart (old instances draining), then none; the
 * host status API answers `processUptime` from `hostUptime()` (a fresh host by default).
 */
function restartable(arm: FakeArm, lingeringReads = 0, hostUptime: () => number = () => 0) {
  let restarted = false;
  let pending = 0;
  const sleeps: number[] = [];
  const httpClient: HttpClient = {
    sendRequest: async (req) => {
      const path = decodeURIComponent(new URL(req.url).pathname);
      const host = new URL(req.url).host;
      const json = (status: number, body: unknown) => ({ request: req, status, headers: createHttpHeaders({ 'content-type': 'application/json' }), bodyAsText: JSON.stringify(body) });
      if (req.method === 'GET' && path.toLowerCase() === `${SITE}/instances`.toLowerCase()) {
        await arm.httpClient.sendRequest(req).catch(() => undefined); // recorded like every request
        const old = !restarted || pending > 0;
        if (restarted && pending > 0) pending--;
        return json(200, { value: old ? [{ id: `${SITE}/instances/i-old`, name: 'i-old' }] : [] });
      }
      if (req.method === 'GET' && host === 'shop-dev.azurewebsites.net' && path === '/admin/host/status') {
        await arm.httpClient.sendRequest(req);
        return json(200, { id: 'shop-dev', state: 'Running', processUptime: hostUptime() });
      }
      const res = await arm.httpClient.sendRequest(req);
      if (req.method === 'POST' && path.toLowerCase() === `${SITE}/restart`.toLowerCase()) {
        restarted = true;
        pending = lingeringReads;
        return { ...res, status: 200, bodyAsText: '' };
      }
      return res;
    },
  };
  const clients = { azure: { httpClient, credential: arm.credential, sleep: async (ms: number) => void sleeps.push(ms) } };
  return { clients, sleeps };
}

/** restart / instance list / app call, in the order they were sent (lease and other calls left out). */
function steps(requests: Recorded[]): string[] {
  return requests.flatMap((r) => {
    if (r.method === 'POST' && r.path.endsWith('/restart')) return [`restart ${r.line} synchronous=${r.query.synchronous}`];
    if (r.method === 'GET' && r.path === `${SITE}/instances`) return ['list instances'];
    if (r.host === 'shop-dev.azurewebsites.net') return [`call ${r.method} ${r.path}`];
    return [];
  });
}

describe('azure forceColdStart: a synchronous restart, old instances gone (ARM only), then the first request', () => {
  it('sends exactly one synchronous restart, waits until the old instances are gone (backoff on the injected sleep), then invokes; cold, client-side, labelled', async () => {
    const arm = new FakeArm();
    const s = service([fn('api', { events: [{ kind: 'http', method: 'GET', path: '/orders/{id}', cors: false }] })]);
    await deploy(s, artifacts(s), arm);
    const { clients, sleeps } = restartable(arm, 2);
    const ctx = { ...context(arm), clients };
    arm.requests.length = 0;

    const forced = await adapter.forceColdStart!(s, 'api', ctx);
    const out = await forced.invoke!({ path: '/orders/7' });

    const restarts = arm.requests.filter((r) => r.path.endsWith('/restart'));
    const v = restarts[0].query['api-version'];
    expect(v).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // synchronous=true: Resource Manager answers once the restart is done (issue 13.5).
    expect(restarts.map((r) => ({ method: r.method, query: r.query, body: r.body }))).toEqual([{ method: 'POST', query: { 'api-version': v, synchronous: 'true' }, body: undefined }]);
    // Before: the instances (i-old). After: i-old, i-old, gone; then the app call, then the host
    // status (after the timed request). Nothing touches the app before the call.
    expect(steps(arm.requests)).toEqual([
      'list instances',
      `restart ${SITE}/restart?api-version=${v} synchronous=true`,
      'list instances',
      'list instances',
      'list instances',
      'call GET /api/orders/7',
      'call GET /admin/host/status',
    ]);
    expect(sleeps).toEqual([1000, 2000]);
    expect(arm.mutating().map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${SITE}/restart`]);
    expect(out.result).toMatchObject({ status: 200 });
    expect(out.record).toMatchObject({ target: 'azure', function: 'api', coldStart: true, outcome: 'ok', source: 'client measurement (Azure, first request after an app restart)' });
    expect(out.record.initMs).toBeUndefined();
    expect(forced.method).toMatch(/^app restart \(webApps\.restart of shop-dev, synchronous, until its old instances are gone; then the first request after it\): every function of the app and its always-ready instances restart too$/);
    expect(forced.cleanup).toBeUndefined();
  });

  it('a run served by a host older than the restart is not counted cold', async () => {
    const arm = new FakeArm();
    const s = service([fn('api', { events: [{ kind: 'http', method: 'GET', path: '/orders/{id}', cors: false }] })]);
    await deploy(s, artifacts(s), arm);
    const { clients } = restartable(arm, 0, () => 3_600_000);
    const forced = await adapter.forceColdStart!(s, 'api', { ...context(arm), clients });
    expect((await forced.invoke!({ path: '/orders/7' })).record.coldStart).toBe(false);
  });

  it('an app whose old instances never go fails after a bounded number of reads, without invoking', async () => {
    const arm = new FakeArm();
    const s = service([fn('api', { events: [{ kind: 'http', method: 'GET', path: '/orders/{id}', cors: false }] })]);
    await deploy(s, artifacts(s), arm);
    const { clients, sleeps } = restartable(arm, 1000);
    arm.requests.length = 0;
    await expect(adapter.forceColdStart!(s, 'api', { ...context(arm), clients })).rejects.toMatchObject({ code: 'CLOUD_ERROR', message: expect.stringMatching(/shop-dev still lists instance\(s\) from before its restart \(i-old\)/) });
    expect(steps(arm.requests).filter((x) => x === 'list instances')).toHaveLength(1 + RESTART_WAIT_ATTEMPTS);
    expect(sleeps).toHaveLength(RESTART_WAIT_ATTEMPTS - 1);
    expect(Math.max(...sleeps)).toBe(10_000);
    expect(arm.requests.some((r) => r.host === 'shop-dev.azurewebsites.net')).toBe(false);
  });

  it('a function whose group keeps always-ready instances is restarted but its runs are not claimed cold, and the method says why', async () => {
    const arm = new FakeArm();
    const s = shop();
    await deploy(s, artifacts(s), arm);
    const { clients } = restartable(arm);
    const forced = await adapter.forceColdStart!(s, 'api', { ...context(arm), clients });
    expect(forced.method).toMatch(/'http' keeps 1 always-ready instance\(s\), which restart by themselves and may serve the run, so it is not claimed cold/);
    const out = await forced.invoke!({ path: '/orders/1' });
    expect(out.record.coldStart).toBe(false);
    // The worker has no always-ready instance: its run (through the admin API) is cold.
    const worker = await adapter.forceColdStart!(s, 'worker', { ...context(arm), clients });
    expect((await worker.invoke!('hi')).record.coldStart).toBe(true);
    expect(arm.requests.at(-2)).toMatchObject({ method: 'POST', path: '/admin/functions/worker' });
    expect(arm.requests.at(-1)).toMatchObject({ method: 'GET', path: '/admin/host/status' });
    expect(arm.requests.at(-1)!.authorization).toBeUndefined();
    // The app was restarted once per forced run, whatever the function.
    expect(arm.find('POST', '/restart').map((r) => r.path)).toEqual([`${SITE}/restart`, `${SITE}/restart`]);
  });

  it('an app that is not deployed is FUNCTION_NOT_FOUND, and nothing is restarted', async () => {
    const arm = new FakeArm();
    const s = service([fn('api', { events: [{ kind: 'http', method: 'GET', path: '/x', cors: false }] })]);
    const { clients } = restartable(arm);
    await expect(adapter.forceColdStart!(s, 'api', { ...context(arm), clients })).rejects.toMatchObject({ code: 'FUNCTION_NOT_FOUND' });
    expect(arm.mutating()).toEqual([]);
  });
});

describe('sls-x bench coldstart --target azure through the real CLI (examples/shop, fake ARM)', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('prints 2 cold runs with client-side latency, labelled, and says the whole app restarts', async () => {
    const root = mkdtempSync(join(tmpdir(), 'slsx-azure-bench-'));
    dirs.push(root);
    cpSync(resolve(import.meta.dirname, '../../examples/shop'), root, { recursive: true });
    const arm = new FakeArm();
    const { clients } = restartable(arm, 1);
    const env = { AZURE_SUBSCRIPTION_ID: SUB };
    const deployed = await runCli(['deploy', '--target', 'azure'], root, { env, clients });
    expect(deployed.code).toBe(0);
    arm.requests.length = 0;

    const run = await runCli(['bench', 'coldstart', 'api', '--target', 'azure', '-n', '2'], root, { env, clients });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.filter((l) => /^\s+\d\/2\s+cold\s+init -\s+latency \d+(\.\d+)? ms\s+ok$/.test(l))).toHaveLength(2);
    expect(run.stdout).toMatch(/api on azure: 2 forced, 2 cold start\(s\) reported \(ok 2\)\. Forced by: app restart \(webApps\.restart of shop-dev, synchronous, until its old instances are gone; then the first request after it\): every function of the app and its always-ready instances restart too\./);
    expect(run.stdout).toMatch(/^cold latency \(client-side\)\s+\d+(\.\d+)?\s+\d+(\.\d+)?\s+\d+(\.\d+)?\s+\d+(\.\d+)?\s+2$/m);
    expect(run.stdout).toMatch(/^init \(server-side\)\s+-\s+-\s+-\s+-\s+0$/m);
    expect(run.stdout).toMatch(/Source: none reported by the target\./);
    expect(run.stdout).toMatch(/Source: measured by sls-x around the first invoke after each app restart/);
    // Two runs: restart, wait, call, host status; twice, in that order.
    const order = steps(arm.requests);
    const compact = order.filter((x, i) => !(x === 'list instances' && order[i - 1] === 'list instances'));
    expect(compact).toEqual([
      'list instances', expect.stringMatching(/^restart .* synchronous=true$/), 'list instances', 'call GET /api/orders/id', 'call GET /admin/host/status',
      'list instances', expect.stringMatching(/^restart .* synchronous=true$/), 'list instances', 'call GET /api/orders/id', 'call GET /admin/host/status',
    ]);
  });
});
