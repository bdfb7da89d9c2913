import { queue, type HttpHandler } from 'sls-x/runtime';
import { orderProblem, type Order } from './orders.js';

/** GET /orders/{id} and POST /orders. */
export const handler: HttpHandler = async (req, ctx) => {
  if (req.method === 'GET') {
    const id = req.pathParams.id;
    ctx.log.info('get order', { id });
    return { id, item: 'sample', quantity: 1, stage: process.env.STAGE };
  }
  let body: unknown;
  try {
    body = req.json();
  } catch {
    return { status: 400, body: { error: 'the body must be JSON' } };
  }
  const problem = orderProblem(body);
  if (problem) return { status: 400, body: { error: problem } };
  const order: Order = { id: ctx.requestId, ...(body as Omit<Order, 'id'>) };
  // The same call on every target: SQS, Storage queues, Pub/Sub or the local cloud's queue.
  await queue('orders').send(order, { attributes: { source: 'api' } });
  ctx.log.info('order accepted', { id: order.id });
  return { status: 202, body: order };
};
