/**
 * The aws adapter at 300 functions against moto, an independent implementation of the AWS APIs
 * (skipped unless SLSX_MOTO_URL points at one, e.g. http://127.0.0.1:5055 from
 * `moto.sh start`): a deploy, then a plan that counts every call per API. Issue 8.9: observe
 * reads each thing once, routes and integrations are listed once per apply, not once per route.
 * moto does not throttle, so the pool's pacing is turned off here (its schedule is tested in
 * test/core/call-pool.test.ts and test/aws/scale.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createClients, type AwsClients } from '../../providers/aws/clients.js';
import { adapter } from '../../providers/aws/index.js';
import type { AdapterContext } from '../../src/core/adapter.js';
import type { FunctionSpec } from '../../src/model/service.js';
import { deployWith, fakeArtifacts, planWith } from '../support/adapter-run.js';
import { functionSpec, serviceSpec } from '../support/model.js';

const url = process.env.SLSX_MOTO_URL;
const N = Number(process.env.SLSX_MOTO_SCALE_N ?? 300);

/** Every command sent, as `service:Operation`, recorded by a middleware on the real SDK clients. */
function recordCalls(clients: AwsClients): string[] {
  const calls: string[] = [];
  for (const [field, client] of Object.entries(clients)) {
    const stack = (client as { middlewareStack?: { add: (mw: unknown, o: unknown) => void } }).middlewareStack;
    if (!stack) continue;
    stack.add(
      (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
        calls.push(`${field}:${String(context.commandName).replace(/Command$/, '')}`);
        return next(args);
      },
      { step: 'initialize', name: 'slsxCountCalls' },
    );
  }
  return calls;
}

const count = (calls: string[], name: string): number => calls.filter((c) => c === name).length;

describe.skipIf(!url)('aws adapter at scale against moto', () => {
  const env = { AWS_ENDPOINT_URL: url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' };
  let clients: AwsClients;
  let calls: string[];
  let ctx: AdapterContext;
  const fns = (routes: (i: number) => FunctionSpec['events']) => Array.from({ length: N }, (_, i) => functionSpec(`f${i}`, { events: routes(i) }));
  // A stage of its own per run: the emulator suites share one moto and run side by side.
  const stage = `s${Date.now().toString(36)}`;
  const svc = (events: (i: number) => FunctionSpec['events']) => serviceSpec(fns(events), { service: 'scale', stage, defaultTarget: 'aws', targets: { aws: { region: 'us-east-1' } } });

  beforeAll(async () => {
    clients = { ...(await createClients('us-east-1', env)), wait: { minDelay: 0.01, maxDelay: 0.05, maxWaitTime: 30, propagationAttempts: 3, pace: async () => {} } };
    calls = recordCalls(clients);
    ctx = { env, cwd: '/project', events: () => {}, now: () => new Date(), clients };
  }, 120_000);

  it(`deploys ${N} HTTP functions, then plans them with each read made once`, async () => {
    const s = svc((i) => [{ kind: 'http', method: 'GET', path: `/f${i}`, cors: false }]);
    const arts = fakeArtifacts('aws', s);
    await deployWith(adapter, s, arts, ctx);
    expect(count(calls, 'lambda:CreateFunction')).toBe(N);
    expect(count(calls, 'apigw:CreateRoute')).toBe(N);
    // The API was created by this deploy: nothing to list before each route.
    expect(count(calls, 'apigw:GetRoutes')).toBe(0);

    calls.length = 0;
    const p = await planWith(adapter, s, arts, { ...ctx });
    expect(p.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.id} ${c.reasons.join('; ')}`)).toEqual([]);
    expect(calls.filter((c) => !/:(Get|List|Describe|Head)/.test(c))).toEqual([]);
    for (const name of ['lambda:GetFunction', 'lambda:GetAlias', 'lambda:GetPolicy', 'iam:GetRole', 'iam:GetRolePolicy']) expect(count(calls, name), name).toBe(N);
    expect(count(calls, 'logs:DescribeLogGroups')).toBe(Math.ceil(N / 50));
    // Nine reads per function, each once; the rest are paginated listings of the whole stage
    // (tagging, roles, log groups, routes, integrations), a page per 50 to 100 items.
    const listings = calls.filter((c) => /:(List|Describe)|tagging:GetResources|apigw:Get(Routes|Integrations|Apis|Stages)/.test(c) && !/ListEventSourceMappings|ListRolePolicies|ListAttachedRolePolicies/.test(c));
    expect(calls.length - listings.length).toBeLessThanOrEqual(9 * N + 5);
    // (moto pages the tagging API by 50 whatever ResourcesPerPage asks: ~3 tagged resources per function.)
    expect(listings.length, listings.join(' ')).toBeLessThanOrEqual(12 + Math.ceil((3 * N) / 50));
  }, 600_000);

  it(`adds a route to each of the ${N} functions listing routes and integrations once, not once per route`, async () => {
    const s = svc((i) => [
      { kind: 'http', method: 'GET', path: `/f${i}`, cors: false },
      { kind: 'http', method: 'POST', path: `/f${i}`, cors: false },
    ]);
    calls.length = 0;
    await deployWith(adapter, s, fakeArtifacts('aws', s), { ...ctx });
    expect(count(calls, 'apigw:CreateRoute')).toBe(N);
    expect(count(calls, 'apigw:GetRoutes')).toBeLessThanOrEqual(4);
    expect(count(calls, 'apigw:GetIntegrations')).toBeLessThanOrEqual(4);
  }, 600_000);
});
