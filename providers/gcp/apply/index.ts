import type { Change } from '../../../src/core/resources.js';
import { dispatchChange } from '../../../src/apply/dispatch.js';
import { TYPES } from '../naming.js';
import type { Session } from '../session.js';
import { bindingApply } from './binding.js';
import { bucketApply } from './bucket.js';
import { databaseApply } from './database.js';
import { applyContext, type ResourceApply } from './context.js';
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
  [TYPES.database]: databaseApply,
};

/** Execute one change of a plan. Every operation is idempotent: re-running it converges. */
export function applyChange(change: Change, session: Session): Promise<void> {
  return dispatchChange(change, BY_TYPE, (ch) => applyContext(ch, session), 'gcp');
}
