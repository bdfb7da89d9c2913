/** The order model shared by the API and the worker. */
export interface Order {
  id: string;
  item: string;
  quantity: number;
}

/** Checks an order sent by a client; returns the problem, or undefined when it is fine. */
export function orderProblem(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return 'the body must be a JSON object';
  const o = input as Record<string, unknown>;
  if (typeof o.item !== 'string' || o.item.length === 0) return '`item` must be a non-empty string';
  if (typeof o.quantity !== 'number' || !Number.isInteger(o.quantity) || o.quantity < 1) return '`quantity` must be a positive integer';
  return undefined;
}
