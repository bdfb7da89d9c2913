import type { Change } from '../../../src/core/resources.js';
import { SlsxError } from '../../../src/errors/slsx-error.js';
import { TYPES } from '../naming.js';
import type { Session } from '../session.js';
import { appPackageApply } from './app-package.js';
import { applyContext, type ApplyContext, type ResourceApply } from './context.js';
import { eventSubscriptionApply, systemTopicApply } from './event-grid.js';
import { flexPlanApply } from './flex-plan.js';
import { functionAppApply } from './function-app.js';
import { identityApply } from './identity.js';
import { insightsApply, workspaceApply } from './monitor.js';
import { resourceGroupApply } from './resource-group.js';
import { roleAssignmentApply } from './role-assignment.js';
import { containerApply, queueApply, storageAccountApply } from './storage.js';

const BY_TYPE: Record<string, ResourceApply> = {
  [TYPES.resourceGroup]: resourceGroupApply,
  [TYPES.storageAccount]: storageAccountApply,
  [TYPES.container]: containerApply,
  [TYPES.queue]: queueApply,
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
export async function applyChange(change: Change, session: Session): Promise<void> {
  const handler = BY_TYPE[change.type];
  if (!handler) throw new SlsxError('INTERNAL', `The azure adapter cannot apply resources of type '${change.type}'.`);
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
