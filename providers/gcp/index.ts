import type { Adapter } from '../../src/core/adapter.js';
import { applyChange } from './apply/index.js';
import { desired } from './desired.js';
import { observeAll } from './observe.js';
import { gcpOutputs } from './outputs.js';
import { gcpScope } from './preflight.js';
import { sessionFor, sessionOf } from './session.js';
import { validateGcp } from './validate.js';
import { gcpInvocations, gcpInvoke, gcpLogs } from './operations.js';
import { acquireLock, gcpBreakLock, gcpLockInfo } from './lock.js';
import { gcpDeadLetters, gcpRedrive } from './dead-letters.js';
import { gcpForceColdStart } from './coldstart.js';

/**
 * The gcp target: Cloud Functions (2nd gen) with Pub/Sub topics, Cloud Scheduler jobs,
 * Cloud Storage buckets (Eventarc triggers) and one service account per function, deployed
 * straight through Google's client libraries (no Deployment Manager, no Terraform). SDK
 * modules are imported lazily when a command first needs the cloud, so loading this file costs nothing.
 */
export const adapter: Adapter = {
  target: 'gcp',
  validate: validateGcp,
  scope: gcpScope,
  async observe(scope, ctx) {
    return observeAll(await sessionFor(scope, ctx));
  },
  desired,
  async apply(change, ctx) {
    return applyChange(change, sessionOf(ctx));
  },
  async outputs(service, scope, ctx) {
    return gcpOutputs(service, await sessionFor(scope, ctx));
  },
  async lock(scope, ctx) {
    return acquireLock(await sessionFor(scope, ctx), ctx);
  },
  async lockInfo(scope, ctx) {
    return gcpLockInfo(await sessionFor(scope, ctx), ctx);
  },
  async breakLock(scope, ctx) {
    await gcpBreakLock(await sessionFor(scope, ctx));
  },
  invoke: gcpInvoke,
  logs: gcpLogs,
  invocations: gcpInvocations,
  forceColdStart: gcpForceColdStart,
  deadLetters: gcpDeadLetters,
  redrive: gcpRedrive,
};
