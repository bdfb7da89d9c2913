import { randomUUID } from 'node:crypto';
import { json, table, type HttpHandler } from 'sls-x/runtime';

export interface Todo {
  id: string;
  title: string;
  done: boolean;
  createdAt: string;
}

const todos = table<Todo>('todos');

/** Keys are `<user>:<todo id>`: the user part is the token's subject, URL-encoded so it holds no `/` or `#`. */
const keyOf = (user: string, id: string) => `${encodeURIComponent(user)}:${id}`;
const publicId = (key: string) => key.slice(key.indexOf(':') + 1);
const view = (t: Todo) => ({ ...t, id: publicId(t.id) });

/**
 * GET /todos (the caller's, `?cursor=` for the next page), POST /todos, and GET, PUT, DELETE
 * /todos/{id}. Every route requires a valid token (faas.yaml `auth.jwt`): `req.auth` is there.
 */
export const handler: HttpHandler = async (req) => {
  const user = String(req.auth?.claims.sub ?? '');
  if (!user) return json(401, { error: 'the token has no subject' });
  const id = req.pathParams.id;

  if (!id) {
    if (req.method === 'GET') {
      const page = await todos.query({ prefix: keyOf(user, ''), limit: 50, ...(req.query.cursor ? { cursor: req.query.cursor } : {}) });
      return json(200, { items: page.items.map(view), ...(page.cursor ? { cursor: page.cursor } : {}) });
    }
    const body = parse(req.body);
    if (typeof body?.title !== 'string' || !body.title.trim()) return json(400, { error: '`title` must be a non-empty string' });
    const todo: Todo = { id: keyOf(user, randomUUID()), title: body.title.trim(), done: false, createdAt: new Date().toISOString() };
    await todos.put(todo, { ifAbsent: true });
    return json(201, view(todo));
  }

  if (!/^[0-9a-f-]{36}$/.test(id)) return json(404, { error: 'no such todo' });
  const key = keyOf(user, id);
  switch (req.method) {
    case 'GET': {
      const todo = await todos.get(key);
      return todo ? json(200, view(todo)) : json(404, { error: 'no such todo' });
    }
    case 'PUT': {
      const body = parse(req.body);
      const current = await todos.get(key);
      if (!current) return json(404, { error: 'no such todo' });
      const next: Todo = { ...current, ...(typeof body?.title === 'string' ? { title: body.title } : {}), ...(typeof body?.done === 'boolean' ? { done: body.done } : {}) };
      return (await todos.put(next, { ifExists: true })) ? json(200, view(next)) : json(404, { error: 'no such todo' });
    }
    case 'DELETE':
      return (await todos.delete(key, { ifExists: true })) ? { status: 204 } : json(404, { error: 'no such todo' });
    default:
      return json(405, { error: `${req.method} is not allowed` });
  }
};

function parse(body: string | undefined): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(body ?? '') as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
