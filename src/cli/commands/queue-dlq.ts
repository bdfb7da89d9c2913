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

/** `sls-x queue dlq <queue> [--redrive]`: list a queue's dead letters (every target), or move them back. */
export const run: CommandRun<DlqOptions> = async ({ args, options }, ctx) => {
  const [queue] = args;
  const session = await openSession(options, ctx);
  let moved: (() => Promise<number>) | undefined;
  let list: () => Promise<import('../../core/adapter.js').DeadLetterView[]>;
  if (session.target === 'local') {
    const ops = await import('../../../providers/local/queue-ops.js');
    moved = () => ops.redriveLocal(session.service, queue, ctx.env);
    list = () => ops.deadLettersLocal(session.service, queue, ctx.env);
  } else {
    const { loadAdapter } = await import('../../core/targets.js');
    const adapter = await loadAdapter(session.target);
    if (!adapter.deadLetters || !adapter.redrive) {
      throw new SlsxError('TARGET_NOT_AVAILABLE', `\`sls-x queue dlq\` is not available for target '${session.target}' yet.`, { hint: "Use the cloud's console or CLI for a deployed dead-letter queue." });
    }
    const { deadLetters, redrive } = adapter;
    moved = () => redrive(session.service, queue, session.adapterContext);
    list = () => deadLetters(session.service, queue, session.adapterContext);
  }
  if (options.redrive) {
    const n = await moved();
    if (options.json) ctx.stdout.write(`${JSON.stringify({ queue, moved: n })}\n`);
    else ctx.stdout.write(`Moved ${n} message(s) from the dead-letter queue back to ${queue}.\n`);
    return;
  }
  const messages = await list();
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
