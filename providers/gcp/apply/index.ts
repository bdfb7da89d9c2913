import type { Change } from '../../../src/core/resources.js';
import { SlsxError } from '../../../src/errors/slsx-error.js';
import { TYPES } from '../naming.js';
import type { Session } from '../session.js';
import { bindingApply } from './binding.js';
import { bucketApply } from './bucket.js';
import { applyContext, type ApplyContext, type ResourceApply } from './context.js';
import { functionApply } from './function.js';
import { jobApply } from './job.js';
import { serviceAccountApply } from './service-account.js';
import { subscriptionApply } from './subscription.js';
import { topicApply } from './topic.js';

const BY_TYPE: Record<string, ResourceApply> = {
  [TYPES.serviceAccount]: serviceAccountApply,
  [TYPES.function]: functionApply,
  [TYPES.binding]: bindingApply,
  [TYPES.topic]: topicApply,
  [TYPES.subscription]: subscriptionApply,
  [TYPES.job]: jobApply,
  [TYPES.bucket]: bucketApply,
};

/** Execute one change of a plan. Every operation is idempotent: re-running it converges. */
export async function applyChange(change: Change, session: Session): Promise<void> {
  const handler = BY_TYPE[change.type];
  if (!handler) throw new SlsxError('INTERNAL', `The gcp adapter cannot apply resources of type '${change.type}'.`);
  const c = applyContext(change, session);
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

async function replace(handler: ResourceApply, c: ApplyContext): Promise<void> {
  await handler.delete(c);
  await handler.create({ ...c, physicalId: undefined, before: {} });
}
