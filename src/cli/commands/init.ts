import { relative } from 'node:path';
import type { CommandRun } from '../context.js';

export interface InitOptions {
  template?: string;
  name?: string;
  force?: boolean;
}

/** `sls-x init [dir] [--template http-api|queue-worker|cron] [--name] [--force]`. */
export const run: CommandRun<InitOptions> = async ({ args, options }, ctx) => {
  const { createProject } = await import('../../init/create-project.js');
  const dir = args[0] ?? '.';
  const created = await createProject({ dir, cwd: ctx.cwd, template: options.template ?? 'http-api', name: options.name, force: Boolean(options.force) });
  const rel = relative(ctx.cwd, created.dir) || '.';
  const lines = [
    `Created ${created.name} from the ${created.template} template in ${rel}/ (${created.files.length} files).`,
    '',
    'Next steps:',
    ...(rel === '.' ? [] : [`  cd ${rel.includes(' ') ? JSON.stringify(rel) : rel}`]),
    '  npm install',
    '  npx sls-x validate          # check faas.yaml',
    '  npx sls-x deploy            # run it on the local cloud (no account needed)',
    '  npx sls-x deploy --target aws   # or azure, gcp',
  ];
  ctx.stdout.write(`${lines.join('\n')}\n`);
};
