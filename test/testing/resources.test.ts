import { afterEach, describe, expect, it } from 'vitest';
import { bucket, json, queue, type HttpRequest } from '../../src/runtime/index.js';
import { callHttp, testResources, type TestResources } from '../../src/testing/index.js';

// A handler as a user writes it: sends an order, stores a receipt, reads a price list.
const handler = async (req: HttpRequest) => {
  const order = req.json<{ id: string; item: string }>();
  const prices = (await bucket('receipts').get('prices.json'))?.json<Record<string, number>>() ?? {};
  await queue('orders').send(order, { attributes: { source: 'api' }, delay: 5 });
  await bucket('receipts').put(`receipts/${order.id}.json`, { ...order, price: prices[order.item] ?? 0 });
  return json(201, { id: order.id });
};

describe('sls-x/testing: in-memory queues and buckets for the clients', () => {
  let res: TestResources | undefined;
  afterEach(() => res?.restore());

  it('a handler that sends and stores runs in a unit test; what it sent and stored is there to check', async () => {
    res = testResources({ queues: ['orders'], buckets: { receipts: 'readwrite' } });
    res.seed('receipts', 'prices.json', JSON.stringify({ book: 12 }));
    const out = await callHttp(handler, { method: 'POST', path: '/orders', body: { id: 'o1', item: 'book' } });
    expect(out.status).toBe(201);
    const [sent] = res.sent('orders');
    expect(sent!.json()).toEqual({ id: 'o1', item: 'book' });
    expect(sent!.attributes).toEqual({ source: 'api' });
    expect(sent!.delay).toBe(5);
    expect(JSON.parse(new TextDecoder().decode(res.objects('receipts').get('receipts/o1.json')))).toEqual({ id: 'o1', item: 'book', price: 12 });
  });

  it('declarations hold as when deployed: an undeclared queue and a read-only bucket fail the handler', async () => {
    res = testResources({ queues: [], buckets: { receipts: 'read' } });
    const out = await callHttp(handler, { method: 'POST', path: '/orders', body: { id: 'o2', item: 'pen' } });
    expect(out.status).toBe(500);
    await expect(queue('orders').send('x')).rejects.toThrow("queue 'orders' is not declared for this function");
    expect(res.sent('orders')).toEqual([]);
    res.restore();
    res = testResources({ queues: ['orders'], buckets: { receipts: 'read' } });
    const ro = await callHttp(handler, { method: 'POST', path: '/orders', body: { id: 'o3', item: 'pen' } });
    expect(ro.status).toBe(500);
    await expect(bucket('receipts').put('x', 'y')).rejects.toThrow("bucket 'receipts' is declared with access: read");
    expect(res.objects('receipts').size).toBe(0);
  });

  it('restore() puts the environment back', () => {
    const before = process.env.SLSX_QUEUES;
    testResources({ queues: ['x'] }).restore();
    expect(process.env.SLSX_QUEUES).toBe(before);
  });
});
