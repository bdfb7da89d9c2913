import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { CliContext } from '../../src/cli/context.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the real CLI in-process with captured output. */
export async function runCli(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    cwd,
    env,
    stdout: { write: (s) => void (stdout += s), isTTY: false },
    stderr: { write: (s) => void (stderr += s), isTTY: false },
    interactive: false,
    now: () => new Date('2025-01-01T00:00:00Z'),
  };
  const code = await main(argv, ctx);
  return { code, stdout, stderr };
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
