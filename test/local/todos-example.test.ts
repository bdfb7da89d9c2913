/**
 * examples/todos on the local cloud, end to end (issue 11.6): HTTP routes behind a JWT authorizer
 * (a loopback OpenID provider with real keys), a key-value table holding each user's todos under
 * `<user>:<id>` keys. Two users never see each other's todos; no token, no access.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startIssuer, type TestIssuer } from '../support/jwks.js';

const root = mkdtempSync(join(tmpdir(), 'slsx-todos-local-'));
let idp: TestIssuer;
const cli = (argv: string[]) => runCli(argv, root, { env: { ...process.env, CI: '1', TODOS_ISSUER: idp.issuer, TODOS_AUDIENCE: 'todos-api' } });

describe('examples/todos on local: JWT-protected routes over a table', () => {
  let url = '';
  beforeAll(async () => {
    idp = await startIssuer();
    cpSync(resolve(import.meta.dirname, '../../examples/todos'), root, { recursive: true });
    writeFileSync(join(root, 'faas.yaml'), readFileSync(join(root, 'faas.yaml'), 'utf8').replace('targets:\n', 'targets:\n  local: { port: 0 }\n'));
    const out = await cli(['deploy']);
    expect(out.stderr).not.toContain('INTERNAL');
    expect(out.code, out.stderr + out.stdout).toBe(0);
    url = /(http:\/\/127\.0\.0\.1:\d+)\/todos\b/.exec(out.stdout)?.[1] ?? '';
  }, 90_000);
  afterAll(async () => {
    await cli(['remove', '--yes']).catch(() => undefined);
    await idp?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const as = (sub: string | undefined) => async (method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { ...(sub ? { authorization: `Bearer ${idp.token({ sub, aud: 'todos-api' })}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const res = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  it('a user creates, lists, updates and deletes their todos', async () => {
    const alice = as('auth0|alice');
    const created = await alice('POST', '/todos', { title: 'write docs' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'write docs', done: false });
    const id = created.body!.id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await alice('POST', '/todos', { title: 'ship it' });
    expect((await alice('GET', '/todos')).body!.items.map((t: { title: string }) => t.title).sort()).toEqual(['ship it', 'write docs']);
    expect((await alice('PUT', `/todos/${id}`, { done: true })).body).toMatchObject({ id, done: true });
    expect((await alice('GET', `/todos/${id}`)).body).toMatchObject({ id, title: 'write docs', done: true });
    expect((await alice('DELETE', `/todos/${id}`)).status).toBe(204);
    expect((await alice('GET', `/todos/${id}`)).status).toBe(404);
    expect((await alice('POST', '/todos', { title: '' })).status).toBe(400);
  });

  it('users are isolated by their token subject, and no token gets 401', async () => {
    const bob = as('bob');
    const mine = await bob('POST', '/todos', { title: "bob's" });
    expect(mine.status).toBe(201);
    const bobs = (await bob('GET', '/todos')).body!.items;
    expect(bobs.map((t: { title: string }) => t.title)).toEqual(["bob's"]);
    // Alice cannot read bob's todo by id.
    expect((await as('auth0|alice')('GET', `/todos/${mine.body!.id}`)).status).toBe(404);
    expect((await as(undefined)('GET', '/todos')).status).toBe(401);
    const wrongAudience = await fetch(`${url}/todos`, { headers: { authorization: `Bearer ${idp.token({ sub: 'bob', aud: 'other-api' })}` } });
    expect(wrongAudience.status).toBe(401);
  });
});
