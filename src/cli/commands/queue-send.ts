import { SlsxError } from '../../errors/slsx-error.js';
import type { CommandRun } from '../context.js';
import { openSession } from '../session.js';

/** `sls-x queue send <queue> <body>`: enqueue one message on the local cloud (its consumers run at once). */
export const run: CommandRun = async ({ args, options }, ctx) => {
  const [queue, body] = args;
  const session = await openSession(options, ctx);
  if (session.target !== 'local') {
    throw new SlsxError('TARGET_NOT_AVAILABLE', `\`sls-x queue send\` works on the local target, not '${session.target}'.`, { hint: "Use the cloud's own tools to send to a deployed queue, or drop --target to use the local cloud." });
  }
  const { sendLocal } = await import('../../../providers/local/queue-ops.js');
  const [id] = await sendLocal(session.service, queue, [body], ctx.env);
  if (options.json) ctx.stdout.write(`${JSON.stringify({ queue, id })}\n`);
  else ctx.stdout.write(`Sent message ${id} to ${queue} (${Buffer.byteLength(body)} bytes).\n`);
};
