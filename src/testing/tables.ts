import type { TableDriver, TableItem, TablePage } from '../runtime/tables.js';

/**
 * Tables in memory with the semantics every target's driver keeps: items by key, conditional
 * put and delete, key-prefix listing in key order with the last key as the cursor. Used by
 * `testResources()`; copies go in and out, so a handler cannot change a stored item by mutating
 * the object it got.
 */
export function memoryTables(): { driver: TableDriver; table(name: string): Map<string, TableItem> } {
  const tables = new Map<string, Map<string, TableItem>>();
  const table = (name: string): Map<string, TableItem> => {
    let t = tables.get(name);
    if (!t) tables.set(name, (t = new Map()));
    return t;
  };
  const copy = (item: TableItem): TableItem => JSON.parse(JSON.stringify(item)) as TableItem;
  const driver: TableDriver = {
    async get(t, key) {
      const item = table(t.name).get(key);
      return item ? copy(item) : undefined;
    },
    async put(t, key, item, condition) {
      const had = table(t.name).has(key);
      if ((condition === 'absent' && had) || (condition === 'exists' && !had)) return false;
      table(t.name).set(key, copy(item));
      return true;
    },
    async delete(t, key, condition) {
      const had = table(t.name).delete(key);
      return condition === 'exists' ? had : true;
    },
    async list(t, { prefix, cursor, limit }): Promise<TablePage> {
      const keys = [...table(t.name).keys()].filter((k) => k.startsWith(prefix) && (cursor === undefined || k > cursor)).sort();
      const page = keys.slice(0, limit);
      return { items: page.map((k) => copy(table(t.name).get(k)!)), ...(keys.length > limit ? { cursor: page[page.length - 1] } : {}) };
    },
  };
  return { driver, table };
}
