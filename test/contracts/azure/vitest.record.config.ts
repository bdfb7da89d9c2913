import { defineConfig } from 'vitest/config';
import base from '../../../vitest.config.js';

/**
 * The project's vitest config plus the recording setup file (record-setup.ts); used only by the
 * nested run that arm-sweep.test.ts starts. The normal suite never loads it.
 */
export default defineConfig({
  ...base,
  test: { ...base.test, setupFiles: ['test/contracts/azure/record-setup.ts'], reporters: ['dot'] },
});
