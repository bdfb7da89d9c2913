import { call, isAwsError } from '../errors.js';
import { ensureApiId } from './api.js';
import { ignoreMissing, resolved, type ApplyContext, type ResourceApply } from './context.js';

async function add(c: ApplyContext): Promise<void> {
  const lambda = await import('@aws-sdk/client-lambda');
  if (String(c.change.after?.sourceArn ?? '').includes('${ApiId}')) await ensureApiId(c.session);
  const a = resolved(c, c.change.after ?? {});
  const input = {
    FunctionName: String(a.function),
    ...(a.qualifier ? { Qualifier: String(a.qualifier) } : {}),
    StatementId: String(a.statementId),
    Action: 'lambda:InvokeFunction',
    Principal: String(a.principal),
    SourceArn: String(a.sourceArn),
    ...(a.sourceAccount ? { SourceAccount: String(a.sourceAccount) } : {}),
  };
  const client = c.session.clients.lambda;
  try {
    await client.send(new lambda.AddPermissionCommand(input));
  } catch (err) {
    if (!isAwsError(err, 'ResourceConflictException')) return call(`lambda:AddPermission ${input.FunctionName} ${input.StatementId}`, () => Promise.reject(err));
    // The statement exists (interrupted run, or a changed source): statements cannot be edited, so replace it.
    await call(`lambda:RemovePermission ${input.FunctionName} ${input.StatementId}`, () =>
      client.send(new lambda.RemovePermissionCommand({ FunctionName: input.FunctionName, Qualifier: input.Qualifier, StatementId: input.StatementId })),
    );
    await call(`lambda:AddPermission ${input.FunctionName} ${input.StatementId}`, () => client.send(new lambda.AddPermissionCommand(input)));
  }
}

async function update(c: ApplyContext): Promise<void> {
  await remove({ ...c, before: c.before });
  await add(c);
}

async function remove(c: ApplyContext): Promise<void> {
  const { RemovePermissionCommand } = await import('@aws-sdk/client-lambda');
  const b = c.before;
  await ignoreMissing(`lambda:RemovePermission ${String(b.function)} ${String(b.statementId)}`, () =>
    c.session.clients.lambda.send(
      new RemovePermissionCommand({ FunctionName: String(b.function), ...(b.qualifier ? { Qualifier: String(b.qualifier) } : {}), StatementId: String(b.statementId) }),
    ),
  );
}

/** A statement in a function's resource policy letting API Gateway or S3 invoke it. */
export const permissionApply: ResourceApply = { create: add, update, delete: remove };
