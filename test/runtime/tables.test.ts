/**
 * The table client's contract, on the in-memory tables of `sls-x/testing` (the semantics every
 * target's driver keeps): declarations and access, keys every target accepts, conditional writes,
 * prefix queries and scans with cursors, JSON round trips.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { table } from '../../src/runtime/index.js';
import { tableClient, tableKeyProblem } from '../../src/runtime/tables.js';
import { testResources, type TestResources } from '../../src/testing/index.js';

let res: TestResources | undefined;
afterEach(() => {
  res?.restore();
  res = undefined;
});

describe('table(name)', () => {
  it('put, get, conditional put and delete', async () => {
    res = testResources({ tables: { todos: 'readwrite' } });
    const todos = table<{ id: string; title: string; done?: boolean; tags?: string[] }>('todos');
    expect(await todos.get('t1')).toBeUndefined();
    expect(await todos.put({ id: 't1', title: 'write', tags: ['a'] })).toBe(true);
    expect(await todos.get('t1')).toEqual({ id: 't1', title: 'write', tags: ['a'] });
    expect(await todos.put({ id: 't1', title: 'again' }, { ifAbsent: true })).toBe(false);
    expect((await todos.get('t1'))!.title).toBe('write');
    expect(await todos.put({ id: 't2', title: 'new' }, { ifExists: true })).toBe(false);
    expect(await todos.get('t2')).toBeUndefined();
    expect(await todos.put({ id: 't1', title: 'updated', done: true }, { ifExists: true })).toBe(true);
    expect(await todos.get('t1')).toEqual({ id: 't1', title: 'updated', done: true });
    expect(await todos.delete('t1', { ifExists: true })).toBe(true);
    expect(await todos.delete('t1', { ifExists: true })).toBe(false);
    expect(await todos.delete('t1')).toBe(true);
    expect(res.items('todos').size).toBe(0);
  });

  it('stores what JSON keeps: undefined fields dropped, Dates as strings, the stored copy is not the caller\'s object', async () => {
    res = testResources({ tables: { todos: 'readwrite' } });
    const item: Record<string, unknown> = { id: 'x', when: new Date('2026-01-02T03:04:05Z'), skip: undefined, nested: { n: 1 } };
    await table('todos').put(item);
    (item.nested as { n: number }).n = 2;
    expect(await table('todos').get('x')).toEqual({ id: 'x', when: '2026-01-02T03:04:05.000Z', nested: { n: 1 } });
  });

  it('query by key prefix and scan, a page at a time in key order', async () => {
    res = testResources({ tables: { todos: { access: 'readwrite', key: 'pk' } } });
    const t = table<{ pk: string; n: number }>('todos');
    for (const [i, k] of ['u1:a', 'u2:a', 'u1:c', 'u1:b', 'u10:a'].entries()) await t.put({ pk: k, n: i });
    const first = await t.query({ prefix: 'u1:', limit: 2 });
    expect(first.items.map((i) => i.pk)).toEqual(['u1:a', 'u1:b']);
    const second = await t.query({ prefix: 'u1:', limit: 2, cursor: first.cursor! });
    expect(second).toEqual({ items: [{ pk: 'u1:c', n: 2 }] });
    const all: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await t.scan({ limit: 2, ...(cursor ? { cursor } : {}) });
      all.push(...page.items.map((x) => x.pk));
      cursor = page.cursor;
      if (!cursor) break;
    }
    expect(all).toEqual(['u10:a', 'u1:a', 'u1:b', 'u1:c', 'u2:a']); // code-unit order: '0' < ':'
  });

  it('holds the declarations: undeclared, read-only, write-only', async () => {
    res = testResources({ tables: { todos: 'read', audit: 'write' } });
    await expect(table('nope').get('a')).rejects.toThrow("table 'nope' is not declared for this function: add `{ name: nope, access: readwrite }` to `tables:`");
    await expect(table('todos').put({ id: 'a' })).rejects.toThrow("table 'todos' is declared with access: read, so it cannot be written");
    await expect(table('audit').get('a')).rejects.toThrow("table 'audit' is declared with access: write, so it cannot be read");
    expect(await table('audit').put({ id: 'a' })).toBe(true);
  });

  it('refuses keys and items no target takes, before any call', async () => {
    res = testResources({ tables: { todos: 'readwrite' } });
    const t = table('todos');
    await expect(t.put({ title: 'no id' })).rejects.toThrow("table 'todos': a key is a non-empty string");
    await expect(t.put({ id: 42 })).rejects.toThrow('a key is a non-empty string');
    await expect(t.get('a/b')).rejects.toThrow('may not contain `/`');
    await expect(t.put({ id: 'x', big: 'x'.repeat(400 * 1024) })).rejects.toThrow(/items are at most 358400/);
    await expect(t.put([] as never)).rejects.toThrow('an item is a JSON object');
    await expect(t.put({ id: 'a' }, { ifAbsent: true, ifExists: true })).rejects.toThrow('not both');
    expect(res.items('todos').size).toBe(0);
  });

  it('refuses items some target cannot store, so what works on local works everywhere', async () => {
    res = testResources({ tables: { todos: 'readwrite' } });
    const t = table('todos');
    await expect(t.put({ id: 'a', grid: [[1, 2], [3]] })).rejects.toThrow("item 'a': grid[0] is an array inside an array, which Firestore cannot store");
    await expect(t.put({ id: 'b', meta: { __name__: 1 } })).rejects.toThrow('the field name "__name__" (in meta) is not stored on every target');
    await expect(t.put(JSON.parse('{"id":"c","__proto__":{"x":1}}'))).rejects.toThrow('the field name "__proto__" is not stored on every target');
    await expect(t.put({ id: 'd', '': 1 })).rejects.toThrow('the field name "" is not stored on every target');
    expect(await t.put({ id: 'e', rows: [{ cells: [1, 2] }, [] as never].slice(0, 1), _ok: true })).toBe(true);
    expect(res.items('todos').size).toBe(1);
  });

  it('key rules', () => {
    expect(tableKeyProblem('user-1:todo-2')).toBeUndefined();
    expect(tableKeyProblem('é'.repeat(257))).toMatch(/at most 512 bytes/);
    expect(tableKeyProblem('..')).toMatch(/may not be/);
    expect(tableKeyProblem('__x__')).toMatch(/may not be/);
    expect(tableKeyProblem('a\u0001')).toMatch(/control/);
  });

  it('an explicit environment is checked at once', () => {
    expect(() => tableClient('todos', { SLSX_TABLES: '{}' })).toThrow("table 'todos' is not declared");
    expect(tableClient('todos', { SLSX_TABLES: JSON.stringify({ todos: { name: 'shop-dev-todos', key: 'id', access: 'read' } }) }).name).toBe('todos');
  });
});
