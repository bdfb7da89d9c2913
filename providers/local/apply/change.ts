import type { Change } from '../../../src/core/resources.js';
import { controlClient } from '../clients.js';
import { ensureRunning, findRunning } from '../launcher.js';
import { deleteOffline } from './offline.js';

/**
 * Execute one change against the local cloud, starting it in the background when needed.
 * Idempotent: a put stores the same resource again, a delete of something gone is fine.
 */
export async function applyLocalChange(change: Change, where: { root: string; port: number }, env: NodeJS.ProcessEnv): Promise<void> {
  if (change.action === 'noop') return;
  if (change.action === 'delete') {
    const running = await findRunning(where.root);
    if (running) await controlClient(running).post('resources/delete', { id: change.id, type: change.type });
    else await deleteOffline(where.root, change.id, change.type);
    return;
  }
  const info = await ensureRunning(where.root, { port: where.port, env });
  // create, update and replace are one put: the local cloud swaps the resource in place.
  await controlClient(info).post('resources/put', { id: change.id, type: change.type, props: change.after ?? {}, dependsOn: change.dependsOn });
}
