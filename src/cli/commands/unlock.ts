import { SlsxError } from '../../errors/slsx-error.js';
import type { CommandRun } from '../context.js';
import { openSession } from '../session.js';

function age(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'an unknown time';
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min` : `${Math.round(m / 60)} h`;
}

/**
 * `sls-x unlock [--force]`: show who holds the stage's deploy lock and how long ago it was taken;
 * remove it when its holder is gone (expired, or a dead process on this host), or with --force.
 */
export const run: CommandRun<{ force?: boolean }> = async ({ options }, ctx) => {
  const session = await openSession(options, ctx, { warnings: false });
  const { loadAdapter } = await import('../../core/targets.js');
  const adapter = await loadAdapter(session.target);
  if (!adapter.lockInfo || !adapter.breakLock) throw new SlsxError('TARGET_NOT_AVAILABLE', `Target '${session.target}' has no deploy lock.`);
  const actx = session.adapterContext;
  const scope = await adapter.scope(session.service, actx);
  const what = `${session.service.service}/${session.service.stage} on ${session.target}`;
  const info = await adapter.lockInfo(scope, actx);
  if (!info) {
    ctx.stdout.write(options.json ? `${JSON.stringify({ locked: false })}\n` : `No deploy lock is held for ${what}.\n`);
    return;
  }
  const taken = info.acquiredAt ? age(ctx.now().getTime() - Date.parse(info.acquiredAt)) : 'an unknown time';
  if (info.live && !options.force) {
    throw new SlsxError('DEPLOY_LOCKED', `The deploy lock of ${what} is held by ${info.holder}, taken ${taken} ago${info.expiresAt ? `, expiring at ${info.expiresAt} unless renewed` : ''}, and that deploy may still be running.`, {
      hint: 'If it is gone (killed, or a cancelled CI job on another machine), run `sls-x unlock --force`. Breaking a lock a running deploy holds lets two deploys write at once.',
    });
  }
  await adapter.breakLock(scope, actx);
  if (options.json) ctx.stdout.write(`${JSON.stringify({ locked: false, released: info })}\n`);
  else ctx.stdout.write(`Released the deploy lock of ${what}, held by ${info.holder} (taken ${taken} ago${info.live ? ', forced' : ', its holder is gone'}; ${info.where}).\n`);
};
