import { describe, expect, it } from 'vitest';
import type { InvocationRecord } from '../../src/model/invocation.js';
import { compareColdStarts } from '../../src/metrics/compare.js';
import { renderCompare } from '../../src/metrics/render-compare.js';
import { renderBench, summariseBench, type BenchRun } from '../../src/metrics/bench.js';
import { parseRuns } from '../../src/cli/commands/bench-coldstart.js';

const rec = (over: Partial<InvocationRecord>): InvocationRecord => ({
  target: 'local', function: 'api', requestId: 'r', startedAt: 1000, coldStart: false, durationMs: 1, billedMs: 1, memoryMb: 128, outcome: 'ok', source: 'local measurement', ...over,
});
const aws = (over: Partial<InvocationRecord>) => rec({ target: 'aws', source: 'AWS REPORT lines', ...over });

describe('metrics --compare (pure)', () => {
  it('never passes server-side time off as client-side latency: only measured latency counts', () => {
    const [row] = compareColdStarts([
      rec({ coldStart: true, initMs: 30, durationMs: 5, latencyMs: 40 }),
      // Cold, with init but no client-side latency (e.g. `sls-x invoke`): counts for init only.
      rec({ coldStart: true, initMs: 50, durationMs: 500 }),
      rec({ latencyMs: 2 }),
      rec({ durationMs: 900 }),
      rec({ outcome: 'throttled', latencyMs: 1 }),
    ]);
    expect(row).toMatchObject({ function: 'api', target: 'local', invocations: 4, coldStarts: 2 });
    expect(row.init).toMatchObject({ count: 2, p50: 30, p95: 50 });
    expect(row.init.measures).toMatch(/^server-side init/);
    expect(row.coldLatency).toMatchObject({ count: 1, p50: 40, p95: 40 });
    expect(row.warmLatency).toMatchObject({ count: 1, p50: 2, p95: 2 });
    expect(row.coldLatency.measures).toMatch(/^client-side/);
    expect(row.init.sources).toEqual(['local measurement: the local cloud times each new instance, worker start to handler module loaded']);
    expect(row.warmLatency.sources[0]).toMatch(/^local measurement: the local HTTP gateway/);
  });

  it('AWS REPORT lines give init, and no latency with a note saying how to measure it', () => {
    const rows = compareColdStarts([aws({ coldStart: true, initMs: 140.62, durationMs: 3 }), aws({ durationMs: 2 }), rec({ coldStart: true, initMs: 20, latencyMs: 25 })]);
    expect(rows.map((r) => `${r.function}/${r.target}`)).toEqual(['api/aws', 'api/local']);
    const [a] = rows;
    expect(a.init).toMatchObject({ count: 1, p50: 140.62, sources: ['AWS REPORT lines: `Init Duration` of cold invocations, read from CloudWatch Logs'] });
    expect(a.coldLatency).toEqual({ measures: expect.stringMatching(/^client-side/), sources: [], count: 0, note: expect.stringContaining('sls-x bench coldstart <fn> --target aws') });
    expect(a.warmLatency.count).toBe(0);
  });

  it('renders labelled columns, numbered sources, and the targets without figures', () => {
    const rows = compareColdStarts([aws({ coldStart: true, initMs: 140.62 }), rec({ coldStart: true, initMs: 20.5, latencyMs: 25 }), rec({ latencyMs: 1.5 })]);
    const text = renderCompare(rows, [
      { target: 'aws', status: 'data' },
      { target: 'azure', status: 'no reader yet', note: 'Azure Application Insights records durations but no cold-start flag: sls-x does not read it yet' },
      { target: 'local', status: 'data' },
    ]);
    const lines = text.split('\n');
    expect(lines).toContain('function  target  invocations  cold starts  init p50/p95 ms (server-side)  cold latency p50/p95 ms (client-side)  warm latency p50/p95 ms (client-side)');
    expect(text).toMatch(/^api\s+aws\s+1\s+1\s+141\/141 \[1\]\s+- \[2\]\s+- \[2\]$/m);
    expect(text).toMatch(/^api\s+local\s+2\s+1\s+20\.5\/20\.5 \[3\]\s+25\.0\/25\.0 \[4\]\s+1\.50\/1\.50 \[4\]$/m);
    expect(text).toContain('[1] server-side init, AWS REPORT lines: `Init Duration` of cold invocations, read from CloudWatch Logs.');
    expect(text).toMatch(/^\[2\] AWS REPORT lines carry no client-side latency/m);
    expect(text).toContain('[4] client-side latency, local measurement: the local HTTP gateway');
    expect(text).toContain('azure: no reader yet (Azure Application Insights records durations but no cold-start flag: sls-x does not read it yet).');
    expect(text).not.toMatch(/^aws: /m);
    expect(renderCompare([], [])).toContain('No invocation records on any target yet.');
  });
});

describe('bench coldstart (pure parts)', () => {
  const run = (i: number, over: Partial<BenchRun> = {}): BenchRun => ({ run: i, requestId: `r${i}`, coldStart: true, initMs: 10 * i, latencyMs: 20 * i, durationMs: 1, outcome: 'ok', source: 'local measurement', ...over });

  it('summarises only the runs the target reported cold: p50/p95/min/max with what and where', () => {
    const s = summariseBench('api', 'local', 'new instance', [run(1), run(2), run(3, { coldStart: false, initMs: undefined, latencyMs: 1 }), run(4, { outcome: 'error', error: 'boom' })]);
    expect(s).toMatchObject({ runs: 4, coldStarts: 3, notCold: [3], outcomes: { ok: 3, error: 1 } });
    expect(s.init).toMatchObject({ count: 3, p50: 20, p95: 40, min: 10, max: 40, source: expect.stringMatching(/^local measurement/), measures: expect.stringMatching(/^server-side init/) });
    expect(s.latency).toMatchObject({ count: 3, p50: 40, min: 20, max: 80, source: expect.stringContaining('measured by sls-x'), measures: expect.stringMatching(/^client-side/) });
    const text = renderBench(s);
    expect(text).toMatch(/^init \(server-side\)\s+20\.0\s+40\.0\s+10\.0\s+40\.0\s+3$/m);
    expect(text).toMatch(/^cold latency \(client-side\)\s+40\.0\s+80\.0\s+20\.0\s+80\.0\s+3$/m);
    expect(text).toContain('Not reported cold: run(s) 3; they are left out of the figures.');
  });

  it('-n must be a whole number from 1 to 1000 (USAGE naming the flag)', () => {
    expect(parseRuns(undefined)).toBe(20);
    expect(parseRuns('1')).toBe(1);
    expect(parseRuns('1000')).toBe(1000);
    for (const bad of ['0', '1001', '-1', '2.5', 'ten', '', '1e3']) {
      expect(() => parseRuns(bad)).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('-n') }));
    }
  });
});
