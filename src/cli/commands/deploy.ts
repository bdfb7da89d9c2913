import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SlsxError } from '../../errors/slsx-error.js';
import type { Plan } from '../../core/resources.js';
import type { CommandRun } from '../context.js';
import { openSession, packager, withView, type Session } from '../session.js';
import { run as runPlan } from './plan.js';
import { stableJson } from '../../plan/diff.js';

export interface DeployOptions {
  plan?: boolean;
  out?: string;
  /** Deploy one function's code and configuration only (the inner loop's fast path). */
  function?: string;
}

/**
 * The change a `--function` deploy keeps: the function itself (azure: the app package holding it,
 * and the app with its settings; with them the escape hatch's role assignments, `grant:extra:*`,
 * which the settings record in SLSX_GRANTS: one dropped from the settings without its delete
 * would never be found again).
 */
function ownChange(target: string, fn: string): (c: Plan['changes'][number]) => boolean {
  return target === 'azure' ? (c) => c.id === 'package' || c.id === 'function-app' || c.id.startsWith('grant:extra:') : (c) => c.id === `function:${fn}`;
}

function readSavedPlan(file: string, cwd: string, parse: (text: string, file: string) => Plan): Plan {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch {
    throw new SlsxError('USAGE', `Cannot read plan file ${file}.`, { hint: 'Save one with `sls-x plan --out plan.json`.' });
  }
  return parse(text, file);
}

function checkPlanMatches(plan: Plan, file: string, session: Session): void {
  if (plan.scope.target !== session.target || plan.scope.service !== session.service.service || plan.scope.stage !== session.service.stage) {
    throw new SlsxError('PLAN_STALE', `${file} is a plan for ${plan.scope.service}/${plan.scope.stage} on ${plan.scope.target}, not ${session.service.service}/${session.service.stage} on ${session.target}.`, {
      hint: 'Pass the matching --target/--stage, or make a new plan.',
    });
  }
}

/** Refuse a saved plan that is not exactly what the config, the code and the target give now. */
function checkSavedPlan(saved: Plan, fresh: Plan, file: string): void {
  if (saved.observedHash !== fresh.observedHash) {
    throw new SlsxError('PLAN_STALE', 'What is deployed changed since the plan was saved; applying it could undo someone else\'s change.', {
      hint: 'Run `sls-x plan --out plan.json` again, review it, then apply the new plan.',
    });
  }
  const key = (c: Plan['changes'][number]): string => stableJson({ id: c.id, type: c.type, action: c.action, before: c.before, after: c.after, physicalId: c.physicalId });
  const want = new Map(fresh.changes.map((c) => [c.id, key(c)]));
  const differs = [...saved.changes.filter((c) => want.get(c.id) !== key(c)).map((c) => c.id), ...fresh.changes.filter((c) => !saved.changes.some((s) => s.id === c.id)).map((c) => c.id)];
  if (differs.length > 0) {
    throw new SlsxError('PLAN_STALE', `${file} does not match what faas.yaml and the code give now (${[...new Set(differs)].slice(0, 5).join(', ')}${differs.length > 5 ? ', ...' : ''}); nothing was applied.`, {
      hint: 'The config or the code changed, or the file was edited. Run `sls-x plan --out plan.json` again, review it, then apply it.',
    });
  }
}

/** `sls-x deploy [plan.json]`: plan and apply (or apply a saved plan exactly), then print the endpoints. */
export const run: CommandRun<DeployOptions> = async ({ args, options }, ctx) => {
  if (options.plan) return runPlan({ args, options }, ctx);
  if (options.out) throw new SlsxError('USAGE', '`--out` saves a plan and goes with `--plan` (or use `sls-x plan --out FILE`).');
  const { loadAdapter } = await import('../../core/targets.js');
  const { makePlan, applyPlan, parsePlanFile } = await import('../../apply/deploy.js');
  const { renderOutputs } = await import('../../ui/render-plan.js');
  const started = performance.now();

  // A saved plan names its target and stage: they are the defaults, so `sls-x deploy plan.json` is enough.
  const file = args[0];
  if (options.function && file) throw new SlsxError('USAGE', '`--function` deploys one function from faas.yaml; it cannot apply a saved plan.', { hint: 'Drop --function to apply the plan file, or drop the file.' });
  const saved = file ? readSavedPlan(file, ctx.cwd, parsePlanFile) : undefined;
  const session = await openSession(saved ? { ...options, target: options.target ?? saved.scope.target, stage: options.stage ?? saved.scope.stage } : options, ctx, { view: true });
  if (saved && file) checkPlanMatches(saved, file, session);
  const only = options.function;
  if (only && !session.service.functions.some((f) => f.name === only)) {
    throw new SlsxError('FUNCTION_NOT_FOUND', `There is no function '${only}' in ${session.service.configFile}.`, { hint: `Functions: ${session.service.functions.map((f) => f.name).join(', ')}.` });
  }
  // --function: package and plan that one function (azure: the app package, which holds every
  // handler), and keep only its own change: the rest of the service is neither planned nor touched.
  const service = only && session.target !== 'azure' ? { ...session.service, functions: session.service.functions.filter((f) => f.name === only) } : session.service;
  if (only) session.events({ type: 'warn', message: `--function ${only}: only ${session.target === 'azure' ? 'the Function App package and settings' : `function:${only}`} (code and configuration) is planned and applied; run \`sls-x deploy\` for everything else.` });
  const { plan, outputs } = await withView(session, async () => {
    const adapter = await loadAdapter(session.target);
    const fresh = await makePlan({ service, target: session.target, adapter, ctx: session.adapterContext, packager, ...(only ? { keep: ownChange(session.target, only) } : {}) });
    // A saved plan is applied only if faas.yaml, the code and what is deployed still give exactly
    // it: an edited plan file (a wider policy, a new trust principal, a delete of something else)
    // is refused, and every delete is one a fresh observation found by this stage's tags.
    if (saved && file) checkSavedPlan(saved, fresh, file);
    // The saved scope stays: applying checks the credentials' account against it.
    const plan = saved ? { ...fresh, scope: saved.scope } : fresh;
    if (saved) session.events({ type: 'plan', plan });
    const outputs = await applyPlan({ plan, service: session.service, adapter, ctx: session.adapterContext, saved: Boolean(saved) });
    return { plan, outputs };
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (options.json) {
    ctx.stdout.write(`${JSON.stringify({ plan, outputs }, null, 2)}\n`);
  } else if (!session.view) {
    if (outputs) ctx.stdout.write(renderOutputs(outputs));
    ctx.stdout.write(`Deployed ${session.service.service} (stage ${session.service.stage}) to ${session.target} in ${seconds}s.\n`);
  }
};
