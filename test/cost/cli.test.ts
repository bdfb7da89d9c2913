import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../support/cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'slsx-cost-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const cli = (argv: string[], cwd = folder()): Promise<CliRun> => runCli(['cost', 'estimate', ...argv], cwd, { now: () => new Date('2026-11-27T00:00:00Z') });

describe('sls-x cost estimate (real CLI entry)', () => {
  it('estimates a hypothetical function from flags with no faas.yaml, naming the catalog dates', async () => {
    const r = await cli(['--requests', '3M', '--duration', '120ms', '--memory', '1536', '--arch', 'x86_64', '--target', 'aws']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Catalogs: aws \d{4}-\d{2}-\d{2}, common \d{4}-\d{2}-\d{2}/);
    const line = r.stdout.split('\n').find((l) => l.startsWith('fn ') && l.includes('AWS Lambda x86'))!;
    expect(line.replace(/\s+/g, ' ')).toBe('fn AWS Lambda x86 0.40 2.33 - - 6.87 2.73 *');
    expect(Math.max(...r.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  it('prints JSON with every option, line items and the cheapest marked', async () => {
    const r = await cli(['--requests', '10M', '--duration', '120ms', '--memory', '1536', '--format', 'json']);
    expect(r.code).toBe(0);
    const est = JSON.parse(r.stdout);
    expect(est.rows.map((x: { option: string }) => x.option)).toEqual(['aws-x86', 'aws-arm64', 'azure-consumption', 'azure-flex', 'gcp']);
    expect(est.catalogs).toMatchObject({ aws: expect.any(String), azure: expect.any(String), gcp: expect.any(String) });
    const cheapest = est.rows.filter((x: { cheapest: boolean }) => x.cheapest);
    expect(cheapest.length).toBeGreaterThan(0);
    expect(Math.min(...est.rows.map((x: { total: number }) => x.total))).toBe(cheapest[0].total);
  });

  it('shows list price with --no-free-tier', async () => {
    const r = await cli(['--requests', '3M', '--duration', '120ms', '--memory', '1536', '--arch', 'x86', '--target', 'aws', '--no-free-tier', '--json']);
    const row = JSON.parse(r.stdout).rows[0];
    expect(row.items.map((i: { amount: number }) => i.amount)).toEqual([0.6, 9]);
    expect(row.total).toBe(9.6);
  });

  it('prints a markdown table for CI summaries', async () => {
    const r = await cli(['--requests', '1M', '--per', 'day', '--duration', '80ms', '--memory', '512', '--events', 'http', '--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^### sls-x cost estimate/);
    expect(r.stdout).toMatch(/\| Function \| Option \| Requests \| Compute \| Warm \| Gateway \|/);
    expect(r.stdout).toMatch(/\(cheapest\)/);
    expect(r.stdout).toMatch(/30\.4M req\/month/);
  });

  it('applies --rates overrides and says so', async () => {
    const dir = folder({ 'rates.json': JSON.stringify({ aws: { requestPerMillion: 0.3 } }) });
    const r = await cli(['--requests', '3M', '--duration', '120ms', '--memory', '1536', '--arch', 'x86_64', '--target', 'aws', '--rates', 'rates.json', '--json'], dir);
    const est = JSON.parse(r.stdout);
    expect(est.overridden).toEqual(['aws.requestPerMillion']);
    expect(est.rows[0].items[0].amount).toBe(0.6);
  });

  it.each([
    [['--rates', 'rates.json'], { aws: { requestsPerMillion: 1 } }, /'aws\.requestsPerMillion' is not a known rate/],
    [['--rates', 'rates.json'], { gcp: { cpuPerVcpuS: 'cheap' } }, /'gcp\.cpuPerVcpuS' must be a number/],
  ])('refuses a bad rates file: %j -> RATES_INVALID, exit 2', async (args, content, message) => {
    const dir = folder({ 'rates.json': JSON.stringify(content) });
    const r = await cli(['--requests', '1M', '--duration', '100ms', ...args], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error RATES_INVALID/);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it.each([
    [['--requests', '10Mb', '--duration', '120ms'], /--requests '10Mb': unknown unit 'Mb'/],
    [['--requests', '10M', '--duration', '120mss'], /--duration '120mss': unknown unit 'mss'/],
    [['--requests', '-3', '--duration', '120ms'], /--requests '-3': must not be negative/],
    [['--requests', '10M', '--duration', '3days'], /--duration '3days'/],
    [['--requests', '999999B', '--duration', '1ms'], /--requests .*absurd/],
    [['--requests', '10M', '--duration', '120ms', '--format', 'xml'], /--format 'xml': unknown format/],
    [['--requests', '10M', '--duration', '120ms', '--target', 'oracle'], /--target 'oracle': unknown target/],
    [['--requests', '10M', '--duration', '120ms', '--target', 'local'], /--target local: the local target costs nothing/],
    [['--requests', '10M', '--duration', '120ms', '--memory', '12000', '--target', 'azure'], /no option can run this profile: Azure Consumption gives at most 1536 MB.*Azure Flex Consumption instances have 512, 2048, 4096 MB/],
    [['--requests', '10M', '--duration', '120ms', '--memory', '64', '--target', 'aws'], /--memory \/ --duration: no option can run this profile: AWS Lambda gives 128-10240 MB/],
    [['--requests', '10M', '--duration', '120ms', '--arch', 'sparc'], /--arch 'sparc'/],
    [['--requests', '10M', '--duration', '120ms', '--compare-vm', 'huge'], /--compare-vm 'huge'/],
    [['--duration', '120ms'], /Nothing to estimate: --requests missing/],
  ])('bad input %j -> COST_INPUT, exit 2, names the flag', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error COST_INPUT/);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/hint: /);
    expect(r.stdout).toBe('');
  });

  it('marks options a memory size does not fit, and still prices the others', async () => {
    const r = await cli(['--requests', '1M', '--duration', '120ms', '--memory', '3008', '--json']);
    expect(r.code).toBe(0);
    const est = JSON.parse(r.stdout);
    const consumption = est.rows.find((x: { option: string }) => x.option === 'azure-consumption');
    expect(consumption).toMatchObject({ available: false, reason: expect.stringMatching(/at most 1536 MB/) });
    expect(est.warnings.some((w: { message: string }) => /Azure Consumption: Azure Consumption gives at most 1536 MB/.test(w.message))).toBe(true);
  });

  it('shows the break-even volume against a named VM', async () => {
    const r = await cli(['--requests', '1M', '--duration', '100ms', '--memory', '1024', '--target', 'aws', '--arch', 'arm64', '--compare-vm', 't4g.small']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Break-even against an always-on aws\/t4g\.small: \$0\.0168\/h = \$12\.26\/month/);
    expect(r.stdout).toMatch(/AWS Lambda arm64 .* cheaper below [\d.]+M requests\/month/);
  });

  it('warns when the profile would be throttled', async () => {
    const r = await cli(['--requests', '3000', '--per', 'hour', '--duration', '2s', '--peak', '1000', '--target', 'aws']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Warnings:\n.*AWS: .* concurrent executions at peak .* exceed the account's 1000/);
  });
});

describe('sls-x cost estimate with faas.yaml', () => {

  const yaml = `service: shop
functions:
  api:
    handler: src/api.handler
    memory: 1536
    architecture: x86_64
    events:
      - http: { method: GET, path: /orders }
  nightly:
    handler: src/api.handler
    events:
      - schedule: "cron(0 3 * * *)"
traffic:
  api: { requests: 3M/month, duration: 120ms }
`;
  const files = { 'faas.yaml': yaml, 'src/api.ts': 'export const handler = async () => ({ ok: true });\n' };

  it('reads each function\'s traffic: block, prices its triggers and says which functions were left out', async () => {
    const r = await cli(['--target', 'aws', '--arch', 'x86_64', '--json'], folder(files));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const est = JSON.parse(r.stdout);
    expect(est.profiles.map((p: { function: string }) => p.function)).toEqual(['api']);
    const row = est.rows[0];
    expect(row.items.map((i: { kind: string; amount: number }) => [i.kind, i.amount])).toEqual([
      ['requests', 0.4],
      ['compute', 2.33],
      ['gateway', 3],
    ]);
    expect(est.warnings.some((w: { message: string }) => /nightly has no traffic: entry/.test(w.message))).toBe(true);
  });

  it('lets flags override the config', async () => {
    const r = await cli(['--target', 'aws', '--arch', 'x86_64', '--memory', '1024', '--json'], folder(files));
    const est = JSON.parse(r.stdout);
    expect(est.profiles[0]).toMatchObject({ function: 'api', memoryMb: 1024, requestsPerMonth: 3e6, source: 'faas.yaml traffic + flags' });
  });

  it('says clearly when the local target has no records yet', async () => {
    const r = await cli(['--from-metrics', '--target', 'local'], folder(files));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error COST_INPUT: --from-metrics: no invocation records on target 'local'/);
  });

  it('refuses --from-metrics clearly when the target cannot read records', async () => {
    const r = await cli(['--from-metrics', '--target', 'azure'], folder(files));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error TARGET_NOT_AVAILABLE: --from-metrics: target 'azure' cannot read invocation records yet/);
    expect(r.stderr).toMatch(/hint: Use --target local/);
  });
});
