import type { HttpHandler, HttpRequest, HttpResponse } from 'sls-x/runtime';

interface NewItem {
  name: string;
}

/** One function serves every route of this API: it dispatches on the route it was called for. */
export const handler: HttpHandler = async (req: HttpRequest, ctx): Promise<HttpResponse | unknown> => {
  if (req.method === 'GET' && req.path === '/hello') {
    // A plain object is answered as 200 JSON.
    return { message: `hello from ${ctx.functionName} on ${ctx.target}`, coldStart: ctx.coldStart };
  }
  if (req.method === 'GET' && req.pathParams.id) {
    return { id: req.pathParams.id, name: `item ${req.pathParams.id}` };
  }
  if (req.method === 'POST') {
    const item = req.json<NewItem>();
    if (!item || typeof item.name !== 'string') return { status: 400, body: { error: '`name` is required' } };
    ctx.log.info('item created', { name: item.name });
    return { status: 201, body: { id: ctx.requestId, name: item.name } };
  }
  return { status: 404, body: { error: 'not found' } };
};
