import { describe, expect, it } from 'vitest';
import { poolOf } from '../../providers/aws/pool.js';
import { adapter } from '../../providers/aws/index.js';
import { FakeAws } from './support/fake-aws.js';
import { artifacts, context, deploy, fn, plan, service } from './support/service.js';
import type { FunctionSpec } from '../../src/model/service.js';

const N = 300;

const count = (aws: FakeAws, name: string): number => aws.calls.filter((c) => c.name === name).length;

function functions(routes: (i: number) => FunctionSpec['events']): FunctionSpec[] {
  return Array.from({ length: N }, (_, i) => fn(`f${i}`, { events: routes(i) }));
}

describe('aws at 300 functions: bounded, paced, and no more calls than needed', () => {
  it('adding a route to each of 300 functions lists routes and integrations once, not once per route', async () => {
    const aws = new FakeAws();
    const ctx = context(aws);
    const before = service(functions((i) => [{ kind: 'http', method: 'GET', path: `/f${i}`, cors: false }]));
    await deploy(before, artifacts(before), ctx);
    expect(aws.apis.size).toBe(1);

    aws.resetCalls();
    const after = service(functions((i) => [
      { kind: 'http', method: 'GET', path: `/f${i}`, cors: false },
      { kind: 'http', method: 'POST', path: `/f${i}`, cors: false },
    ]));
    const applied = await deploy(after, artifacts(after), context(aws));
    expect(applied.changes.filter((c) => c.action === 'create').map((c) => c.id)).toHaveLength(N);
    expect(count(aws, 'apigateway:CreateRoute')).toBe(N);
    // One listing by observe, one by apply's index: before, each new route listed all routes and integrations.
    expect(count(aws, 'apigateway:GetRoutes')).toBeLessThanOrEqual(3);
    expect(count(aws, 'apigateway:GetIntegrations')).toBeLessThanOrEqual(3);
    const [api] = [...aws.apis.values()];
    expect(api.routes.size).toBe(2 * N);
  }, 60_000);

  it('a 300-function plan makes a bounded number of reads per function, at most 16 in flight, nothing mutating', async () => {
    const aws = new FakeAws();
    const s = service(functions((i) => [{ kind: 'http', method: 'GET', path: `/f${i}`, cors: false }]));
    await deploy(s, artifacts(s), context(aws));
    aws.resetCalls();
    const pool = poolOf(aws.clients);
    const peakBefore = pool.stats().maxInFlight;
    const p = await plan(s, artifacts(s), context(aws));
    expect(p.changes.filter((c) => c.action !== 'noop')).toEqual([]);
    expect(aws.mutatingCalls()).toEqual([]);
    // Per function: Lambda GetFunction, GetFunctionConcurrency, GetAlias, GetPolicy, ListEventSourceMappings;
    // IAM GetRole, GetRolePolicy, ListRolePolicies, ListAttachedRolePolicies: 9, each once (the
    // preflight's name checks are the reads observe reuses), plus a few listings for the whole stage.
    expect(aws.calls.length).toBeLessThanOrEqual(9 * N + 20);
    for (const name of ['lambda:GetFunction', 'iam:GetRole']) expect(count(aws, name)).toBe(N);
    // Log groups: one listing in pages of 50, not one call per group.
    expect(count(aws, 'logs:DescribeLogGroups')).toBe(Math.ceil(N / 50));
    expect(Math.max(peakBefore, pool.stats().maxInFlight)).toBeLessThanOrEqual(16);
    // The pool paced Lambda's 15/s control-plane calls: GetPolicy starts are at least 1/15 s apart past the burst.
    const starts = pool.trace.filter((t) => t.key === 'aws:lambda:GetPolicy').map((t) => t.at).sort((a, b) => a - b);
    expect(starts.length).toBeGreaterThan(N / 2);
    const span = starts[starts.length - 1]! - starts[0]!;
    expect(span).toBeGreaterThanOrEqual(((starts.length - 15) / 15) * 1000 - 1);
  }, 60_000);

  it('metrics over 30 functions starts FilterLogEvents no faster than CloudWatch Logs allows (5 a second)', async () => {
    const aws = new FakeAws();
    const s = service(Array.from({ length: 30 }, (_, i) => fn(`m${i}`)));
    await deploy(s, artifacts(s), context(aws));
    const pool = poolOf(aws.clients);
    pool.trace.length = 0;
    await adapter.invocations!(s, { sinceMs: 3_600_000 }, context(aws));
    const starts = pool.trace.filter((t) => t.key === 'aws:logs:FilterLogEvents').map((t) => t.at).sort((a, b) => a - b);
    expect(starts).toHaveLength(30);
    for (let i = 5; i < starts.length; i++) expect(starts[i]! - starts[i - 5]!).toBeGreaterThanOrEqual(1000);
    expect(aws.paces.length).toBeGreaterThan(0);
  });
});

describe('aws clients retry throttled calls with the SDK adaptive mode', () => {
  it('uses adaptive retry with 6 attempts unless AWS_RETRY_MODE / AWS_MAX_ATTEMPTS say otherwise', async () => {
    const { createClients } = await import('../../providers/aws/clients.js');
    const plain = await createClients('eu-west-1', { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    const strategy = await plain.logs.config.retryStrategy();
    expect((strategy as { mode?: string }).mode).toBe('adaptive');
    expect(await plain.logs.config.maxAttempts()).toBe(6);
    const chosen = await createClients('eu-west-1', { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_RETRY_MODE: 'standard', AWS_MAX_ATTEMPTS: '3' });
    expect((await chosen.lambda.config.retryStrategy() as { mode?: string }).mode).toBe('standard');
    expect(await chosen.lambda.config.maxAttempts()).toBe(3);
  });
});
