/**
 * The local cloud's key-value tables (`tables:` in faas.yaml): one SQLite file per stage
 * (`.sls-x/local[-<stage>]/tables.db`), one SQL table per faas.yaml table, items stored as JSON
 * under their key. The semantics are those of every target's driver: conditional put and
 * delete, key-prefix listing in key order with the last key as the cursor.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { TableItem, TablePage } from '../../../src/runtime/tables.js';

/** One table call, as the worker sends it through the local cloud (or `invoke --local` runs it). */
export type TableRequest =
  | { op: 'get'; table: string; key: string }
  | { op: 'put'; table: string; key: string; item: TableItem; condition?: 'absent' | 'exists' }
  | { op: 'delete'; table: string; key: string; condition?: 'exists' }
  | { op: 'list'; table: string; prefix: string; cursor?: string; limit: number };

/** Table names are faas.yaml resource names (lowercase letters, digits, hyphens): quoted, never interpolated raw. */
const TABLE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export class LocalTables {
  private readonly made = new Set<string>();

  private constructor(private readonly db: BetterSqlite3.Database) {}

  /** Open (or create) the stage's table file; SQLite is loaded only when a table is used. */
  static async open(file: string): Promise<LocalTables> {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    return new LocalTables(db);
  }

  private sql(table: string): string {
    if (!TABLE_NAME.test(table)) throw new Error(`not a table name: ${JSON.stringify(table)}`);
    const name = `"t_${table}"`;
    if (!this.made.has(table)) {
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${name} (k TEXT PRIMARY KEY NOT NULL, v TEXT NOT NULL) WITHOUT ROWID`);
      this.made.add(table);
    }
    return name;
  }

  run(req: TableRequest): TableItem | undefined | boolean | TablePage {
    const t = this.sql(req.table);
    switch (req.op) {
      case 'get': {
        const row = this.db.prepare(`SELECT v FROM ${t} WHERE k = ?`).get(req.key) as { v: string } | undefined;
        return row ? (JSON.parse(row.v) as TableItem) : undefined;
      }
      case 'put': {
        const v = JSON.stringify(req.item);
        if (req.condition === 'absent') return this.db.prepare(`INSERT OR IGNORE INTO ${t} (k, v) VALUES (?, ?)`).run(req.key, v).changes === 1;
        if (req.condition === 'exists') return this.db.prepare(`UPDATE ${t} SET v = ? WHERE k = ?`).run(v, req.key).changes === 1;
        this.db.prepare(`INSERT INTO ${t} (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v`).run(req.key, v);
        return true;
      }
      case 'delete': {
        const gone = this.db.prepare(`DELETE FROM ${t} WHERE k = ?`).run(req.key).changes === 1;
        return req.condition === 'exists' ? gone : true;
      }
      case 'list': {
        // Keys from `prefix` on, in key order, while they start with it; after the cursor.
        const rows = this.db
          .prepare(`SELECT k, v FROM ${t} WHERE k >= ? AND substr(k, 1, ?) = ? AND (? IS NULL OR k > ?) ORDER BY k LIMIT ?`)
          .all(req.prefix, req.prefix.length, req.prefix, req.cursor ?? null, req.cursor ?? null, req.limit + 1) as Array<{ k: string; v: string }>;
        const page = rows.slice(0, req.limit);
        return { items: page.map((r) => JSON.parse(r.v) as TableItem), ...(rows.length > req.limit ? { cursor: page[page.length - 1]!.k } : {}) };
      }
    }
  }

  close(): void {
    this.db.close();
  }
}

/** Whether a function declaring `tables` may make this call (read ops need read, writes write). */
export function tableCallAllowed(tables: Array<{ name: string; access: 'read' | 'write' | 'readwrite' }>, fn: string, req: TableRequest): void {
  const decl = tables.find((t) => t.name === req.table);
  if (!decl) throw new Error(`table '${req.table}' is not declared for function '${fn}': add it to \`tables:\` in faas.yaml and deploy again`);
  const needs = req.op === 'get' || req.op === 'list' ? 'read' : 'write';
  if (decl.access !== 'readwrite' && decl.access !== needs) throw new Error(`table '${req.table}' is declared with access: ${decl.access} for function '${fn}', so it cannot ${needs === 'write' ? 'be written' : 'be read'}`);
}
