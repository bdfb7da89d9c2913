import type { ObservedResource } from '../../src/core/resources.js';
import { localPaths } from './paths.js';
import { openStateReadonly, readResources } from './store.js';

/**
 * What the project's local cloud has deployed, read from its SQLite state: works whether the local
 * cloud runs or not, and never writes. Props are exactly what apply() stored, so an unchanged
 * config plans as all no-ops.
 */
export async function observeLocal(root: string, stage = 'dev'): Promise<ObservedResource[]> {
  const paths = localPaths(root, stage);
  const db = await openStateReadonly(paths.db);
  if (!db) return [];
  try {
    return readResources(db).map((r) => ({ id: r.id, type: r.type, props: r.props, dependsOn: r.dependsOn, physicalId: `${paths.dir}#${r.id}` }));
  } finally {
    db.close();
  }
}
