import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../../src/cli/main.js';
import type { CliContext } from '../../../src/cli/context.js';
import type { FakeAws } from './fake-aws.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A copy of examples/shop in a temp folder (removed by `cleanup`). */
export function shopProject(dirs: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'slsx-aws-cli-'));
  dirs.push(root);
  cpSync(resolve(import.meta.dirname, '../../../examples/shop'), root, { recursive: true });
  return root;
}

export function cleanup(dirs: string[]): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Run the real CLI entry in `cwd` with the fake AWS injected; plain output (not a terminal) unless `interactive`. */
export async function cli(argv: string[], cwd: string, aws: FakeAws, opts: { interactive?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    cwd,
    env: opts.env ?? {},
    stdout: { write: (t) => void (stdout += t), isTTY: opts.interactive ?? false },
    stderr: { write: (t) => void (stderr += t) },
    interactive: opts.interactive ?? false,
    now: () => new Date(),
    clients: { aws: aws.clients },
  };
  const code = await main(argv, ctx);
  return { code, stdout, stderr };
}
