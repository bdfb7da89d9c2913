import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli as run, type CliRun } from '../support/cli.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export type { CliRun };

/** Run the real CLI in-process with captured output. */
export function runCli(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return run(argv, cwd, { env, now: () => new Date('2025-01-01T00:00:00Z') });
}

/** A throw-away project folder with the given files (handler stubs by default). */
export function project(files: Record<string, string | Buffer>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'slsx-config-'));
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Handler stubs most tests need. */
export const STUBS = {
  'src/api.ts': 'export async function handler() { return { ok: true }; }\n',
  'src/worker.ts': 'export const handler = async () => {};\n',
};
