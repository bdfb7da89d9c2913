import { describe, expect, it } from 'vitest';
import { describeFieldChange, diff } from '../../src/plan/diff.js';

const policy = (statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });
const logs = { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/shop-dev-api:*' };
const send = { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: 'arn:aws:sqs:eu-west-1:123456789012:shop-dev-orders' };

describe('plan reasons', () => {
  it('lists IAM statements added and removed, not a truncated document', () => {
    expect(describeFieldChange('policy', policy([logs]), policy([logs, send]))).toEqual([
      'policy: + Allow sqs:SendMessage on arn:aws:sqs:eu-west-1:123456789012:shop-dev-orders',
    ]);
    expect(describeFieldChange('policy', policy([logs, send]), policy([logs]))).toEqual([
      'policy: - Allow sqs:SendMessage on arn:aws:sqs:eu-west-1:123456789012:shop-dev-orders',
    ]);
  });

  it('names each changed leaf of an object', () => {
    expect(describeFieldChange('env', { A: '1', B: '2' }, { A: '1', B: '3', C: 'x' })).toEqual(['env.B: "2" -> "3"', 'env.C: (none) -> "x"']);
  });

  it('shows scalars and code hashes plainly, and caps long lists', () => {
    expect(describeFieldChange('memory', 512, 1024)).toEqual(['memory: 512 -> 1024']);
    expect(describeFieldChange('codeSha256', 'a', 'b')).toEqual(['codeSha256 changed (code changed)']);
    const many = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`K${i}`, String(i)]));
    const reasons = describeFieldChange('env', {}, many);
    expect(reasons).toHaveLength(7);
    expect(reasons[6]).toBe('env: ... and 4 more change(s)');
  });

  it('gives one reason line per change in the plan, IAM flagged', () => {
    const [change] = diff(
      [{ id: 'role:api', type: 'aws:iam:role', props: { policy: policy([logs, send]) }, security: true }],
      [{ id: 'role:api', type: 'aws:iam:role', props: { policy: policy([logs]) } }],
    );
    expect(change.action).toBe('update');
    expect(change.security).toBe(true);
    expect(change.reasons).toEqual(['policy: + Allow sqs:SendMessage on arn:aws:sqs:eu-west-1:123456789012:shop-dev-orders']);
  });
});

describe('values set outside sls-x', () => {
  it('are never shown in reasons or stored in the plan, but their keys are still removed', () => {
    const [change] = diff(
      [{ id: 'function:api', type: 'aws:lambda:function', props: { memory: 512, env: { STAGE: 'dev' } } }],
      [{ id: 'function:api', type: 'aws:lambda:function', props: { memory: 512, env: { STAGE: 'dev', DB_PASSWORD: 'hunter2' } } }],
    );
    expect(change.action).toBe('update');
    expect(change.reasons).toEqual(['env.DB_PASSWORD: "(set outside sls-x: not shown)" -> (none)']);
    expect(JSON.stringify(change)).not.toContain('hunter2');
  });

  it('keeps values the config sets, so real changes stay readable, and noop stays noop', () => {
    const [changed] = diff(
      [{ id: 'f', type: 't', props: { env: { STAGE: 'prod' } } }],
      [{ id: 'f', type: 't', props: { env: { STAGE: 'dev' } } }],
    );
    expect(changed.reasons).toEqual(['env.STAGE: "dev" -> "prod"']);
    const [same] = diff([{ id: 'f', type: 't', props: { env: { A: '1' } } }], [{ id: 'f', type: 't', props: { env: { A: '1' } } }]);
    expect(same.action).toBe('noop');
  });

  it('are masked in what a delete stores', () => {
    const [gone] = diff([], [{ id: 'function:old', type: 't', props: { env: { TOKEN: 's3cr3t' }, memory: 128 } }]);
    expect(gone.action).toBe('delete');
    expect(gone.before).toEqual({ env: { TOKEN: '(set outside sls-x: not shown)' }, memory: 128 });
  });
});
