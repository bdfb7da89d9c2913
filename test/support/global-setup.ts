import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One temp folder for the whole test run (see test/support/tmp.ts), removed when it ends. */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'slsx-test-run-'));
  process.env.SLSX_TEST_TMP = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
