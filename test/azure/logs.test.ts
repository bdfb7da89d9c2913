import { describe, expect, it } from 'vitest';
import { adapter } from '../../providers/azure/index.js';
import type { LogLine } from '../../src/model/invocation.js';
import { FakeArm } from './support/fake-arm.js';
import { artifacts, context, deploy } from './support/service.js';
import { shop } from './support/shop.js';

async function collect(it: AsyncIterable<LogLine>): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for await (const l of it) out.push(l);
  return out;
}

describe('azure adapter: logs from Application Insights', () => {
  it('queries the app workspace for the function and parses the shim lines and host lines', async () => {
    const arm = new FakeArm();
    const s = shop();
    await deploy(s, artifacts(s), arm);
    arm.traces = [
      { TimeGenerated: '2026-11-27T09:30:00.000Z', Message: JSON.stringify({ time: '2026-11-27T09:30:00.000Z', level: 'warn', fn: 'api', requestId: 'inv-1', msg: 'slow order', data: { id: 42 } }), SeverityLevel: 1, OperationId: 'op-1', Properties: '{"InvocationId":"inv-1"}' },
      { TimeGenerated: '2026-11-27T09:30:01.000Z', Message: "Executed 'Functions.api' (Failed, Id=inv-2, Duration=12ms)", SeverityLevel: 3, OperationId: 'op-2', Properties: '{"InvocationId":"inv-2"}' },
    ];
    arm.requests.length = 0;
    const lines = await collect(adapter.logs!(s, 'api', { follow: false, sinceMs: 3_600_000 }, context(arm)));
    expect(lines).toEqual([
      { time: Date.parse('2026-11-27T09:30:00.000Z'), function: 'api', level: 'warn', message: 'slow order', requestId: 'inv-1', data: { id: 42 } },
      { time: Date.parse('2026-11-27T09:30:01.000Z'), function: 'api', level: 'error', message: "Executed 'Functions.api' (Failed, Id=inv-2, Duration=12ms)", requestId: 'inv-2' },
    ]);
    const q = arm.requests.find((r) => r.host === 'api.loganalytics.io')!;
    expect(q.method).toBe('POST');
    expect(q.path).toBe('/v1/workspaces/33333333-3333-3333-3333-333333333333/query');
    expect(q.body.query).toBe(
      [
        'AppTraces',
        '| where TimeGenerated >= datetime(2026-11-27T09:00:00.000Z)',
        "| where AppRoleName =~ 'shop-dev' and OperationName in ('api')",
        '| project TimeGenerated, Message, SeverityLevel, OperationId, Properties',
        '| order by TimeGenerated asc',
        '| take 1000',
      ].join('\n'),
    );
    expect(arm.mutating().filter((r) => r.host !== 'api.loganalytics.io')).toEqual([]);
  });

  it('a plain-HTTP AZURE_LOG_ANALYTICS_ENDPOINT is refused: the query carries a bearer token', async () => {
    const arm = new FakeArm();
    const s = shop();
    await deploy(s, artifacts(s), arm);
    arm.requests.length = 0;
    const err = await collect(adapter.logs!(s, 'api', { follow: false }, context(arm, { AZURE_LOG_ANALYTICS_ENDPOINT: 'http://127.0.0.1:9' }))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'USAGE', message: expect.stringMatching(/AZURE_LOG_ANALYTICS_ENDPOINT must be an https:\/\/ URL/) });
    expect(arm.requests.filter((r) => r.host.startsWith('127.0.0.1'))).toEqual([]);
  });

  it('--follow polls until stopped, without repeating lines', async () => {
    const arm = new FakeArm();
    const s = shop();
    await deploy(s, artifacts(s), arm);
    arm.traces = [{ TimeGenerated: '2026-11-27T09:59:00.000Z', Message: 'one', SeverityLevel: 1, OperationId: 'a', Properties: '{}' }];
    const stop = new AbortController();
    const seen: string[] = [];
    let polls = 0;
    const ctx = context(arm);
    (ctx.clients as { azure: { sleep: () => Promise<void> } }).azure.sleep = async () => {
      polls++;
      if (polls === 1) arm.traces.push({ TimeGenerated: '2026-11-27T09:59:30.000Z', Message: 'two', SeverityLevel: 1, OperationId: 'b', Properties: '{}' });
      if (polls === 3) stop.abort();
    };
    for await (const l of adapter.logs!(s, 'api', { follow: true, signal: stop.signal }, ctx)) seen.push(l.message);
    expect(seen).toEqual(['one', 'two']);
    expect(polls).toBe(3);
  });
});
