import { bucket, type QueueHandler } from 'sls-x/runtime';
import { orderProblem, type Order } from './orders.js';

const receipts = bucket('receipts');

/**
 * Processes a batch of orders: writes a receipt per order to the `receipts` bucket. Bad
 * messages are reported in `failed`, so only they are retried; after `maxRetries` they move to
 * the dead-letter queue. The rest of the batch is done.
 */
export const handler: QueueHandler = async (messages, ctx) => {
  const failed: string[] = [];
  for (const msg of messages) {
    let order: Order;
    try {
      order = msg.json<Order>();
    } catch {
      failed.push(msg.id);
      continue;
    }
    const problem = orderProblem(order);
    if (problem) {
      ctx.log.warn('rejecting order', { id: msg.id, attempt: msg.attempt, problem });
      failed.push(msg.id);
      continue;
    }
    await receipts.put(`receipts/${order.id}.json`, { order, processedAt: new Date().toISOString(), attempt: msg.attempt });
    ctx.log.info('order processed', { id: order.id, item: order.item, quantity: order.quantity });
  }
  return { failed };
};
