import { main } from '../../src/cli/main.js';
import type { CliContext } from '../../src/cli/context.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  /** Injected SDK clients per target (fakes). */
  clients?: Record<string, unknown>;
  /** Draw as in a terminal (the ink view) instead of plain lines. */
  interactive?: boolean;
  now?: () => Date;
  /** What standard input holds (for `--data -`). */
  stdin?: string;
}

/** Run the real CLI entry in-process in `cwd`, capturing what it prints and its exit code. */
export async function runCli(argv: string[], cwd: string, options: CliOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const interactive = options.interactive ?? false;
  const ctx: CliContext = {
    cwd,
    env: options.env ?? {},
    stdout: { write: (s) => void (stdout += s), isTTY: interactive },
    stderr: { write: (s) => void (stderr += s), isTTY: false },
    interactive,
    now: options.now ?? (() => new Date()),
    ...(options.clients ? { clients: options.clients } : {}),
    ...(options.stdin !== undefined ? { readStdin: async () => options.stdin as string } : {}),
  };
  const code = await main(argv, ctx);
  return { code, stdout, stderr };
}
