import type { Adapter, AdapterContext } from '../../src/core/adapter.js';
import type { Scope } from '../../src/core/resources.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { applyChange } from './apply/index.js';
import { desired } from './desired.js';
import { observeAll } from './observe.js';
import { awsOutputs } from './outputs.js';
import { awsScope } from './preflight.js';
import { openSession, sessionOf } from './session.js';
import { validateAws } from './validate.js';
import { acquireLock, awsBreakLock, awsLockInfo } from './lock.js';
import { call } from './errors.js';
import { awsForceColdStart, awsInvocations, awsInvoke, awsLogs } from './operations.js';
import { awsDeadLetters, awsRedrive } from './dead-letters.js';

function regionOf(scope: Scope): Scope & { region: string } {
  if (!scope.region) throw new SlsxError('INTERNAL', 'aws scope without a region.');
  return scope as Scope & { region: string };
}

async function sessionFor(scope: Scope, ctx: AdapterContext) {
  return openSession(ctx, regionOf(scope), scope.account);
}

/**
 * The aws target: Lambda + API Gateway HTTP API + SQS + EventBridge Scheduler + S3
 * notifications, deployed straight through the AWS SDK v3 (no CloudFormation). SDK modules
 * are imported lazily inside each call, so loading this file costs nothing.
 */
export const adapter: Adapter = {
  target: 'aws',
  validate: validateAws,
  scope: awsScope,
  async observe(scope, ctx) {
    return observeAll(await sessionFor(scope, ctx));
  },
  desired,
  async apply(change, ctx) {
    return applyChange(change, sessionOf(ctx));
  },
  async outputs(service, scope, ctx) {
    return awsOutputs(service, await sessionFor(scope, ctx));
  },
  async lock(scope, ctx) {
    const session = await sessionFor(scope, ctx);
    // The lock lives in the account the credentials are for: check it is the plan's before writing anything.
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const identity = await call('sts:GetCallerIdentity', () => session.clients.sts.send(new GetCallerIdentityCommand({})));
    if (scope.account && identity.Account !== scope.account) {
      throw new SlsxError('PLAN_STALE', `The plan is for AWS account ${scope.account}, but the credentials in use are for account ${identity.Account}.`, {
        hint: 'Switch credentials (AWS_PROFILE) to the plan\'s account, or make a new plan.',
      });
    }
    session.account = identity.Account as string;
    return acquireLock(session, ctx);
  },
  async lockInfo(scope, ctx) {
    return awsLockInfo(await sessionFor(scope, ctx), ctx);
  },
  async breakLock(scope, ctx) {
    await awsBreakLock(await sessionFor(scope, ctx));
  },
  invoke: awsInvoke,
  logs: awsLogs,
  invocations: awsInvocations,
  forceColdStart: awsForceColdStart,
  deadLetters: awsDeadLetters,
  redrive: awsRedrive,
};
