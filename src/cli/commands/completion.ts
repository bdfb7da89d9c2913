import { SlsxError } from '../../errors/slsx-error.js';
import type { CommandRun } from '../context.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** `sls-x completion bash|zsh|fish`: print a completion script built from the command definitions. */
export const run: CommandRun = async ({ args }, ctx) => {
  const shell = args[0] as (typeof SHELLS)[number];
  if (!SHELLS.includes(shell)) {
    throw new SlsxError('USAGE', `Unknown shell '${args[0]}' for \`sls-x completion\`.`, { hint: 'Use bash, zsh or fish, e.g. `source <(sls-x completion bash)`.' });
  }
  const [{ completionScript }, { commands }] = await Promise.all([import('../completion.js'), import('./index.js')]);
  ctx.stdout.write(completionScript(shell, commands));
};
