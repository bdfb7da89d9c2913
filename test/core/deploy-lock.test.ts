import { testTmp } from '../support/tmp.js';
import { writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyPlan, hashObserved } from '../../src/apply/deploy.js';
import type { Adapter, AdapterContext } from '../../src/core/adapter.js';
import type { Change, ObservedResource, Scope } from '../../src/core/resources.js';
import { serviceSpec, functionSpec } from '../support/model.js';
import { runCli } from '../support/cli.js';

const scope: Scope = { target: 'aws', service: 'shop', stage: 'dev' } as Scope;
const change = { id: 'role:api', type: 'aws:iam:role', action: 'create', after: {}, reasons: ['new'] } as unknown as Change;

function fakeAdapter(observed: () => ObservedResource[], apply: () => Promise<void>) {
  const log: string[] = [];
  const adapter = {
    target: 'aws',
    validate: () => [],
    scope: async () => scope,
    observe: async () => observed(),
    desired: () => [],
    apply: async () => {
      log.push('apply');
      await apply();
    },
    outputs: async () => ({ endpoints: [], functions: [] }),
    lock: async () => {
      log.push('lock');
      return async () => void log.push('release');
    },
  } as unknown as Adapter;
  return { adapter, log };
}

const ctx = (events: unknown[] = []): AdapterContext => ({ env: {}, cwd: '/p', events: (e) => void events.push(e), now: () => new Date() });
const service = serviceSpec([functionSpec('api')], {});

describe('the deploy lock (issue 8.7)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('SIGTERM (a cancelled CI job) or SIGINT (Ctrl-C) mid-apply releases the lock, then exits 143 / 130', async () => {
    for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
      const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
      let fire: () => void = () => {};
      const before = new Set(process.listeners(signal));
      const { adapter, log } = fakeAdapter(() => [], async () => {
        // What the process would receive: call the handler the deploy installed.
        const mine = process.listeners(signal).filter((l) => !before.has(l));
        expect(mine).toHaveLength(1);
        fire = () => (mine[0] as (s: NodeJS.Signals) => void)(signal);
        fire();
        await new Promise((r) => setTimeout(r, 10));
      });
      const events: Array<{ message?: string }> = [];
      await applyPlan({ plan: { version: 1, scope, createdAt: '', observedHash: hashObserved([]), changes: [change], warnings: [] }, service, adapter, ctx: ctx(events), readOutputs: false });
      expect(log.slice(0, 3)).toEqual(['lock', 'apply', 'release']);
      expect(exit).toHaveBeenCalledWith(code);
      expect(events.some((e) => e.message?.startsWith(`${signal}: stopping; the deploy lock of shop/dev is released`))).toBe(true);
      // The handlers are gone once the deploy is over.
      expect(process.listeners(signal).filter((l) => !before.has(l))).toEqual([]);
      vi.restoreAllMocks();
    }
  });

  it('a deploy re-observes under the lock and applies nothing when the stage changed since it planned', async () => {
    let state: ObservedResource[] = [];
    const { adapter, log } = fakeAdapter(() => state, async () => {});
    const plan = { version: 1 as const, scope, createdAt: '', observedHash: hashObserved(state), changes: [change], warnings: [] };
    state = [{ id: 'role:api', type: 'aws:iam:role', props: { name: 'x' } }];
    await expect(applyPlan({ plan, service, adapter, ctx: ctx(), readOutputs: false })).rejects.toMatchObject({ code: 'PLAN_STALE', message: expect.stringContaining('changed while this deploy was planning') });
    expect(log).toEqual(['lock', 'release']);
    // Unchanged: it applies.
    const fresh = { ...plan, observedHash: hashObserved(state) };
    await applyPlan({ plan: fresh, service, adapter, ctx: ctx(), readOutputs: false });
    expect(log).toEqual(['lock', 'release', 'lock', 'apply', 'release']);
  });
});

describe('sls-x unlock on the local target (issue 8.7)', () => {
  const project = () => {
    const root = testTmp('slsx-unlock-');
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src/api.mjs'), 'export const handler = async () => ({});\n');
    writeFileSync(join(root, 'faas.yaml'), 'service: locky\nruntime: node20\nfunctions:\n  api:\n    handler: src/api.handler\n');
    return root;
  };

  it('says when nothing is held; removes a dead holder\'s lock; refuses a live holder without --force', async () => {
    const root = project();
    const lockFile = join(root, '.sls-x', 'local', 'deploy.lock');
    expect((await runCli(['unlock'], root)).stdout).toBe('No deploy lock is held for locky/dev on local.\n');
    const { localPaths } = await import('../../providers/local/paths.js');
    const { lock, dir } = localPaths(root);
    mkdirSync(dir, { recursive: true });
    // A deploy killed with -9: its process is gone.
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 12345, startedAt: new Date(Date.now() - 90_000).toISOString() }));
    const dead = await runCli(['unlock'], root);
    expect(dead.code).toBe(0);
    expect(dead.stdout).toMatch(/^Released the deploy lock of locky\/dev on local, held by .+:4206649 \(taken (89|90|91) s ago, its holder is gone; .+\)\.\n$/);
    expect(existsSync(lock)).toBe(false);
    // A live holder (this test's own process): refused, exit 2, nothing removed; --force removes it.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
    const live = await runCli(['unlock'], root);
    expect(live.code).toBe(2);
    expect(live.stderr).toContain(`is held by`);
    expect(live.stderr).toContain('sls-x unlock --force');
    expect(existsSync(lock)).toBe(true);
    const forced = await runCli(['unlock', '--force'], root);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('forced');
    expect(existsSync(lock)).toBe(false);
    void lockFile;
  });
});
