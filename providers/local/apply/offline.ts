import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_TYPES } from '../naming.js';
import { localPaths } from '../paths.js';
import { openStateDb } from '../store.js';

/**
 * Delete one resource while the local cloud is stopped, straight in its state (so `sls-x remove`
 * of a stopped local cloud does not start it, its warm instances and schedules, just to delete).
 */
export async function deleteOffline(root: string, id: string, type: string, stage = 'dev'): Promise<void> {
  const paths = localPaths(root, stage);
  const db = await openStateDb(paths.db);
  const name = id.slice(id.indexOf(':') + 1);
  try {
    db.transaction(() => {
      db.prepare('DELETE FROM resources WHERE id = ?').run(id);
      if (type === LOCAL_TYPES.queue) {
        db.prepare('DELETE FROM messages WHERE queue = ?').run(name);
        db.prepare('DELETE FROM dead_letters WHERE queue = ?').run(name);
      }
      if (type === LOCAL_TYPES.schedule) db.prepare('DELETE FROM schedule_marks WHERE id = ?').run(id);
    })();
  } finally {
    db.close();
  }
  if (type === LOCAL_TYPES.function) rmSync(join(paths.versions, name), { recursive: true, force: true });
  if (type === LOCAL_TYPES.bucket) rmSync(join(paths.buckets, name), { recursive: true, force: true });
}
