/**
 * Key-value tables on the local cloud, end to end through the real CLI: `tables:` in faas.yaml,
 * `table(name)` in handlers, the local cloud's SQLite tables (one file per stage), the
 * declarations enforced by the client and again by the local cloud, `invoke --local` on the same
 * data, and validate's static check of table calls.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from './helpers.js';
import { runCli, type CliRun } from '../support/cli.js';
import { localPaths } from '../../providers/local/paths.js';

const cli = (argv: string[], cwd: string): Promise<CliRun> => runCli(argv, cwd, { env: { ...process.env, CI: '1' } });

const YAML = `
service: tabled
runtime: node20
targets:
  local: { port: 0, idleTimeout: 10m }
tables:
  todos: { key: id }
  audit: {}
functions:
  api:
    handler: src/api.handler
    tables: [ todos, { name: audit, access: write } ]
    events:
      - http: ANY /todos/{id}
      - http: GET /todos
  reader:
    handler: src/api.reader
    tables: [ { name: todos, access: read } ]
    events:
      - http: POST /reader
`;

const CODE = `
import { table, json } from 'sls-x/runtime';
const todos = table('todos');
export const handler = async (req) => {
  if (req.path === '/todos') {
    const page = await todos.query({ prefix: req.query.prefix ?? '', limit: Number(req.query.limit ?? 100), ...(req.query.cursor ? { cursor: req.query.cursor } : {}) });
    return json(200, page);
  }
  const id = req.pathParams.id;
  if (req.method === 'GET') {
    const item = await todos.get(id);
    return item ? json(200, item) : json(404, { error: 'no such todo' });
  }
  if (req.method === 'POST') {
    const written = await todos.put({ id, ...req.json() }, { ifAbsent: true });
    await table('audit').put({ id: 'created:' + id, at: 1 });
    return written ? json(201, { id }) : json(409, { error: 'exists' });
  }
  if (req.method === 'DELETE') return json(200, { deleted: await todos.delete(id, { ifExists: true }) });
  return json(405, {});
};
export const reader = async (req) => {
  const what = req.json();
  try {
    if (what.write) await table('todos').put({ id: 'sneaky' });
    if (what.audit) await table('audit').get('x');
    return json(200, { count: (await table('todos').scan()).items.length });
  } catch (err) {
    return json(403, { error: err.message });
  }
};
`;

describe('tables on the local target: table(name) through the CLI', () => {
  const project = tempProject({ 'faas.yaml': YAML, 'src/api.mjs': CODE });
  let url = '';
  beforeAll(async () => {
    const out = await cli(['deploy'], project.root);
    expect(out.stderr).not.toContain('INTERNAL');
    expect(out.code, out.stderr).toBe(0);
    url = /(http:\/\/127\.0\.0\.1:\d+)\/todos/.exec(out.stdout)?.[1] ?? '';
  }, 60_000);
  afterAll(async () => {
    await cli(['remove', '--yes'], project.root).catch(() => undefined);
    await project.cleanup();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('put if absent, get, query by prefix with a cursor, delete', async () => {
    expect(url).not.toBe('');
    expect(await call('POST', '/todos/u1:a', { title: 'first', tags: ['x'], n: 1.5 })).toEqual({ status: 201, body: { id: 'u1:a' } });
    expect((await call('POST', '/todos/u1:a', { title: 'again' })).status).toBe(409);
    for (const id of ['u1:b', 'u1:c', 'u2:a']) expect((await call('POST', `/todos/${id}`, { title: id })).status).toBe(201);
    expect(await call('GET', '/todos/u1:a')).toEqual({ status: 200, body: { id: 'u1:a', title: 'first', tags: ['x'], n: 1.5 } });
    const first = await call('GET', '/todos?prefix=u1:&limit=2');
    expect((first.body.items as Array<{ id: string }>).map((i) => i.id)).toEqual(['u1:a', 'u1:b']);
    const next = await call('GET', `/todos?prefix=u1:&limit=2&cursor=${encodeURIComponent(String(first.body.cursor))}`);
    expect(next.body).toEqual({ items: [{ id: 'u1:c', title: 'u1:c' }] });
    expect((await call('DELETE', '/todos/u2:a')).body).toEqual({ deleted: true });
    expect((await call('DELETE', '/todos/u2:a')).body).toEqual({ deleted: false });
    expect((await call('GET', '/todos/u2:a')).status).toBe(404);
    expect(existsSync(localPaths(project.root).tables)).toBe(true);
  });

  it('holds each function to its declarations', async () => {
    expect((await call('POST', '/reader', {})).body).toEqual({ count: 3 });
    expect((await call('POST', '/reader', { write: true })).body.error).toMatch(/table 'todos' is declared with access: read, so it cannot be written/);
    expect((await call('POST', '/reader', { audit: true })).body.error).toMatch(/table 'audit' is not declared for this function: add `\{ name: audit, access: readwrite \}` to `tables:` of function 'reader'/);
    expect((await call('GET', '/todos/sneaky')).status).toBe(404);
  });

  it('invoke --local reads the same table', async () => {
    const out = await cli(['invoke', 'reader', '--local', '--data', '{"body":"{}"}'], project.root);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('"count": 3');
  });

  it('validate points at a table call the function does not declare', async () => {
    project.write('src/extra.mjs', "import { table } from 'sls-x/runtime';\nexport const handler = async () => table('audit').get('x');\n");
    project.write('faas.yaml', YAML.replace('functions:\n', 'functions:\n  extra:\n    handler: src/extra.handler\n'));
    const out = await cli(['validate', '--json'], project.root);
    const body = JSON.parse(out.stdout) as { diagnostics: Array<{ code: string; message: string }> };
    // (reader shares src/api.mjs with api, whose table('audit') calls are warned about for reader too: the scan is per file.)
    expect(body.diagnostics.filter((d) => d.code === 'client-table-undeclared' && d.message.includes('`extra`')).map((d) => d.message)).toEqual([
      '`src/extra.mjs:2:36` uses table `audit`, but function `extra` does not declare it in `tables:`.',
    ]);
  });
});
