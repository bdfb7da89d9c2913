import { describe, expect, it } from 'vitest';
import { applyPlan, makePlan, parsePlanFile } from '../../src/apply/deploy.js';
import type { AdapterContext } from '../../src/core/adapter.js';
import type { SlsxEvent } from '../../src/core/events.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import type { Artifact } from '../../src/model/artifact.js';
import type { FunctionSpec, Service } from '../../src/model/service.js';
import { fakeAdapter } from './fake-adapter.js';
import { functionSpec, serviceSpec } from '../support/model.js';

const fn = (name: string, memory = 512): FunctionSpec => functionSpec(name, { memory });
const service = (functions: FunctionSpec[]): Service => serviceSpec(functions, { root: '/tmp/shop', configFile: '/tmp/shop/faas.yaml' });

function context(events: SlsxEvent[] = []): AdapterContext {
  return { env: {}, cwd: '/tmp/shop', events: (e) => events.push(e), now: () => new Date('2026-11-27T00:00:00Z') };
}

const packager = (shas: Record<string, string>) => async (s: Service): Promise<Artifact[]> =>
  s.functions.map((f) => ({ target: 'local', name: f.name, functions: [f.name], zipPath: `/x/${f.name}.zip`, sha256: shas[f.name] ?? 'aaa', size: 1, entry: 'index.mjs' }));

