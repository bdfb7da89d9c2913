import type { Adapter, AdapterContext } from '../../src/core/adapter.js';
import type { Scope } from '../../src/core/resources.js';
import { applyChange } from './apply/index.js';
import { desired } from './desired.js';
import { observeAll } from './observe.js';
import { azureOutputs } from './outputs.js';
import { azureScope } from './preflight.js';
import { openSession, sessionOf } from './session.js';
import { validateAzure } from './validate.js';
import { azureInvoke } from './operations.js';
import { azureForceColdStart } from './coldstart.js';
import { acquireLock, azureBreakLock, azureLockInfo } from './lock.js';
import { azureLogs } from './logs.js';
import { azureDeadLetters, azureRedrive } from './dead-letters.js';

async function sessionFor(scope: Scope, ctx: AdapterContext) {
  return openSession(ctx, scope);
}

/**
 * The azure target: one Flex Consumption Function App per service and stage, with its storage
 * account (queues, containers, package), a user-assigned managed identity granted exactly what
 * the functions use, and Event Grid for storage events; straight through the Azure Resource
 * Manager SDKs (no ARM templates, no Bicep). SDKs are imported lazily inside each call.
 */
export const adapter: Adapter = {
  target: 'azure',
  validate: validateAzure,
  scope: azureScope,
  async observe(scope, ctx) {
    return observeAll(await sessionFor(scope, ctx));
  },
  desired,
  async apply(change, ctx) {
    return applyChange(change, sessionOf(ctx));
  },
  async outputs(service, scope, ctx) {
    return azureOutputs(service, await sessionFor(scope, ctx));
  },
  async lock(scope, ctx) {
    return acquireLock(await sessionFor(scope, ctx), ctx);
  },
  async lockInfo(scope, ctx) {
    return azureLockInfo(await sessionFor(scope, ctx));
  },
  async breakLock(scope, ctx) {
    await azureBreakLock(await sessionFor(scope, ctx));
  },
  invoke: azureInvoke,
  logs: azureLogs,
  forceColdStart: azureForceColdStart,
  deadLetters: azureDeadLetters,
  redrive: azureRedrive,
};
