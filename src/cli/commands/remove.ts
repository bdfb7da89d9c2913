import type { CommandRun } from '../context.js';
import { openSession, packager, withView } from '../session.js';

/** `sls-x remove`: delete everything this service and stage deployed to the target, and nothing else. */
export const run: CommandRun = async ({ options }, ctx) => {
  // Config warnings are about running the service; they are noise when taking it down.
  const session = await openSession(options, ctx, { view: true, warnings: false });
  const { loadAdapter } = await import('../../core/targets.js');
  const { makePlan, applyPlan } = await import('../../apply/deploy.js');
  const { plan } = await withView(session, async () => {
    const adapter = await loadAdapter(session.target);
    const plan = await makePlan({ service: session.service, target: session.target, adapter, ctx: session.adapterContext, packager, remove: true });
    await applyPlan({ plan, service: session.service, adapter, ctx: session.adapterContext, readOutputs: false });
    await adapter.teardown?.(session.service, plan.scope, session.adapterContext);
    return { plan, outputs: undefined };
  });
  const removed = plan.changes.filter((c) => c.action === 'delete').length;
  if (options.json) ctx.stdout.write(`${JSON.stringify({ removed, plan }, null, 2)}\n`);
  else ctx.stdout.write(`Removed ${session.service.service} (stage ${session.service.stage}) from ${session.target}: ${removed} resource(s) deleted.\n`);
};