describe('plan and apply through the core', () => {
  it('creates roles before functions, then a second deploy does nothing', async () => {
    const { adapter, calls } = fakeAdapter();
    const svc = service([fn('api'), fn('worker')]);
    const plan = await makePlan({ service: svc, target: 'local', adapter, ctx: context(), packager: packager({}) });
    expect(plan.changes.map((c) => c.action)).toEqual(['create', 'create', 'create', 'create']);
    await applyPlan({ plan, service: svc, adapter, ctx: context() });
    expect(calls.indexOf('create role:api')).toBeLessThan(calls.indexOf('create function:api'));
    expect(calls.indexOf('create role:worker')).toBeLessThan(calls.indexOf('create function:worker'));

    calls.length = 0;
    const again = await makePlan({ service: svc, target: 'local', adapter, ctx: context(), packager: packager({}) });
    expect(again.changes.every((c) => c.action === 'noop')).toBe(true);
    await applyPlan({ plan: again, service: svc, adapter, ctx: context() });
    expect(calls).toEqual([]);
  });

  it('updates only the function whose code changed, and says why', async () => {
    const { adapter, calls } = fakeAdapter();
    const svc = service([fn('api'), fn('worker')]);
    await applyPlan({ plan: await makePlan({ service: svc, target: 'local', adapter, ctx: context(), packager: packager({}) }), service: svc, adapter, ctx: context() });
    calls.length = 0;
    const plan = await makePlan({ service: svc, target: 'local', adapter, ctx: context(), packager: packager({ worker: 'bbb' }) });
    const work = plan.changes.filter((c) => c.action !== 'noop');
    expect(work.map((c) => [c.action, c.id])).toEqual([['update', 'function:worker']]);
    expect(work[0].reasons).toEqual(['sha256 changed (code changed)']);
    await applyPlan({ plan, service: svc, adapter, ctx: context() });
    expect(calls).toEqual(['update function:worker']);
  });

  it('deletes a removed function after its dependants, and remove deletes everything', async () => {
    const { adapter, calls, state } = fakeAdapter();
    const both = service([fn('api'), fn('worker')]);
    await applyPlan({ plan: await makePlan({ service: both, target: 'local', adapter, ctx: context(), packager: packager({}) }), service: both, adapter, ctx: context() });
    calls.length = 0;
    const one = service([fn('api')]);
    const plan = await makePlan({ service: one, target: 'local', adapter, ctx: context(), packager: packager({}) });
    await applyPlan({ plan, service: one, adapter, ctx: context() });
    expect(calls).toEqual(['delete function:worker', 'delete role:worker']);
    const removal = await makePlan({ service: one, target: 'local', adapter, ctx: context(), packager: packager({}), remove: true });
    await applyPlan({ plan: removal, service: one, adapter, ctx: context(), readOutputs: false });
    expect(state.size).toBe(0);
  });

  it('refuses a config the target cannot deploy, before packaging or observing', async () => {
    const { adapter, calls } = fakeAdapter();
    let packaged = false;
    const svc = service([fn('big', 8192)]);
    const err = await makePlan({ service: svc, target: 'local', adapter, ctx: context(), packager: async () => { packaged = true; return []; } }).catch((e) => e);
    expect(err).toBeInstanceOf(SlsxError);
    expect(err.code).toBe('UNSUPPORTED_CAPABILITY');
    expect(err.diagnostics[0].message).toContain('big');
    expect(packaged).toBe(false);
    expect(calls).toEqual([]);
  });

  it('removes even when the config now breaks a limit of the target', async () => {
    const { adapter, state } = fakeAdapter();
    const small = service([fn('api')]);
    await applyPlan({ plan: await makePlan({ service: small, target: 'local', adapter, ctx: context(), packager: packager({}) }), service: small, adapter, ctx: context() });
    const big = service([fn('api', 8192)]);
    const removal = await makePlan({ service: big, target: 'local', adapter, ctx: context(), packager: packager({}), remove: true });
    await applyPlan({ plan: removal, service: big, adapter, ctx: context(), readOutputs: false });
    expect(state.size).toBe(0);
  });

  it('reads who and where before packaging: missing credentials fail with nothing built', async () => {
    const { adapter } = fakeAdapter();
    let packaged = false;
    adapter.scope = async () => { throw new SlsxError('CREDENTIALS', 'no credentials'); };
    await expect(makePlan({ service: service([fn('api')]), target: 'local', adapter, ctx: context(), packager: async () => { packaged = true; return []; } })).rejects.toMatchObject({ code: 'CREDENTIALS' });
    expect(packaged).toBe(false);
  });

  it('refuses a saved plan when the account or the deployed state changed', async () => {
    const first = fakeAdapter({ account: 'acct-1' });
    const svc = service([fn('api')]);
    const plan = parsePlanFile(JSON.stringify(await makePlan({ service: svc, target: 'local', adapter: first.adapter, ctx: context(), packager: packager({}) })), 'plan.json');
    const other = fakeAdapter({ account: 'acct-2' });
    await expect(applyPlan({ plan, service: svc, adapter: other.adapter, ctx: context(), saved: true })).rejects.toMatchObject({ code: 'PLAN_STALE' });
    expect(other.calls).toEqual([]);
    // Someone deploys in between: the observed hash moves.
    await applyPlan({ plan: await makePlan({ service: svc, target: 'local', adapter: first.adapter, ctx: context(), packager: packager({}) }), service: svc, adapter: first.adapter, ctx: context() });
    first.calls.length = 0;
    await expect(applyPlan({ plan, service: svc, adapter: first.adapter, ctx: context(), saved: true })).rejects.toMatchObject({ code: 'PLAN_STALE' });
    expect(first.calls).toEqual([]);
  });

  it('rejects files that are not plans with a usage error', () => {
    expect(() => parsePlanFile('{nope', 'p.json')).toThrow(/not a plan file/);
    expect(() => parsePlanFile('{"version":2}', 'p.json')).toThrow(/not an sls-x plan/);
  });

  it('finishes an interrupted deploy on the next run without repeating finished work', async () => {
    const failing = fakeAdapter({ failOn: 'function:worker' });
    const svc = service([fn('api'), fn('worker')]);
    const events: SlsxEvent[] = [];
    await expect(applyPlan({ plan: await makePlan({ service: svc, target: 'local', adapter: failing.adapter, ctx: context(), packager: packager({}) }), service: svc, adapter: failing.adapter, ctx: context(events) })).rejects.toThrow(/boom on function:worker/);
    expect(events.some((e) => e.type === 'change' && e.state === 'failed')).toBe(true);
    // Same state, a working adapter: only the missing piece is created.
    const retry = fakeAdapter();
    for (const [k, v] of failing.state) retry.state.set(k, v);
    const plan = await makePlan({ service: svc, target: 'local', adapter: retry.adapter, ctx: context(), packager: packager({}) });
    await applyPlan({ plan, service: svc, adapter: retry.adapter, ctx: context() });
    expect(retry.calls).toEqual(['create function:worker']);
  });
});
