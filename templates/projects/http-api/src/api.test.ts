import { describe, expect, it } from 'vitest';
import { callHttp, httpRequest, testContext } from 'sls-x/testing';
import { handler } from './api.js';

describe('api', () => {
  it('says hello', async () => {
    const res = await callHttp(handler, { method: 'GET', path: '/hello' });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ message: 'hello from test on local' });
  });

  it('creates an item and logs it', async () => {
    const ctx = testContext();
    const res = await callHttp(handler, httpRequest({ method: 'POST', path: '/items', body: { name: 'pen' } }), ctx);
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({ name: 'pen' });
    expect(ctx.logs).toContainEqual(expect.objectContaining({ level: 'info', msg: 'item created' }));
  });

  it('refuses an item without a name', async () => {
    const res = await callHttp(handler, { method: 'POST', path: '/items', body: {} });
    expect(res.status).toBe(400);
  });
});
