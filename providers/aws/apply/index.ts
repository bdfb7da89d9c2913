import type { Change } from '../../../src/core/resources.js';
import { dispatchChange } from '../../../src/apply/dispatch.js';
import { TYPES } from '../naming.js';
import type { Session } from '../session.js';
import { aliasApply } from './alias.js';
import { apiApply } from './api.js';
import { authorizerApply } from './authorizer.js';
import { bucketApply } from './bucket.js';
import { applyContext, type ResourceApply } from './context.js';
import { functionApply } from './function.js';
import { integrationApply } from './integration.js';
import { logGroupApply } from './log-group.js';
import { mappingApply } from './mapping.js';
import { notificationApply } from './notification.js';
import { permissionApply } from './permission.js';
import { queueApply } from './queue.js';
import { roleApply } from './role.js';
import { routeApply } from './route.js';
import { scheduleApply, scheduleGroupApply } from './schedule.js';
import { tableApply } from './table.js';

const BY_TYPE: Record<string, ResourceApply> = {
  [TYPES.role]: roleApply,
  [TYPES.logGroup]: logGroupApply,
  [TYPES.function]: functionApply,
  [TYPES.alias]: aliasApply,
  [TYPES.permission]: permissionApply,
  [TYPES.mapping]: mappingApply,
  [TYPES.queue]: queueApply,
  [TYPES.api]: apiApply,
  [TYPES.integration]: integrationApply,
  [TYPES.route]: routeApply,
  [TYPES.authorizer]: authorizerApply,
  [TYPES.scheduleGroup]: scheduleGroupApply,
  [TYPES.schedule]: scheduleApply,
  [TYPES.bucket]: bucketApply,
  [TYPES.notification]: notificationApply,
  [TYPES.table]: tableApply,
};

/** Execute one change of a plan. Every operation is idempotent: re-running it converges. */
export function applyChange(change: Change, session: Session): Promise<void> {
  return dispatchChange(change, BY_TYPE, (ch) => applyContext(ch, session), 'aws');
}
