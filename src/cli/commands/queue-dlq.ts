import { SlsxError } from '../../errors/slsx-error.js';
import type { CommandRun } from '../context.js';
import { openSession } from '../session.js';

export interface DlqOptions {
  redrive?: boolean;
}

const preview = (s: string, n: number): string => {
  const one = s.replace(/\s+/g, ' ');
  return one.length > n ? `${one.slice(0, n - 3)}...` : one;
};

/** `sls-x queue dlq <queue> [--redrive]`: list a local queue's dead letters, or move them back. */
export const run: CommandRun<DlqOptions> = async ({ args, options }, ctx) => {
  const [queue] = args;
  const session = await openSession(options, ctx);
  if (session.target !== 'local') {
    throw new SlsxError('TARGET_NOT_AVAILABLE', `\`sls-x queue dlq\` works on the local target, not '${session.target}'.`, { hint: "Use the cloud's console or CLI for a deployed dead-letter queue." });
  }
  const ops = await import('../../../providers/local/queue-ops.js');
  if (options.redrive) {
    const moved = await ops.redriveLocal(session.service, queue, ctx.env);
    if (options.json) ctx.stdout.write(`${JSON.stringify({ queue, moved })}\n`);
    else ctx.stdout.write(`Moved ${moved} message(s) from the dead-letter queue back to ${queue}.\n`);
    return;
  }
  const messages = await ops.deadLettersLocal(session.service, queue, ctx.env);
  if (options.json) {
    ctx.stdout.write(`${JSON.stringify({ queue, messages }, null, 2)}\n`);
    return;
  }
  if (messages.length === 0) {
    ctx.stdout.write(`The dead-letter queue of ${queue} is empty.\n`);
    return;
  }
  ctx.stdout.write(`${messages.length} dead-lettered message(s) in ${queue}:\n`);
  for (const m of messages) {
    ctx.stdout.write(`  ${m.id}  attempts ${m.attempts}  failed ${new Date(m.failedAt).toISOString()}\n    body:  ${preview(m.body, 100)}\n    error: ${preview((m.lastError ?? '').split('\n')[0], 160)}\n`);
  }
  ctx.stdout.write(`Move them back with \`sls-x queue dlq ${queue} --redrive\`.\n`);
};
