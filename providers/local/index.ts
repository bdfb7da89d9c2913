import type { Adapter } from '../../src/core/adapter.js';
import { SlsxError } from '../../src/errors/slsx-error.js';

const pending = (): never => {
  throw new SlsxError('TARGET_NOT_AVAILABLE', 'The local target is not yet available.');
};

/** Placeholder until the local adapter lands. */
export const adapter: Adapter = {
  target: 'local',
  validate: () => [],
  scope: async () => pending(),
  observe: async () => pending(),
  desired: () => pending(),
  apply: async () => pending(),
  outputs: async () => pending(),
};
