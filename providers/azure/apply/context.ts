import type { ResourceApply as CoreResourceApply } from '../../../src/apply/dispatch.js';
import type { Change, Props } from '../../../src/core/resources.js';
import { SlsxError } from '../../../src/errors/slsx-error.js';
import { resolve, tagsFor, type Session } from '../session.js';

/** What each resource's apply functions receive. */
export interface ApplyContext {
  change: Change;
  session: Session;
  /** Desired props, placeholders filled in (create/update/replace). */
  after: Props;
  /** Observed props, placeholders filled in (update/replace/delete). */
  before: Props;
  physicalId?: string;
  tags: Record<string, string>;
  rg: string;
}

/** One resource kind's idempotent operations. `update` defaults to delete + create when absent. */
export type ResourceApply = CoreResourceApply<ApplyContext>;

export function applyContext(change: Change, session: Session): ApplyContext {
  return {
    change,
    session,
    // Resolved lazily per call site would race with the identity's ids; resolve now and again after they are known.
    after: resolve(change.after ?? {}, session),
    before: resolve(change.before ?? {}, session),
    physicalId: change.physicalId === undefined ? undefined : resolve(change.physicalId, session),
    tags: tagsFor(session, change.id),
    rg: session.names.resourceGroup,
  };
}

export function notOurs(kind: string, name: string, hint: string): SlsxError {
  return new SlsxError('RESOURCE_CONFLICT', `The ${kind} '${name}' exists but does not carry this service and stage's tags.`, { hint });
}
