import type { Change } from '../../../src/core/resources.js';
import { controlClient } from '../clients.js';
import { ensureRunning, findRunning } from '../launcher.js';
import { deleteOffline } from './offline.js';

/**
 * Execute one change against the local cloud, starting it in the background when needed.
 * Idempotent: a put stores the same resource again, a delete of something gone is fine.
 */
export async function applyLocalChange(change: Change, where: { root: string; port: number; stage: string }, env: NodeJS.ProcessEnv): Promise<void> {
  if (change.action === 'noop') return;
  if (change.action === 'delete') {
    const running = await findRunning(where.root, where.stage);
    if (running) await controlClient(running).post('resources/delete', { id: change.id, type: change.type });
    else await deleteOffline(where.root, change.id, change.type, where.stage);
    return;
  }
  const info = await ensureRunning(where.root, { port: where.port, env, stage: where.stage });
  // create, update and replace are one put: the local cloud swaps the resource in place.
  await controlClient(info).post('resources/put', { id: change.id, type: change.type, props: change.after ?? {}, dependsOn: change.dependsOn });
}
