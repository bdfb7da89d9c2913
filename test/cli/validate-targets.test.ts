import { afterAll, describe, expect, it } from 'vitest';
import { project, STUBS } from '../config/helpers.js';
import { runCli } from '../support/cli.js';

describe('validate runs every target adapter\'s own checks too', () => {
  // CloudWatch Logs takes only some retention periods: a check only the aws adapter makes.
  const yaml = `service: shop
targets:
  aws: { region: eu-west-1, logRetentionDays: 10 }
functions:
  api:
    handler: src/api.handler
`;
  const { dir, cleanup } = project({ 'faas.yaml': yaml, ...STUBS });
  afterAll(cleanup);

  it('reports what the AWS plan would refuse, at faas.yaml:line:col, exit 2, nothing written', async () => {
    const run = await runCli(['validate'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^faas\.yaml:3:\d+: error \[limit-log-retention\] \(aws\) /m);
    expect(run.stderr).toContain('  3 |   aws: { region: eu-west-1, logRetentionDays: 10 }');
    const json = JSON.parse((await runCli(['validate', '--json'], dir)).stdout) as { code: string; diagnostics: Array<{ code: string; target: string; line: number }> };
    expect(json.code).toBe('CONFIG_INVALID');
    expect(json.diagnostics).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'limit-log-retention', target: 'aws', line: 3 })]));
  });
});
