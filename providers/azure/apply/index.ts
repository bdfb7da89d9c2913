import type { Change } from '../../../src/core/resources.js';
import { dispatchChange } from '../../../src/apply/dispatch.js';
import { TYPES } from '../naming.js';
import type { Session } from '../session.js';
import { appPackageApply } from './app-package.js';
import { applyContext, type ResourceApply } from './context.js';
import { eventSubscriptionApply, systemTopicApply } from './event-grid.js';
import { flexPlanApply } from './flex-plan.js';
import { functionAppApply } from './function-app.js';
import { identityApply } from './identity.js';
import { insightsApply, workspaceApply } from './monitor.js';
import { resourceGroupApply } from './resource-group.js';
import { roleAssignmentApply } from './role-assignment.js';
import { containerApply, queueApply, storageAccountApply, tableApply } from './storage.js';

const BY_TYPE: Record<string, ResourceApply> = {
  [TYPES.resourceGroup]: resourceGroupApply,
  [TYPES.storageAccount]: storageAccountApply,
  [TYPES.container]: containerApply,
  [TYPES.queue]: queueApply,
  [TYPES.table]: tableApply,
  [TYPES.identity]: identityApply,
  [TYPES.roleAssignment]: roleAssignmentApply,
  [TYPES.plan]: flexPlanApply,
  [TYPES.app]: functionAppApply,
  [TYPES.code]: appPackageApply,
  [TYPES.systemTopic]: systemTopicApply,
  [TYPES.eventSubscription]: eventSubscriptionApply,
  [TYPES.workspace]: workspaceApply,
  [TYPES.insights]: insightsApply,
};

/** Execute one change of a plan. Every operation is idempotent: re-running it converges. */
export function applyChange(change: Change, session: Session): Promise<void> {
  return dispatchChange(change, BY_TYPE, (ch) => applyContext(ch, session), 'azure');
}
