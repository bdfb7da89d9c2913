import { createQueueMessage } from '../runtime/queue.js';
import type { QueueMessage } from '../runtime/index.js';
import { installResourceDriver, type ObjectInfo, type ResourceDriver } from '../runtime/resources.js';
import type { TableItem } from '../runtime/tables.js';
import { memoryTables } from './tables.js';

type Access = 'read' | 'write' | 'readwrite';

export interface TestResources {
  /** Messages sent to `queue`, in order, as its queue handler would receive them (plus the send's delay). */
  sent(queue: string): Array<QueueMessage & { delay?: number }>;
  /** The objects of `bucket` now: key to bytes. */
  objects(bucket: string): Map<string, Uint8Array>;
  /** Put an object before the handler runs (for a handler that reads it). */
  seed(bucket: string, key: string, data: string | Uint8Array, contentType?: string): void;
  /** The items of `table` now: key to item. */
  items(table: string): Map<string, TableItem>;
  /** Put an item before the handler runs (its key is the table's key attribute, `id` unless declared otherwise). */
  seedItem(table: string, item: TableItem): void;
  /** Undo: the environment and clients as they were. */
  restore(): void;
}

/**
 * In-memory queues, buckets and tables for `queue(name)` / `bucket(name)` / `table(name)` in a
 * unit test, declared as in faas.yaml (`queues` a function sends to; `buckets` and `tables` with
 * their access, a table also with its key attribute): an undeclared name or a write to a
 * read-only bucket or table fails as it would when deployed.
 *
 * ```ts
 * const res = testResources({ queues: ['orders'], buckets: { receipts: 'readwrite' } });
 * await callHttp(handler, { method: 'POST', path: '/orders', body: { id: 1 } });
 * expect(res.sent('orders')[0].json()).toEqual({ id: 1 });
 * res.restore();
 * ```
 */
export function testResources(declared: { queues?: string[]; buckets?: Record<string, Access>; tables?: Record<string, Access | { access?: Access; key?: string }> } = {}): TestResources {
  const saved = { SLSX_QUEUES: process.env.SLSX_QUEUES, SLSX_BUCKETS: process.env.SLSX_BUCKETS, SLSX_BUCKET_ACCESS: process.env.SLSX_BUCKET_ACCESS, SLSX_TABLES: process.env.SLSX_TABLES };
  const tableDecl = Object.fromEntries(Object.entries(declared.tables ?? {}).map(([n, t]) => [n, typeof t === 'string' ? { name: n, key: 'id', access: t } : { name: n, key: t.key ?? 'id', access: t.access ?? 'readwrite' }]));
  process.env.SLSX_TABLES = JSON.stringify(tableDecl);
  const memory = memoryTables();
  const previous = (globalThis as Record<symbol, unknown>)[Symbol.for('sls-x.resources')] as ResourceDriver | undefined;
  const queues = new Map<string, Array<QueueMessage & { delay?: number }>>();
  const buckets = new Map<string, Map<string, { data: Uint8Array; contentType?: string }>>();
  const names = (list: string[]) => JSON.stringify(Object.fromEntries(list.map((n) => [n, n])));
  process.env.SLSX_QUEUES = names(declared.queues ?? []);
  process.env.SLSX_BUCKETS = names(Object.keys(declared.buckets ?? {}));
  process.env.SLSX_BUCKET_ACCESS = JSON.stringify(declared.buckets ?? {});
  let n = 0;
  const bucket = (name: string) => {
    let b = buckets.get(name);
    if (!b) buckets.set(name, (b = new Map()));
    return b;
  };
  const info = (key: string, o: { data: Uint8Array; contentType?: string }): ObjectInfo => ({ key, size: o.data.length, ...(o.contentType ? { contentType: o.contentType } : {}) });
  installResourceDriver({
    maxBatch: 10,
    async sendBatch(queue, messages) {
      const list = queues.get(queue.name) ?? [];
      queues.set(queue.name, list);
      return messages.map((m) => {
        const id = `test-message-${++n}`;
        list.push(Object.assign(createQueueMessage({ id, body: m.body, attributes: m.attributes, enqueuedAt: Date.now() }), m.delay ? { delay: m.delay } : {}));
        return { id };
      });
    },
    async put(b, key, data, contentType) {
      bucket(b.name).set(key, { data, ...(contentType ? { contentType } : {}) });
      return { key, size: data.length, ...(contentType ? { contentType } : {}) };
    },
    async get(b, key) {
      const o = bucket(b.name).get(key);
      return o ? { ...info(key, o), data: o.data } : undefined;
    },
    async head(b, key) {
      const o = bucket(b.name).get(key);
      return o ? info(key, o) : undefined;
    },
    async delete(b, key) {
      bucket(b.name).delete(key);
    },
    async list(b, { prefix, cursor, limit }) {
      const keys = [...bucket(b.name).keys()].filter((k) => (!prefix || k.startsWith(prefix)) && (!cursor || k > cursor)).sort();
      const page = keys.slice(0, limit);
      return { objects: page.map((k) => info(k, bucket(b.name).get(k)!)), ...(keys.length > limit ? { cursor: page[page.length - 1] } : {}) };
    },
    async signedUrl(b, key, { method, expiresIn }) {
      return `https://test.invalid/${encodeURIComponent(b.name)}/${key.split('/').map(encodeURIComponent).join('/')}?method=${method}&expiresIn=${expiresIn}`;
    },
    table: memory.driver,
  });
  return {
    sent: (queue) => [...(queues.get(queue) ?? [])],
    objects: (name) => new Map([...bucket(name)].map(([k, o]) => [k, o.data])),
    seed(name, key, data, contentType) {
      bucket(name).set(key, { data: typeof data === 'string' ? new TextEncoder().encode(data) : data, ...(contentType ? { contentType } : {}) });
    },
    items: (name) => new Map([...memory.table(name)].map(([k, v]) => [k, JSON.parse(JSON.stringify(v)) as TableItem])),
    seedItem(name, item) {
      const keyAttr = tableDecl[name]?.key ?? 'id';
      memory.table(name).set(String(item[keyAttr]), JSON.parse(JSON.stringify(item)) as TableItem);
    },
    restore() {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      installResourceDriver(previous);
    },
  };
}
