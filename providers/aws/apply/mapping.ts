import { call, isAwsError } from '../errors.js';
import { ignoreMissing, retryPropagation, type ApplyContext, type ResourceApply } from './context.js';

/** Lambda checks the role can read the queue; a fresh role or policy needs time to propagate. */
function isPermissionPropagation(err: unknown): boolean {
  return isAwsError(err, 'InvalidParameterValueException') && /execution role does not have permissions|cannot be assumed/i.test((err as Error).message);
}

function settings(c: ApplyContext) {
  return {
    FunctionName: String(c.after.function),
    BatchSize: Number(c.after.batchSize),
    MaximumBatchingWindowInSeconds: Number(c.after.batchWindow),
    FunctionResponseTypes: c.after.reportBatchItemFailures ? ['ReportBatchItemFailures' as const] : [],
    Enabled: Boolean(c.after.enabled),
  };
}

async function create(c: ApplyContext): Promise<void> {
  const { CreateEventSourceMappingCommand } = await import('@aws-sdk/client-lambda');
  try {
    await retryPropagation(
      c.session,
      `lambda:CreateEventSourceMapping ${c.change.id}`,
      () => c.session.clients.lambda.send(new CreateEventSourceMappingCommand({ ...settings(c), EventSourceArn: String(c.after.queue), Tags: c.tags })),
      isPermissionPropagation,
    );
  } catch (err) {
    // "... already exists. Please update or delete the existing mapping with UUID <uuid>": an interrupted run made it.
    const uuid = /UUID\s+([0-9a-f-]{36})/i.exec((err as { cause?: Error }).cause?.message ?? (err as Error).message)?.[1];
    if (!uuid) throw err;
    await update({ ...c, physicalId: uuid });
  }
}

async function update(c: ApplyContext): Promise<void> {
  const { UpdateEventSourceMappingCommand } = await import('@aws-sdk/client-lambda');
  await call(`lambda:UpdateEventSourceMapping ${c.change.id}`, () =>
    c.session.clients.lambda.send(new UpdateEventSourceMappingCommand({ UUID: c.physicalId, ...settings(c) })),
  );
}

async function remove(c: ApplyContext): Promise<void> {
  const { DeleteEventSourceMappingCommand } = await import('@aws-sdk/client-lambda');
  if (!c.physicalId) return;
  await ignoreMissing(`lambda:DeleteEventSourceMapping ${c.change.id}`, () => c.session.clients.lambda.send(new DeleteEventSourceMappingCommand({ UUID: c.physicalId })));
}

/** SQS -> Lambda event source mapping with partial batch failures reported. */
export const mappingApply: ResourceApply = { create, update, delete: remove };
