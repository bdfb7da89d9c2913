import { describe, expect, it } from 'vitest';
import type { ScheduleEventSpec } from '../../src/model/service.js';
import { scheduleExpression } from '../../providers/aws/cron.js';
import { adapter } from '../../providers/aws/index.js';
import { FakeAws } from './support/fake-aws.js';
import { artifacts, context, deploy, fn, service, work } from './support/service.js';

const nightly: ScheduleEventSpec = { kind: 'schedule', expression: 'cron(0 3 * * *)', cron: '0 3 * * *', timezone: 'UTC', enabled: true };
const every5: ScheduleEventSpec = { kind: 'schedule', expression: 'rate(5 minutes)', rateMs: 300_000, timezone: 'UTC', enabled: true, input: { job: 'sweep' } };

describe('aws schedule expressions', () => {
  it('converts neutral cron and rates to EventBridge Scheduler expressions', () => {
    expect(scheduleExpression(nightly)).toEqual({ expression: 'cron(0 3 * * ? *)' });
    expect(scheduleExpression({ expression: '', cron: '30 8 * * 1-5' })).toEqual({ expression: 'cron(30 8 ? * 2-6 *)' });
    expect(scheduleExpression(every5)).toEqual({ expression: 'rate(5 minutes)' });
    expect(scheduleExpression({ expression: '', rateMs: 3_600_000 })).toEqual({ expression: 'rate(1 hour)' });
    expect(scheduleExpression({ expression: '', cron: '0 0 1 * 1' })).toHaveProperty('error');
    expect(scheduleExpression({ expression: '', rateMs: 30_000 })).toHaveProperty('error');
  });

  it('validate() refuses what Scheduler cannot express, before any call', () => {
    const s = service([fn('job', { events: [{ ...nightly, cron: '0 0 1 * 1', expression: 'cron(0 0 1 * 1)' }] })]);
    const problems = adapter.validate(s).filter((d) => d.severity === 'error');
    expect(problems.map((d) => [d.code, d.path])).toEqual([['schedule-unsupported', 'functions.job.events.0.schedule']]);
  });
});

describe('aws adapter: EventBridge Scheduler', () => {
  it('creates the schedule group, an invoke role limited to the scheduled functions, and the schedules', async () => {
    const aws = new FakeAws();
    const s = service([fn('nightly', { events: [nightly, every5] }), fn('api')]);
    const p = await deploy(s, artifacts(s), context(aws));
    expect(work(p.changes).filter((w) => /schedule|scheduler/.test(w))).toEqual(['create role:scheduler', 'create schedule-group', 'create schedule:nightly:0', 'create schedule:nightly:1']);
    expect(aws.inputs('scheduler:CreateScheduleGroup')).toEqual([
      { Name: 'shop-dev', Tags: [{ Key: 'slsx:service', Value: 'shop' }, { Key: 'slsx:stage', Value: 'dev' }, { Key: 'slsx:id', Value: 'schedule-group' }] },
    ]);
    const role = aws.inputs('iam:CreateRole').find((i) => i.RoleName === 'shop-dev--scheduler');
    expect(JSON.parse(role.AssumeRolePolicyDocument).Statement[0].Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    // Only Scheduler calls from our own account may assume it.
    expect(JSON.parse(role.AssumeRolePolicyDocument).Statement[0].Condition).toEqual({ StringEquals: { 'aws:SourceAccount': expect.stringMatching(/^\d{12}$/) } });
    expect(JSON.parse(aws.inputs('iam:PutRolePolicy').find((i) => i.RoleName === 'shop-dev--scheduler').PolicyDocument)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'InvokeScheduledFunctions', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: ['arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-nightly'] }],
    });
    expect(aws.inputs('scheduler:CreateSchedule').sort((a, b) => a.Name.localeCompare(b.Name))).toEqual([
      {
        Name: 'nightly-0',
        GroupName: 'shop-dev',
        Description: 'schedule:nightly:0',
        ScheduleExpression: 'cron(0 3 * * ? *)',
        ScheduleExpressionTimezone: 'UTC',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: 'arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-nightly', RoleArn: 'arn:aws:iam::123456789012:role/slsx/shop/dev/shop-dev--scheduler' },
      },
      {
        Name: 'nightly-1',
        GroupName: 'shop-dev',
        Description: 'schedule:nightly:1',
        ScheduleExpression: 'rate(5 minutes)',
        ScheduleExpressionTimezone: 'UTC',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: 'arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-nightly', RoleArn: 'arn:aws:iam::123456789012:role/slsx/shop/dev/shop-dev--scheduler', Input: '{"job":"sweep"}' },
      },
    ]);
  });

  it('is a no-op when nothing changed, and disabling a schedule updates just that schedule', async () => {
    const aws = new FakeAws();
    const s = service([fn('nightly', { events: [nightly] })]);
    const arts = artifacts(s);
    await deploy(s, arts, context(aws));
    aws.resetCalls();
    expect(work((await deploy(s, arts, context(aws))).changes)).toEqual([]);
    expect(aws.mutatingCalls()).toEqual([]);
    const p = await deploy(service([fn('nightly', { events: [{ ...nightly, enabled: false }] })]), arts, context(aws));
    expect(p.changes.filter((c) => c.action !== 'noop').map((c) => [c.id, c.reasons])).toEqual([['schedule:nightly:0', ['state: "ENABLED" -> "DISABLED"']]]);
    expect(aws.mutatingCalls()).toEqual(['scheduler:UpdateSchedule']);
  });
});
