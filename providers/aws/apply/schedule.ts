import { call, isAwsError } from '../errors.js';
import { ignoreMissing, retryPropagation, type ApplyContext, type ResourceApply } from './context.js';

async function createGroup(c: ApplyContext): Promise<void> {
  const { CreateScheduleGroupCommand } = await import('@aws-sdk/client-scheduler');
  try {
    await c.session.clients.scheduler.send(new CreateScheduleGroupCommand({ Name: String(c.after.name), Tags: Object.entries(c.tags).map(([Key, Value]) => ({ Key, Value })) }));
  } catch (err) {
    if (!isAwsError(err, 'ConflictException')) await call(`scheduler:CreateScheduleGroup ${String(c.after.name)}`, () => Promise.reject(err));
  }
}

async function deleteGroup(c: ApplyContext): Promise<void> {
  const { DeleteScheduleGroupCommand } = await import('@aws-sdk/client-scheduler');
  await ignoreMissing(`scheduler:DeleteScheduleGroup ${String(c.before.name)}`, () => c.session.clients.scheduler.send(new DeleteScheduleGroupCommand({ Name: String(c.before.name) })));
}

/** One schedule group per service and stage: schedules themselves cannot be tagged. */
export const scheduleGroupApply: ResourceApply = { create: createGroup, update: createGroup, delete: deleteGroup };

/** Until the scheduler's new role propagates, Scheduler refuses it as a target role. */
function isRolePropagation(err: unknown): boolean {
  return isAwsError(err, 'ValidationException') && /role|assume/i.test((err as Error).message);
}

function input(c: ApplyContext) {
  const a = c.after;
  return {
    Name: String(a.name),
    GroupName: String(a.group),
    // The logical id: observe() maps a schedule back to the plan through it.
    Description: c.change.id,
    ScheduleExpression: String(a.expression),
    ScheduleExpressionTimezone: String(a.timezone),
    State: a.state as 'ENABLED' | 'DISABLED',
    FlexibleTimeWindow: { Mode: 'OFF' as const },
    Target: { Arn: String(a.target), RoleArn: String(a.role), ...(a.input === undefined ? {} : { Input: String(a.input) }) },
  };
}

async function create(c: ApplyContext): Promise<void> {
  const { CreateScheduleCommand } = await import('@aws-sdk/client-scheduler');
  try {
    await retryPropagation(c.session, `scheduler:CreateSchedule ${String(c.after.name)}`, () => c.session.clients.scheduler.send(new CreateScheduleCommand(input(c))), isRolePropagation);
  } catch (err) {
    if (!((err as { cause?: unknown }).cause && isAwsError((err as { cause?: unknown }).cause, 'ConflictException'))) throw err;
    await update(c);
  }
}

async function update(c: ApplyContext): Promise<void> {
  const { UpdateScheduleCommand } = await import('@aws-sdk/client-scheduler');
  await retryPropagation(c.session, `scheduler:UpdateSchedule ${String(c.after.name)}`, () => c.session.clients.scheduler.send(new UpdateScheduleCommand(input(c))), isRolePropagation);
}

async function remove(c: ApplyContext): Promise<void> {
  const { DeleteScheduleCommand } = await import('@aws-sdk/client-scheduler');
  await ignoreMissing(`scheduler:DeleteSchedule ${String(c.before.name)}`, () =>
    c.session.clients.scheduler.send(new DeleteScheduleCommand({ Name: String(c.before.name), GroupName: String(c.before.group) })),
  );
}

/** EventBridge Scheduler schedule invoking a function through the scheduler role. */
export const scheduleApply: ResourceApply = { create, update, delete: remove };
