import { SlsxError } from '../../errors/slsx-error.js';
import type { LogLine } from '../../model/invocation.js';
import { parseSince } from '../../metrics/since.js';
import type { CommandRun } from '../context.js';
import { openSession } from '../session.js';

export interface LogsOptions {
  follow?: boolean;
  since?: string;
}

function render(line: LogLine): string {
  const data = line.data ? ` ${JSON.stringify(line.data)}` : '';
  return `${new Date(line.time).toISOString()} ${line.level.toUpperCase().padEnd(5)} ${line.message}${data}\n`;
}

/** `sls-x logs <fn> [--follow] [--since 10m]`: structured log lines, grouped per invocation. */
export const run: CommandRun<LogsOptions> = async ({ args, options }, ctx) => {
  const sinceMs = parseSince('--since', options.since);
  const session = await openSession(options, ctx);
  const { loadAdapter } = await import('../../core/targets.js');
  const adapter = await loadAdapter(session.target);
  if (!adapter.logs) throw new SlsxError('TARGET_NOT_AVAILABLE', `\`sls-x logs\` is not available for target '${session.target}'.`);
  const abort = new AbortController();
  const stop = () => abort.abort();
  if (options.follow) process.once('SIGINT', stop);
  let current: string | undefined;
  let count = 0;
  try {
    for await (const line of adapter.logs(session.service, args[0], { follow: Boolean(options.follow), sinceMs, signal: abort.signal }, session.adapterContext)) {
      count++;
      if (options.json) {
        ctx.stdout.write(`${JSON.stringify(line)}\n`);
        continue;
      }
      if (line.requestId !== current) {
        current = line.requestId;
        ctx.stdout.write(current ? `── invocation ${current}\n` : '── (no invocation)\n');
      }
      ctx.stdout.write(render(line));
    }
  } finally {
    process.off('SIGINT', stop);
  }
  if (count === 0 && !options.json) ctx.stderr.write(`No logs for ${args[0]}${options.since ? ` in the last ${options.since}` : ''}.\n`);
};
