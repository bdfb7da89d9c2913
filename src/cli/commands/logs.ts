import { SlsxError } from '../../errors/slsx-error.js';
import type { LogLine } from '../../model/invocation.js';
import { parseSince } from '../../metrics/since.js';
import type { CommandRun } from '../context.js';
import { openSession } from '../session.js';

export interface LogsOptions {
  follow?: boolean;
  since?: string;
  filter?: string;
}

/**
 * `--filter`: plain text is a case-sensitive substring of the message or the JSON of its data;
 * `/re/flags` is a regular expression over the same text.
 */
export function lineFilter(pattern: string | undefined): (line: LogLine) => boolean {
  if (pattern === undefined) return () => true;
  const text = (l: LogLine): string => (l.data ? `${l.message} ${JSON.stringify(l.data)}` : l.message);
  const re = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  if (re) {
    let rx: RegExp;
    try {
      rx = new RegExp(re[1], re[2]);
    } catch (err) {
      throw new SlsxError('USAGE', `--filter ${pattern} is not a valid regular expression: ${(err as Error).message}.`, { hint: 'Escape special characters, or give plain text to match as is.' });
    }
    return (l) => rx.test(text(l));
  }
  return (l) => text(l).includes(pattern);
}

function render(line: LogLine): string {
  const data = line.data ? ` ${JSON.stringify(line.data)}` : '';
  return `${new Date(line.time).toISOString()} ${line.level.toUpperCase().padEnd(5)} ${line.message}${data}\n`;
}

/** `sls-x logs <fn> [--follow] [--since 10m]`: structured log lines, grouped per invocation. */
export const run: CommandRun<LogsOptions> = async ({ args, options }, ctx) => {
  const sinceMs = parseSince('--since', options.since);
  const keep = lineFilter(options.filter);
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
      if (!keep(line)) continue;
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
  if (count === 0 && !options.json) ctx.stderr.write(`No logs for ${args[0]}${options.since ? ` in the last ${options.since}` : ''}${options.filter !== undefined ? ` matching ${options.filter}` : ''}.\n`);
};
