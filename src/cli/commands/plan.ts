import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandRun } from '../context.js';
import { openSession, packager } from '../session.js';

export interface PlanOptions {
  out?: string;
}

/** `sls-x plan`: validate, package, read what exists and print the diff. Never writes to the target. */
export const run: CommandRun<PlanOptions> = async ({ options }, ctx) => {
  const session = await openSession(options, ctx);
  const { loadAdapter } = await import('../../core/targets.js');
  const { makePlan } = await import('../../apply/deploy.js');
  const adapter = await loadAdapter(session.target);
  const plan = await makePlan({ service: session.service, target: session.target, adapter, ctx: session.adapterContext, packager });
  if (options.out) {
    writeFileSync(resolve(ctx.cwd, options.out), `${JSON.stringify(plan, null, 2)}\n`);
    if (!options.json) ctx.stdout.write(`Plan saved to ${options.out}. Apply exactly this plan with \`sls-x deploy ${options.out}\`.\n`);
  }
  if (options.json) ctx.stdout.write(`${JSON.stringify({ plan }, null, 2)}\n`);
};
