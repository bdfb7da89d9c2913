import { SlsxError } from '../../../src/errors/slsx-error.js';
import { waitOptions } from '../clients.js';
import { call, isAwsError } from '../errors.js';
import { codeFor, releaseCode } from './code.js';
import { TAG_SERVICE, TAG_STAGE } from '../naming.js';
import { changed, ignoreMissing, notOurs, retryPropagation, type ApplyContext, type ResourceApply } from './context.js';

/** Until a new role propagates, Lambda says it "cannot be assumed" (or that it lacks log permissions). */
export function isRolePropagation(err: unknown): boolean {
  return isAwsError(err, 'InvalidParameterValueException') && /cannot be assumed|role .*not authorized|does not have permissions/i.test((err as Error).message);
}

const CONFIG_FIELDS = ['runtime', 'handler', 'memory', 'timeout', 'ephemeralStorage', 'env', 'role'];

function configInput(c: ApplyContext) {
  const a = c.after;
  return {
    FunctionName: String(a.name),
    Runtime: a.runtime as never,
    Handler: String(a.handler),
    MemorySize: Number(a.memory),
    Timeout: Number(a.timeout),
    EphemeralStorage: { Size: Number(a.ephemeralStorage) },
    Environment: { Variables: a.env as Record<string, string> },
    Role: String(a.role),
  };
}

/** Wait until the function accepts the next change (Pending/InProgress states). */
async function settled(c: ApplyContext, activeOnly = false): Promise<void> {
  const lambda = await import('@aws-sdk/client-lambda');
  const w = waitOptions(c.session.clients);
  const params = { client: c.session.clients.lambda, minDelay: w.minDelay, maxDelay: w.maxDelay, maxWaitTime: w.maxWaitTime };
  const name = String(c.after.name);
  try {
    if (activeOnly) await lambda.waitUntilFunctionActiveV2(params, { FunctionName: name });
    else await lambda.waitUntilFunctionUpdatedV2(params, { FunctionName: name });
  } catch (err) {
    throw new SlsxError('CLOUD_ERROR', `Lambda function ${name} did not become ready: ${(err as Error).message}`, {
      hint: 'Look at the function in the Lambda console (State / LastUpdateStatusReason), fix the cause, and deploy again.',
      cause: err,
    });
  }
}

async function concurrency(c: ApplyContext): Promise<void> {
  const lambda = await import('@aws-sdk/client-lambda');
  const name = String(c.after.name);
  const max = c.after.reservedConcurrency;
  if (typeof max === 'number') {
    await call(`lambda:PutFunctionConcurrency ${name}`, () =>
      c.session.clients.lambda.send(new lambda.PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: max })),
    );
  } else {
    await ignoreMissing(`lambda:DeleteFunctionConcurrency ${name}`, () => c.session.clients.lambda.send(new lambda.DeleteFunctionConcurrencyCommand({ FunctionName: name })));
  }
}

async function create(c: ApplyContext): Promise<void> {
  const lambda = await import('@aws-sdk/client-lambda');
  const code = await codeFor(c);
  const name = String(c.after.name);
  try {
    await retryPropagation(
      c.session,
      `lambda:CreateFunction ${name}`,
      () =>
        c.session.clients.lambda.send(
          new lambda.CreateFunctionCommand({ ...configInput(c), Architectures: [c.after.architecture as never], Code: code, PackageType: 'Zip', Publish: false, Tags: c.tags }),
        ),
      isRolePropagation,
    );
  } catch (err) {
    // Created by an interrupted run (not yet visible to observe): bring it up to date instead.
    if (!(err instanceof SlsxError && err.code === 'RESOURCE_CONFLICT')) throw err;
    const got = await call(`lambda:GetFunction ${name}`, () => c.session.clients.lambda.send(new lambda.GetFunctionCommand({ FunctionName: name })));
    if (got.Tags?.[TAG_SERVICE] !== c.session.service || got.Tags?.[TAG_STAGE] !== c.session.stage) {
      throw notOurs('Lambda function', name, 'Another service uses this function name: rename the function or the stage.');
    }
    await settled(c);
    await updateCode(c);
    await updateConfig(c);
  } finally {
    await releaseCode(c, code);
  }
  await settled(c, true);
  if (typeof c.after.reservedConcurrency === 'number') await concurrency(c);
}

async function updateCode(c: ApplyContext): Promise<void> {
  const lambda = await import('@aws-sdk/client-lambda');
  const name = String(c.after.name);
  const code = await codeFor(c);
  try {
    await call(`lambda:UpdateFunctionCode ${name}`, () =>
      c.session.clients.lambda.send(new lambda.UpdateFunctionCodeCommand({ FunctionName: name, Architectures: [c.after.architecture as never], ...code })),
    );
  } finally {
    await releaseCode(c, code);
  }
  await settled(c);
}

async function updateConfig(c: ApplyContext): Promise<void> {
  const lambda = await import('@aws-sdk/client-lambda');
  const name = String(c.after.name);
  await retryPropagation(c.session, `lambda:UpdateFunctionConfiguration ${name}`, () => c.session.clients.lambda.send(new lambda.UpdateFunctionConfigurationCommand(configInput(c))), isRolePropagation);
  await settled(c);
}

async function update(c: ApplyContext): Promise<void> {
  const codeChanged = changed(c, 'codeSha256', 'architecture');
  const configChanged = changed(c, ...CONFIG_FIELDS);
  // A function still Pending or mid-update from an earlier run refuses changes: wait first.
  if (codeChanged || configChanged) await settled(c);
  if (codeChanged) await updateCode(c);
  if (configChanged) await updateConfig(c);
  if (changed(c, 'reservedConcurrency')) await concurrency(c);
}

async function remove(c: ApplyContext): Promise<void> {
  const { DeleteFunctionCommand } = await import('@aws-sdk/client-lambda');
  const name = String(c.before.name);
  await ignoreMissing(`lambda:DeleteFunction ${name}`, () => c.session.clients.lambda.send(new DeleteFunctionCommand({ FunctionName: name })));
}

/** The Lambda function: zip code (staged in S3 when big), configuration, reserved concurrency. */
export const functionApply: ResourceApply = { create, update, delete: remove };
