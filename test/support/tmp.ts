import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh folder for a test helper whose callers cannot clean up (fake artifacts handed to an
 * adapter, stand-in projects): inside the test run's own folder (SLSX_TEST_TMP, made and removed
 * by test/support/global-setup.ts), so nothing is left in the temp folder after the run.
 */
export function testTmp(prefix: string): string {
  return mkdtempSync(join(process.env.SLSX_TEST_TMP ?? tmpdir(), prefix));
}
