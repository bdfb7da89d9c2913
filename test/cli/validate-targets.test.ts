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

describe('azure timers: what NCRONTAB cannot express is refused at validate (issue 13.3)', () => {
  const yaml = `service: shop
targets:
  azure: { region: westeurope }
functions:
  weekdays:
    handler: src/api.handler
    events:
      - schedule: cron(0 9 ? * MON-FRI)
  sundays:
    handler: src/api.handler
    events:
      - schedule: cron(0 3 * * 7)
  either:
    handler: src/api.handler
    events:
      - schedule: cron(0 9 1 * MON)
`;
  const { dir, cleanup } = project({ 'faas.yaml': yaml, ...STUBS });
  afterAll(cleanup);

  it('a cron restricting both day-of-month and day-of-week is an error at its line:col; ? and 7 are converted', async () => {
    const run = await runCli(['validate', '--target', 'azure'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^faas\.yaml:16:\d+: error \[schedule-unsupported\] \(azure\) An Azure timer \(NCRONTAB\) cannot run 'cron\(0 9 1 \* MON\)' of 'either': it restricts both day-of-month and day-of-week/m);
    expect(run.stderr.match(/schedule-unsupported/g)).toHaveLength(1);
    const { loadService } = await import('../../src/config/load-service.js');
    const { planAzureTriggers } = await import('../../templates/shims/common/azure-triggers.js');
    const fixed = project({ 'faas.yaml': yaml.replace('cron(0 9 1 * MON)', 'cron(0 9 1 * *)'), ...STUBS });
    try {
      const { service } = await loadService({ cwd: fixed.dir, target: 'azure', env: {} });
      const timers = Object.fromEntries(service.functions.map((f) => [f.name, planAzureTriggers(f.name, f.events)[0]]));
      expect(timers.weekdays).toMatchObject({ kind: 'schedule', schedule: '0 0 9 * * 1-5' });
      expect(timers.sundays).toMatchObject({ kind: 'schedule', schedule: '0 0 3 * * 0' });
      expect(timers.either).toMatchObject({ kind: 'schedule', schedule: '0 0 9 1 * *' });
    } finally {
      fixed.cleanup();
    }
  });
});

describe('gcp: a public HTTP function never takes events (issue 8.2)', () => {
  const yaml = `service: shop
targets:
  gcp: { region: europe-west1, project: shop-prod }
queues:
  jobs: { maxRetries: 4 }
functions:
  api:
    handler: src/api.handler
    events:
      - http: POST /jobs
      - queue: jobs
  nightly:
    handler: src/api.handler
    events:
      - http: GET /run
      - schedule: cron(0 3 * * *)
  worker:
    handler: src/api.handler
    events:
      - queue: jobs
`;
  const { dir, cleanup } = project({ 'faas.yaml': yaml, ...STUBS });
  afterAll(cleanup);

  it('is refused at validate, at the event, with how to split it; event-only functions stay private', async () => {
    const run = await runCli(['validate', '--target', 'gcp'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^faas\.yaml:11:\d+: error \[gcp-http-with-events\] \(gcp\) On GCP 'api' cannot take both HTTP requests and queue events/m);
    expect(run.stderr).toMatch(/^faas\.yaml:16:\d+: error \[gcp-http-with-events\] \(gcp\) On GCP 'nightly' cannot take both HTTP requests and schedule events/m);
    expect(run.stderr).toContain('Split it into two functions');
    expect(run.stderr).not.toMatch(/'worker' cannot/);
    const { loadService } = await import('../../src/config/load-service.js');
    const { adapter } = await import('../../providers/gcp/index.js');
    const { service } = await loadService({ cwd: dir, target: 'local', env: {} });
    const only = { ...service, functions: service.functions.filter((f) => f.name === 'worker') };
    const { fakeArtifacts } = await import('../support/adapter-run.js');
    const desired = adapter.desired(only, fakeArtifacts('gcp', only, {}));
    expect(desired.some((r) => r.id === 'function:worker')).toBe(true);
    const grants = desired.filter((r) => JSON.stringify(r.props).includes('allUsers'));
    expect(grants).toEqual([]);
  });
});
