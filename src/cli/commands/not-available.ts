import { SlsxError } from '../../errors/slsx-error.js';
import type { CommandRun } from '../context.js';

/** The run of a command (or a target of it) that a later release fills in. Exit 2, clearly. */
export function notAvailable(command: string): CommandRun {
  return async ({ options }) => {
    const target = options.target ?? 'any target';
    throw new SlsxError('TARGET_NOT_AVAILABLE', `\`sls-x ${command}\` is not yet available${target === 'any target' ? '' : ` for target '${target}'`}.`, {
      hint: 'See docs/ for what each target supports today; `sls-x validate` and `sls-x package` work for every target.',
    });
  };
}
