import type { Change, Props } from '../core/resources.js';
import type { TargetName } from '../model/service.js';
import { SlsxError } from '../errors/slsx-error.js';

/**
 * What a replace needs from an adapter's apply context: the create half must start from nothing
 * (no physical id, nothing observed), whatever else the target's context carries.
 */
export interface ReplaceableContext {
  physicalId?: string;
  before: Props;
}

/**
 * One resource kind's idempotent operations, over a target's own apply context `C`.
 * `update` is optional: without it an update is a replace (delete, then create).
 */
export interface ResourceApply<C> {
  create(c: C): Promise<void>;
  update?(c: C): Promise<void>;
  delete(c: C): Promise<void>;
}

/**
 * Execute one change of a plan through the handler registered for its type. The context is
 * built once per change by `makeContext` (the adapter resolves placeholders there). A type with
 * no handler is our bug, not the user's: it fails as INTERNAL naming the target.
 */
export async function dispatchChange<C extends ReplaceableContext>(
  change: Change,
  handlers: Readonly<Record<string, ResourceApply<C>>>,
  makeContext: (change: Change) => C,
  target: TargetName,
): Promise<void> {
  // Own keys only: a type such as `constructor` must not find Object.prototype's.
  const handler = Object.hasOwn(handlers, change.type) ? handlers[change.type] : undefined;
  if (!handler) throw new SlsxError('INTERNAL', `The ${target} adapter cannot apply resources of type '${change.type}'.`);
  const c = makeContext(change);
  switch (change.action) {
    case 'noop':
      return;
    case 'create':
      return handler.create(c);
    case 'update':
      return handler.update ? handler.update(c) : replace(handler, c);
    case 'replace':
      return replace(handler, c);
    case 'delete':
      return handler.delete(c);
  }
}

/** Delete, then create from scratch: the new resource must not inherit the old one's id or state. */
async function replace<C extends ReplaceableContext>(handler: ResourceApply<C>, c: C): Promise<void> {
  await handler.delete(c);
  await handler.create({ ...c, physicalId: undefined, before: {} });
}
