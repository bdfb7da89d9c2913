import { existsSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { SlsxError } from '../../src/errors/slsx-error.js';

type Db = BetterSqlite3.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS resources (id TEXT PRIMARY KEY, type TEXT NOT NULL, props TEXT NOT NULL, depends_on TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, queue TEXT NOT NULL, body TEXT NOT NULL,
  attributes TEXT NOT NULL, attempt INTEGER NOT NULL, enqueued_at INTEGER NOT NULL, visible_at INTEGER NOT NULL, last_error TEXT);
CREATE INDEX IF NOT EXISTS messages_ready ON messages (queue, visible_at);
CREATE TABLE IF NOT EXISTS dead_letters (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, queue TEXT NOT NULL, body TEXT NOT NULL, attributes TEXT NOT NULL,
  attempts INTEGER NOT NULL, enqueued_at INTEGER NOT NULL, failed_at INTEGER NOT NULL, last_error TEXT);
CREATE INDEX IF NOT EXISTS dead_letters_queue ON dead_letters (queue);
CREATE TABLE IF NOT EXISTS schedule_marks (id TEXT PRIMARY KEY, last_run INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS invocations (seq INTEGER PRIMARY KEY AUTOINCREMENT, function TEXT NOT NULL, started_at INTEGER NOT NULL, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS invocations_fn ON invocations (function, started_at);
CREATE TABLE IF NOT EXISTS logs (seq INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, function TEXT NOT NULL, request_id TEXT, level TEXT NOT NULL, message TEXT NOT NULL, data TEXT);
CREATE INDEX IF NOT EXISTS logs_fn ON logs (function, seq);
`;

const SCHEMA_VERSION = '1';

function corrupt(path: string, err: unknown): SlsxError {
  const reason = err instanceof Error ? err.message : String(err);
  return new SlsxError('STATE_CORRUPT', `The local cloud's state file ${path} is unreadable (${reason}).`, {
    hint: 'Delete the folder .sls-x/local/ (its queued messages and invocation records are lost) or restore it from a backup, then run `sls-x deploy` again.',
    cause: err,
  });
}

/**
 * Open the local cloud's SQLite state (WAL mode: readers never block the running cloud).
 * A file that is not a valid sls-x database is a STATE_CORRUPT user error with the fix.
 */
export async function openStateDb(path: string, options: { readonly?: boolean } = {}): Promise<Db> {
  const { default: Database } = await import('better-sqlite3');
  let db: Db | undefined;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode survives a killed process (not a power cut) and keeps writes fast.
      db.pragma('synchronous = NORMAL');
      db.exec(SCHEMA);
      const row = db.prepare('SELECT value FROM meta WHERE key = ?').get('schema') as { value: string } | undefined;
      if (!row) db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema', SCHEMA_VERSION);
      else if (row.value !== SCHEMA_VERSION) throw new Error(`schema version ${row.value}, expected ${SCHEMA_VERSION}`);
    } else {
      db.prepare('SELECT count(*) FROM resources').get();
    }
    return db;
  } catch (err) {
    db?.close();
    throw corrupt(path, err);
  }
}

/** Read-only access for commands while the local cloud may be running (or not). Undefined when nothing was deployed. */
export async function openStateReadonly(path: string): Promise<Db | undefined> {
  if (!existsSync(path)) return undefined;
  return openStateDb(path, { readonly: true });
}

export interface StoredResource {
  id: string;
  type: string;
  props: Record<string, unknown>;
  dependsOn: string[];
}

/** Rows of the resources table: what apply() stored, so observe() returns the same props. */
export function readResources(db: Db): StoredResource[] {
  const rows = db.prepare('SELECT id, type, props, depends_on FROM resources ORDER BY id').all() as Array<{ id: string; type: string; props: string; depends_on: string }>;
  return rows.map((r) => ({ id: r.id, type: r.type, props: JSON.parse(r.props) as Record<string, unknown>, dependsOn: JSON.parse(r.depends_on) as string[] }));
}
