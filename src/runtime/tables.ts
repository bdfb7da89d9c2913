/**
 * The key-value table client: `table(name)` for a table declared in faas.yaml (`tables:`) and in
 * the function's `tables:`, the same calls on every target (DynamoDB, Azure Table Storage, a
 * Firestore collection, SQLite on local). Items are JSON objects; the table's `key` attribute (a
 * string) is each item's key. The physical table and the declared access come from the
 * function's environment (`SLSX_TABLES`), set at deploy; the cloud calls are made by the target's
 * driver (`ResourceDriver.table`), loaded on first use.
 */
import { dict } from './dict.js';
import { currentResourceEnv, resourceDriver, type ResourceEnv } from './resources.js';

/** A table item: a JSON object. */
export type TableItem = Record<string, unknown>;

export interface TablePage<T extends TableItem = TableItem> {
  items: T[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  cursor?: string;
}

export interface PutOptions {
  /** Write only if no item has this key; `put` resolves to `false` (nothing written) otherwise. */
  ifAbsent?: boolean;
  /** Write only if an item has this key already (an update); `false` otherwise. */
  ifExists?: boolean;
}

export interface TableClient<T extends TableItem = TableItem> {
  /** The faas.yaml name. */
  readonly name: string;
  /** The item with this key; `undefined` when there is none. */
  get(key: string): Promise<T | undefined>;
  /** Write (create or replace) an item; with a condition, `false` when it does not hold (nothing written). */
  put(item: T, options?: PutOptions): Promise<boolean>;
  /** Delete an item; `false` when there was none (with `ifExists`), else `true`. */
  delete(key: string, options?: { ifExists?: boolean }): Promise<boolean>;
  /** Items whose key starts with `prefix`, a page at a time (key order except on AWS). */
  query(options: { prefix: string; cursor?: string; limit?: number }): Promise<TablePage<T>>;
  /** Every item, a page at a time (key order except on AWS). */
  scan(options?: { cursor?: string; limit?: number }): Promise<TablePage<T>>;
}

/** A declared table: its faas.yaml name, its physical name, its key attribute and the declared access. */
export interface TableRef {
  name: string;
  physical: string;
  key: string;
  access?: 'read' | 'write' | 'readwrite';
}

/** What a target's driver does for the table client. Keys and items are checked before it is called. */
export interface TableDriver {
  get(table: TableRef, key: string): Promise<TableItem | undefined>;
  /** `condition`: write only if absent / only if it exists; resolves to whether it wrote. */
  put(table: TableRef, key: string, item: TableItem, condition: 'absent' | 'exists' | undefined): Promise<boolean>;
  /** Resolves to whether an item was there (`exists`: delete only then). */
  delete(table: TableRef, key: string, condition: 'exists' | undefined): Promise<boolean>;
  /** Items whose key starts with `prefix` ('' for all), after `cursor`, at most `limit`. */
  list(table: TableRef, options: { prefix: string; cursor?: string; limit: number }): Promise<TablePage>;
}

/** Most bytes of an item as JSON (DynamoDB's 400 KB item limit, less its attribute encoding). */
export const MAX_ITEM_BYTES = 350 * 1024;
/** Most UTF-8 bytes of a key (Azure Table Storage keys: 1 KiB; Firestore ids: 1,500 bytes). */
export const MAX_KEY_BYTES = 512;

/** Why `key` cannot be a key on every target, or undefined. */
export function tableKeyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string' || key === '') return 'a key is a non-empty string';
  if (new TextEncoder().encode(key).length > MAX_KEY_BYTES) return `a key is at most ${MAX_KEY_BYTES} bytes (UTF-8)`;
  // Azure Table Storage refuses / \ # ? and control characters in keys; Firestore refuses /, . and .. and __x__ ids.
  if (/[/\\#?\u0000-\u001f\u007f-\u009f]/.test(key)) return 'a key may not contain `/`, `\\`, `#`, `?` or control characters';
  if (key === '.' || key === '..' || /^__.*__$/.test(key)) return 'a key may not be `.`, `..` or `__name__`';
  return undefined;
}

/**
 * Why an item cannot be stored the same on every target, or undefined: Firestore refuses an array
 * directly inside an array and empty or `__name__` field names; the AWS SDK reads a `__proto__`
 * attribute back empty. Refused everywhere, so an item that works on local works on every cloud.
 */
export function tableItemProblem(value: unknown, path = ''): string | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (Array.isArray(value[i])) return `${path || 'the item'}[${i}] is an array inside an array, which Firestore cannot store: wrap it in an object`;
      const inner = tableItemProblem(value[i], `${path}[${i}]`);
      if (inner) return inner;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '' || k === '__proto__' || /^__.*__$/.test(k)) return `the field name ${JSON.stringify(k)}${path ? ` (in ${path})` : ''} is not stored on every target: rename it`;
      const inner = tableItemProblem(v, path ? `${path}.${k}` : k);
      if (inner) return inner;
    }
  }
  return undefined;
}

