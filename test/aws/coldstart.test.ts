import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { adapter } from '../../providers/aws/index.js';
import type { CliContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { awsError } from './support/fake-errors.js';
import { FakeAws } from './support/fake-aws.js';
import { artifacts, context, deploy, fn, service } from './support/service.js';

const NONCE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TAIL = (id: string, init?: number) =>
  `START RequestId: ${id} Version: $LATEST\nEND RequestId: ${id}\nREPORT RequestId: ${id}\tDuration: 3.01 ms\tBilled Duration: 4 ms\tMemory Size: 512 MB\tMax Memory Used: 67 MB\t${init !== undefined ? `Init Duration: ${init} ms\t` : ''}\n`;

async function deployed() {
  const aws = new FakeAws();
  const s = service([fn('api', { env: { TABLE: 'orders-dev', MODE: 'fast' } }), fn('ready', { concurrency: { warm: 1 } })]);
  await deploy(s, artifacts(s), context(aws));
  aws.invokeResults.set('shop-dev-api', { payload: { ok: true }, logTail: TAIL('r-1', 140.62) });
  aws.invokeResults.set('shop-dev-ready', { payload: { ok: true }, logTail: TAIL('r-2', 125.5) });
  aws.resetCalls();
  return { aws, s };
}

describe('aws forceColdStart: a configuration change, then invoke $LATEST', () => {
  it('sets SLSX_COLDSTART_NONCE keeping every other variable, waits for the update, and cleanup removes it', async () => {
    const { aws, s } = await deployed();
    const before = structuredClone(aws.functions.get('shop-dev-api').config.Environment.Variables);
    expect(before).toMatchObject({ TABLE: 'orders-dev', MODE: 'fast' });
    const ctx = context(aws);

    const first = await adapter.forceColdStart!(s, 'api', ctx);
    const out = await first.invoke!({ hello: 'world' });
    const second = await adapter.forceColdStart!(s, 'api', ctx);
    await second.invoke!({});

    const updates = aws.inputs('lambda:UpdateFunctionConfiguration');
    expect(updates).toEqual([
      { FunctionName: 'shop-dev-api', Environment: { Variables: { ...before, SLSX_COLDSTART_NONCE: expect.stringMatching(NONCE) } } },
      { FunctionName: 'shop-dev-api', Environment: { Variables: { ...before, SLSX_COLDSTART_NONCE: expect.stringMatching(NONCE) } } },
    ]);
    // A new value each time, so each change starts new execution environments.
    expect(updates[0].Environment.Variables.SLSX_COLDSTART_NONCE).not.toBe(updates[1].Environment.Variables.SLSX_COLDSTART_NONCE);
    // Each update is followed by the waiter (GetFunction) before the invoke.
    const order = aws.calls.map((c) => c.name).filter((n) => /UpdateFunctionConfiguration|GetFunction$|Invoke/.test(n));
    expect(order).toEqual(['lambda:UpdateFunctionConfiguration', 'lambda:GetFunction', 'lambda:Invoke', 'lambda:UpdateFunctionConfiguration', 'lambda:GetFunction', 'lambda:Invoke']);
    const [invoke] = aws.inputs('lambda:Invoke');
    expect({ ...invoke, Payload: Buffer.from(invoke.Payload).toString() }).toEqual({ FunctionName: 'shop-dev-api', InvocationType: 'RequestResponse', LogType: 'Tail', Payload: '{"hello":"world"}' });
    expect(first.method).toBe('configuration change (SLSX_COLDSTART_NONCE on shop-dev-api, then invoke $LATEST)');
    expect(out.record).toMatchObject({ function: 'api', coldStart: true, initMs: 140.62, source: 'AWS REPORT lines' });

    aws.resetCalls();
    await second.cleanup!();
    expect(aws.inputs('lambda:UpdateFunctionConfiguration')).toEqual([{ FunctionName: 'shop-dev-api', Environment: { Variables: before } }]);
    expect(aws.functions.get('shop-dev-api').config.Environment.Variables).toEqual(before);
    // Nothing left to undo: a second cleanup changes nothing.
    aws.resetCalls();
    await second.cleanup!();
    expect(aws.mutatingCalls()).toEqual([]);
  });

  it('a function with warm instances is invoked on $LATEST (its alias points at an immutable version); plain invoke keeps the alias', async () => {
    const { aws, s } = await deployed();
    const forced = await adapter.forceColdStart!(s, 'ready', context(aws));
    await forced.invoke!({});
    await adapter.invoke!(s, 'ready', {}, context(aws));
    const [bench, plain] = aws.inputs('lambda:Invoke');
    expect(bench.FunctionName).toBe('shop-dev-ready');
    expect(bench.Qualifier).toBeUndefined();
    expect(plain.Qualifier).toBe('live');
  });

  it('an undeployed function is FUNCTION_NOT_FOUND, an unknown one too, and nothing is changed', async () => {
    const aws = new FakeAws();
    const s = service([fn('api')]);
    await expect(adapter.forceColdStart!(s, 'api', context(aws))).rejects.toMatchObject({ code: 'FUNCTION_NOT_FOUND' });
    await expect(adapter.forceColdStart!(s, 'nope', context(aws))).rejects.toMatchObject({ code: 'FUNCTION_NOT_FOUND' });
    expect(aws.mutatingCalls()).toEqual([]);
  });
});

describe('sls-x bench coldstart --target aws (real CLI entry, fake AWS)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function cli(argv: string[], aws: FakeAws): Promise<{ code: number; stdout: string; stderr: string }> {
    const root = mkdtempSync(join(tmpdir(), 'slsx-aws-bench-'));
    dirs.push(root);
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'api.mjs'), 'export const handler = async () => ({ ok: true });\n');
    writeFileSync(join(root, 'faas.yaml'), 'service: shop\nruntime: node22\ntargets:\n  aws: { region: eu-west-1 }\nfunctions:\n  api:\n    handler: src/api.handler\n    env: { TABLE: orders-dev, MODE: fast }\n');
    let stdout = '';
    let stderr = '';
    const ctx: CliContext = {
      cwd: root,
      env: {},
      stdout: { write: (t) => void (stdout += t) },
      stderr: { write: (t) => void (stderr += t) },
      interactive: false,
      now: () => new Date('2026-11-27T10:00:00Z'),
      clients: { aws: aws.clients },
    };
    const code = await main(argv, ctx);
    return { code, stdout, stderr };
  }

  it('forces -n cold starts, prints p50/p95/min/max with sources, and restores the configuration once at the end', async () => {
    const { aws } = await deployed();
    const before = structuredClone(aws.functions.get('shop-dev-api').config.Environment.Variables);
    const out = await cli(['bench', 'coldstart', 'api', '--target', 'aws', '-n', '3', '--data', '{"id":1}'], aws);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout.split('\n').filter((l) => /^\s+\d\/3 {2}cold {2}init 140\.6 ms/.test(l))).toHaveLength(3);
    expect(out.stdout).toContain('api on aws: 3 forced, 3 cold start(s) reported (ok 3).');
    expect(out.stdout).toMatch(/^init \(server-side\)\s+141\s+141\s+141\s+141\s+3$/m);
    expect(out.stdout).toContain("Source: AWS REPORT lines: `Init Duration` of cold invocations");
    expect(out.stdout).toContain('Source: measured by sls-x around each invoke: the Lambda Invoke API round trip');
    const updates = aws.inputs('lambda:UpdateFunctionConfiguration');
    expect(updates).toHaveLength(4);
    for (const u of updates.slice(0, 3)) expect(u).toEqual({ FunctionName: 'shop-dev-api', Environment: { Variables: { ...before, SLSX_COLDSTART_NONCE: expect.stringMatching(NONCE) } } });
    expect(updates[3]).toEqual({ FunctionName: 'shop-dev-api', Environment: { Variables: before } });
    expect(aws.inputs('lambda:Invoke').map((i) => [i.FunctionName, i.Qualifier, Buffer.from(i.Payload).toString()])).toEqual([
      ['shop-dev-api', undefined, '{"id":1}'],
      ['shop-dev-api', undefined, '{"id":1}'],
      ['shop-dev-api', undefined, '{"id":1}'],
    ]);
  });

  it('a run that fails still restores the configuration, and the error says what failed (exit 2)', async () => {
    const { aws } = await deployed();
    const before = structuredClone(aws.functions.get('shop-dev-api').config.Environment.Variables);
    aws.failNext('lambda:Invoke', awsError('AccessDeniedException', 'User is not authorized to perform: lambda:InvokeFunction', 403));
    const out = await cli(['bench', 'coldstart', 'api', '--target', 'aws', '-n', '2'], aws);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('ACCESS_DENIED');
    expect(aws.functions.get('shop-dev-api').config.Environment.Variables).toEqual(before);
    expect(aws.inputs('lambda:UpdateFunctionConfiguration').at(-1)).toEqual({ FunctionName: 'shop-dev-api', Environment: { Variables: before } });
  });

  it('metrics --compare shows AWS init from REPORT lines and says it has no client-side latency', async () => {
    const { aws } = await deployed();
    const now = new Date('2026-11-27T10:00:00Z').getTime();
    aws.logEvents.set('/aws/lambda/shop-dev-api', [
      { eventId: '1', timestamp: now - 60_000, message: 'REPORT RequestId: a\tDuration: 3.01 ms\tBilled Duration: 4 ms\tMemory Size: 512 MB\tMax Memory Used: 67 MB\tInit Duration: 140.62 ms' },
      { eventId: '2', timestamp: now - 30_000, message: 'REPORT RequestId: b\tDuration: 2.00 ms\tBilled Duration: 2 ms\tMemory Size: 512 MB\tMax Memory Used: 67 MB' },
    ]);
    const out = await cli(['metrics', '--compare', '--target', 'aws', '--json'], aws);
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout);
    const row = json.rows.find((r: { target: string }) => r.target === 'aws');
    expect(row).toMatchObject({ function: 'api', invocations: 2, coldStarts: 1 });
    expect(row.init).toMatchObject({ count: 1, p50: 140.62, sources: ['AWS REPORT lines: `Init Duration` of cold invocations, read from CloudWatch Logs'] });
    expect(row.coldLatency).toMatchObject({ count: 0, note: expect.stringContaining('AWS REPORT lines carry no client-side latency') });
    expect(json.targets.find((t: { target: string }) => t.target === 'aws')).toEqual({ target: 'aws', status: 'data' });
    const table = await cli(['metrics', '--compare', '--target', 'aws'], aws);
    expect(table.stdout).toMatch(/^api\s+aws\s+2\s+1\s+141\/141 \[1\]\s+- \[2\]\s+- \[2\]$/m);
    expect(table.stdout).toContain('[2] AWS REPORT lines carry no client-side latency');
  });
});
