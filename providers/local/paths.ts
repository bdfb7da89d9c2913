import { join } from 'node:path';

/**
 * Where one project's local cloud keeps its files, all under `<root>/.sls-x/local/`:
 * the pid/port file, the SQLite state, the deploy lock, deployed code versions and bucket folders.
 */
export interface LocalPaths {
  dir: string;
  /** `{ pid, port, token, startedAt }` of the running local cloud. */
  pidFile: string;
  /** SQLite: resources, queues, DLQs, schedule marks, invocations, logs. */
  db: string;
  /** Held by one `deploy` at a time: `{ pid, startedAt }`. */
  lock: string;
  /** Deployed code, one folder per function version: `versions/<fn>/<sha256>/`. */
  versions: string;
  /** One folder per bucket: `buckets/<bucket>/<key>`. */
  buckets: string;
  /** The stage's key-value tables (SQLite). */
  tables: string;
  /** stdout/stderr of the background process (start-up failures land here). */
  daemonLog: string;
}

/**
 * `stage` dev keeps the folder `.sls-x/local/` it always had; any other stage has its own,
 * `.sls-x/local-<stage>/`, so two stages run side by side (own state, own process, own port).
 */
export function localPaths(root: string, stage = 'dev'): LocalPaths {
  const dir = join(root, '.sls-x', stage === 'dev' ? 'local' : `local-${stage}`);
  return {
    dir,
    pidFile: join(dir, 'cloud.json'),
    db: join(dir, 'state.db'),
    lock: join(dir, 'deploy.lock'),
    versions: join(dir, 'versions'),
    buckets: join(dir, 'buckets'),
    tables: join(dir, 'tables.db'),
    daemonLog: join(dir, 'cloud.log'),
  };
}
