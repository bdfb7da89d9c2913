import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FakeAws } from './fake-aws.js';
import { runCli, type CliRun } from '../../support/cli.js';


export type { CliRun };

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
export function cli(argv: string[], cwd: string, aws: FakeAws, opts: { interactive?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return runCli(argv, cwd, { ...opts, clients: { aws: aws.clients } });
}
