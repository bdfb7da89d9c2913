import { call } from '../errors.js';
import { ignoreMissing, type ApplyContext, type ResourceApply } from './context.js';
import { partitionOf } from '../regions.js';

async function retention(c: ApplyContext): Promise<void> {
  const { PutRetentionPolicyCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const name = String(c.after.name);
  await call(`logs:PutRetentionPolicy ${name}`, () =>
    c.session.clients.logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: Number(c.after.retentionDays) })),
  );
}

async function create(c: ApplyContext): Promise<void> {
  const logs = await import('@aws-sdk/client-cloudwatch-logs');
  const name = String(c.after.name);
  try {
    await c.session.clients.logs.send(new logs.CreateLogGroupCommand({ logGroupName: name, tags: c.tags }));
  } catch (err) {
    if ((err as Error).name !== 'ResourceAlreadyExistsException') return call(`logs:CreateLogGroup ${name}`, () => Promise.reject(err));
    // Lambda creates its log group on first write when none exists: adopt it by tagging it.
    const arn = `arn:${partitionOf(c.session.region)}:logs:${c.session.region}:${c.session.account}:log-group:${name}`;
    await call(`logs:TagResource ${name}`, () => c.session.clients.logs.send(new logs.TagResourceCommand({ resourceArn: arn, tags: c.tags })));
  }
  await retention(c);
}

async function remove(c: ApplyContext): Promise<void> {
  const { DeleteLogGroupCommand } = await import('@aws-sdk/client-cloudwatch-logs');
  const name = String(c.before.name);
  await ignoreMissing(`logs:DeleteLogGroup ${name}`, () => c.session.clients.logs.send(new DeleteLogGroupCommand({ logGroupName: name })));
}

/** CloudWatch Logs group `/aws/lambda/<function>` with its retention. */
export const logGroupApply: ResourceApply = { create, update: retention, delete: remove };
