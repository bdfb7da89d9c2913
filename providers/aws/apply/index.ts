import type { Change } from '../../../src/core/resources.js';
import { SlsxError } from '../../../src/errors/slsx-error.js';
import { TYPES } from '../naming.js';
import type { Session } from '../session.js';
import { aliasApply } from './alias.js';
import { apiApply } from './api.js';
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
  [TYPES.scheduleGroup]: scheduleGroupApply,
  [TYPES.schedule]: scheduleApply,
  [TYPES.bucket]: bucketApply,
  [TYPES.notification]: notificationApply,
};

/** Execute one change of a plan. Every operation is idempotent: re-running it converges. */
export async function applyChange(change: Change, session: Session): Promise<void> {
  const handler = BY_TYPE[change.type];
  if (!handler) throw new SlsxError('INTERNAL', `The aws adapter cannot apply resources of type '${change.type}'.`);
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

async function replace(handler: ResourceApply, c: ReturnType<typeof applyContext>): Promise<void> {
  await handler.delete(c);
  await handler.create({ ...c, physicalId: undefined, before: {} });
}
