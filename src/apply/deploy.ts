import { createHash } from 'node:crypto';
import type { Adapter, AdapterContext, Outputs } from '../core/adapter.js';
import type { Change, Plan, Scope } from '../core/resources.js';
import { SlsxError } from '../errors/slsx-error.js';
import type { Artifact } from '../model/artifact.js';
import type { Service, TargetName } from '../model/service.js';
import { diff, stableJson } from '../plan/diff.js';
import { runPlan } from './run-plan.js';

/** Packages a service for a target; injected so the orchestration stays testable and esbuild lazy. */
export type Packager = (service: Service, target: TargetName, ctx: AdapterContext) => Promise<Artifact[]>;

export interface PlanInput {
  service: Service;
  target: TargetName;
  adapter: Adapter;
  ctx: AdapterContext;
  packager: Packager;
  /** Plan the removal of everything (desired = nothing). */
  remove?: boolean;
  /** Keep only the changes this accepts (`deploy --function`): the rest is not part of the plan. */
  keep?: (change: Change) => boolean;
}

function timed<T>(ctx: AdapterContext, phase: 'validate' | 'package' | 'observe' | 'plan' | 'apply' | 'outputs', work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  ctx.events({ type: 'phase', phase, state: 'start' });
  return work().then((value) => {
    ctx.events({ type: 'phase', phase, state: 'done', elapsedMs: performance.now() - started });
    return value;
  });
}

export function hashObserved(observed: unknown): string {
  return createHash('sha256').update(stableJson(observed)).digest('hex');
}

/**
 * validate -> scope -> package -> observe -> desired -> diff. Reads only: no write call is made
 * while planning (package writes build output under .sls-x/, never to the target).
 */
export async function makePlan(input: PlanInput): Promise<Plan> {
  const { service, target, adapter, ctx } = input;
  const checks = await timed(ctx, 'validate', async () => {
    const found = adapter.validate(service);
    if (found.length === 0) return found;
    const { placeDiagnostics } = await import('../config/locate.js');
    return placeDiagnostics(found, service.configFile, ctx.cwd);
  });
  const errors = checks.filter((d) => d.severity === 'error');
  // A removal deletes what exists: limits of the config must not stand in its way.
  if (errors.length > 0 && !input.remove) {
    throw new SlsxError('UNSUPPORTED_CAPABILITY', `The ${target} target cannot deploy this service as configured (${errors.length} problem(s)).`, {
      diagnostics: checks,
      hint: 'Change the config as each diagnostic says, or deploy to another target.',
    });
  }
  if (!input.remove) for (const warning of checks) ctx.events({ type: 'diagnostic', diagnostic: warning });
  // Who and where first: missing credentials fail before anything is built or written.
  const scope = await timed(ctx, 'observe', () => adapter.scope(service, ctx));
  const artifacts = input.remove ? [] : await timed(ctx, 'package', () => input.packager(service, target, ctx));
  const observed = await timed(ctx, 'observe', () => adapter.observe(scope, ctx));
  const plan = await timed(ctx, 'plan', async (): Promise<Plan> => {
    const desired = input.remove ? [] : adapter.desired(service, artifacts);
    return {
      version: 1,
      scope,
      createdAt: ctx.now().toISOString(),
      observedHash: hashObserved(observed),
      changes: input.keep ? diff(desired, observed).filter(input.keep) : diff(desired, observed),
      warnings: checks,
    };
  });
  ctx.events({ type: 'plan', plan });
  return plan;
}

function sameScope(a: Scope, b: Scope): boolean {
  return a.target === b.target && a.service === b.service && a.stage === b.stage && a.account === b.account && a.region === b.region;
}

export interface ApplyInput {
  plan: Plan;
  service: Service;
  adapter: Adapter;
  ctx: AdapterContext;
  /** A plan loaded from a file: check it still matches the account and the observed state first. */
  saved?: boolean;
  concurrency?: number;
  /** Read the outputs afterwards (not after a removal). Default true. */
  readOutputs?: boolean;
}

/** Apply a plan's changes (under the target's deploy lock when it has one), then read the outputs. */
export async function applyPlan(input: ApplyInput): Promise<Outputs | undefined> {
  const { plan, service, adapter, ctx } = input;
  // Nothing to change: no lock taken, nothing written (a no-op deploy makes no write at all).
  const work = plan.changes.some((c) => c.action !== 'noop');
  const release = adapter.lock && work ? await adapter.lock(plan.scope, ctx) : undefined;
  // Ctrl-C, or CI cancelling the job (SIGTERM): give the lock back before the process ends, so
  // the next deploy need not wait for it to expire. Every change is idempotent: running the
  // command again finishes the work.
  const onSignal = (signal: NodeJS.Signals): void => {
    ctx.events({ type: 'warn', message: `${signal}: stopping; the deploy lock of ${plan.scope.service}/${plan.scope.stage} is released. Run the command again to finish.` });
    void Promise.resolve(release?.()).catch(() => undefined).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  if (release) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  try {
    if (!input.saved && plan.observedHash && adapter.lock && work) {
      // Planned before the lock: another deploy may have changed the stage in between.
      const observed = await adapter.observe(plan.scope, ctx);
      if (hashObserved(observed) !== plan.observedHash) {
        throw new SlsxError('PLAN_STALE', `${plan.scope.service}/${plan.scope.stage} on ${plan.scope.target} changed while this deploy was planning (another deploy ran); nothing was applied.`, {
          hint: 'Run the command again: it plans against what is deployed now.',
        });
      }
    }
    if (input.saved) {
      const scope = await adapter.scope(service, ctx);
      if (!sameScope(scope, plan.scope)) {
        throw new SlsxError('PLAN_STALE', `The saved plan was made for ${describe(plan.scope)}, but the current credentials and config point at ${describe(scope)}.`, {
          hint: 'Run `sls-x plan --out plan.json` again against the intended account, or switch credentials.',
        });
      }
      const observed = await adapter.observe(scope, ctx);
      if (hashObserved(observed) !== plan.observedHash) {
        throw new SlsxError('PLAN_STALE', 'What is deployed changed since the plan was saved; applying it could undo someone else\'s change.', {
          hint: 'Run `sls-x plan --out plan.json` again, review it, then apply the new plan.',
        });
      }
    }
    await timed(ctx, 'apply', () => runPlan(plan.changes, (change) => adapter.apply(change, ctx), { events: ctx.events, concurrency: input.concurrency }));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await release?.();
  }
  if (input.readOutputs === false) return undefined;
  return timed(ctx, 'outputs', () => adapter.outputs(service, plan.scope, ctx));
}

function describe(scope: Scope): string {
  return [`${scope.service}/${scope.stage} on ${scope.target}`, scope.account && `account ${scope.account}`, scope.region && `region ${scope.region}`].filter(Boolean).join(', ');
}

/** Read a plan saved with `--out`: a user file, so every problem is a clear user error. */
export function parsePlanFile(text: string, file: string): Plan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SlsxError('USAGE', `${file} is not a plan file: ${(err as Error).message}.`, { hint: 'Save a plan with `sls-x plan --out plan.json`.' });
  }
  const plan = value as Partial<Plan>;
  if (!plan || typeof plan !== 'object' || plan.version !== 1 || !plan.scope || !Array.isArray(plan.changes) || typeof plan.observedHash !== 'string') {
    throw new SlsxError('USAGE', `${file} is not an sls-x plan (version 1).`, { hint: 'Save a plan with `sls-x plan --out plan.json`.' });
  }
  return plan as Plan;
}