function check(name: string, key: unknown): string {
  const problem = tableKeyProblem(key);
  if (problem) throw new Error(`sls-x: table '${name}': ${problem} (got ${JSON.stringify(key)?.slice(0, 80)})`);
  return key as string;
}

function declared(name: string, env: ResourceEnv): TableRef {
  if (typeof name !== 'string' || !name) throw new TypeError("sls-x: table(name) needs the table's name from faas.yaml");
  let map: Record<string, { name?: unknown; key?: unknown; access?: unknown }> = dict();
  try {
    const parsed = JSON.parse(env.SLSX_TABLES ?? '{}') as unknown;
    if (parsed && typeof parsed === 'object') map = Object.assign(dict<{ name?: unknown; key?: unknown; access?: unknown }>(), parsed);
  } catch {
    // An unreadable map declares nothing.
  }
  const t = map[name];
  if (!t || typeof t.name !== 'string' || !t.name) {
    const fn = env.SLSX_FUNCTION_NAME ? ` of function '${env.SLSX_FUNCTION_NAME}'` : '';
    const known = Object.keys(map);
    throw new Error(`sls-x: table '${name}' is not declared for this function: add \`{ name: ${name}, access: readwrite }\` to \`tables:\`${fn} in faas.yaml and deploy again${known.length ? ` (declared: ${known.join(', ')})` : ''}`);
  }
  const access = t.access === 'read' || t.access === 'write' || t.access === 'readwrite' ? t.access : undefined;
  return { name, physical: t.name, key: typeof t.key === 'string' && t.key ? t.key : 'id', ...(access ? { access } : {}) };
}

function driver(name: string): TableDriver {
  const d = resourceDriver().table;
  if (!d) throw new Error(`sls-x: table '${name}': this target has no table driver`);
  return d;
}

function pageSize(limit: number | undefined): number {
  return Math.min(1000, Math.max(1, Math.floor(limit ?? 100)));
}

/** A client for the table `name` declared in this function's `tables:`. */
export function tableClient<T extends TableItem = TableItem>(name: string, env?: ResourceEnv): TableClient<T> {
  const fixed = env ? declared(name, env) : undefined;
  let own: TableRef | undefined;
  const resolve = (): TableRef => {
    if (fixed) return fixed;
    const scoped = currentResourceEnv();
    if (scoped) return declared(name, scoped);
    return (own ??= declared(name, process.env));
  };
  const can = (what: 'read' | 'write'): TableRef => {
    const ref = resolve();
    if (ref.access && ref.access !== 'readwrite' && ref.access !== what) {
      throw new Error(`sls-x: table '${name}' is declared with access: ${ref.access}, so it cannot ${what === 'write' ? 'be written' : 'be read'}: declare access: readwrite (or ${what}) under \`tables:\` in faas.yaml`);
    }
    return ref;
  };
  return {
    name,
    async get(key) {
      const ref = can('read');
      return (await driver(name).get(ref, check(name, key))) as T | undefined;
    },
    async put(item, options = {}) {
      const ref = can('write');
      if (!item || typeof item !== 'object' || Array.isArray(item)) throw new TypeError(`sls-x: table '${name}': an item is a JSON object`);
      const key = check(name, (item as TableItem)[ref.key]);
      if (options.ifAbsent && options.ifExists) throw new TypeError(`sls-x: table '${name}': put takes ifAbsent or ifExists, not both`);
      // A JSON round trip: what is stored is what get returns (no undefined, no Dates, no functions).
      const json = JSON.stringify(item);
      const portable = tableItemProblem(JSON.parse(json));
      if (portable) throw new TypeError(`sls-x: table '${name}': item '${key}': ${portable}`);
      const size = new TextEncoder().encode(json).length;
      if (size > MAX_ITEM_BYTES) throw new RangeError(`sls-x: table '${name}': item '${key}' is ${size} bytes as JSON; items are at most ${MAX_ITEM_BYTES}`);
      return driver(name).put(ref, key, JSON.parse(json) as TableItem, options.ifAbsent ? 'absent' : options.ifExists ? 'exists' : undefined);
    },
    async delete(key, options = {}) {
      const ref = can('write');
      return driver(name).delete(ref, check(name, key), options.ifExists ? 'exists' : undefined);
    },
    async query(options) {
      const ref = can('read');
      if (typeof options?.prefix !== 'string') throw new TypeError(`sls-x: table '${name}': query needs a prefix (scan lists every item)`);
      return (await driver(name).list(ref, { prefix: options.prefix, ...(options.cursor ? { cursor: options.cursor } : {}), limit: pageSize(options.limit) })) as TablePage<T>;
    },
    async scan(options = {}) {
      const ref = can('read');
      return (await driver(name).list(ref, { prefix: '', ...(options.cursor ? { cursor: options.cursor } : {}), limit: pageSize(options.limit) })) as TablePage<T>;
    },
  };
}
