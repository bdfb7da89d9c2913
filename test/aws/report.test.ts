import { describe, expect, it } from 'vitest';
import { parseLogEvent, parseReportLine, reportToRecord } from '../../providers/aws/report.js';

describe('REPORT line parser', () => {
  it('reads a cold invocation (the PRICING.md line, tab separated as Lambda writes it)', () => {
    const line = 'REPORT RequestId: 8f507cfc-3a5b-4d2e-9c1f-0c2d3e4f5a6b\tDuration: 3.01 ms\tBilled Duration: 4 ms\tMemory Size: 1024 MB\tMax Memory Used: 67 MB\tInit Duration: 140.62 ms\t\n';
    expect(parseReportLine(line)).toEqual({ requestId: '8f507cfc-3a5b-4d2e-9c1f-0c2d3e4f5a6b', durationMs: 3.01, billedMs: 4, memoryMb: 1024, maxMemoryUsedMb: 67, initMs: 140.62 });
  });

  it('reads a warm invocation with X-Ray fields, and a timeout / out-of-memory status', () => {
    const warm = 'REPORT RequestId: 1a2b3c4d-0000-1111-2222-333344445555  Duration: 120.49 ms  Billed Duration: 121 ms  Memory Size: 512 MB  Max Memory Used: 88 MB  \nXRAY TraceId: 1-5e1b4151-5ac6c58f5b5daa6532e4f2e8  SegmentId: 6b3e1a7c2d5f9e01  Sampled: true';
    expect(parseReportLine(warm)).toEqual({ requestId: '1a2b3c4d-0000-1111-2222-333344445555', durationMs: 120.49, billedMs: 121, memoryMb: 512, maxMemoryUsedMb: 88, initMs: undefined });
    const timeout = 'REPORT RequestId: 9e8d7c6b-aaaa-bbbb-cccc-ddddeeeeffff\tDuration: 10000.00 ms\tBilled Duration: 10000 ms\tMemory Size: 128 MB\tMax Memory Used: 45 MB\tStatus: timeout';
    expect(reportToRecord(parseReportLine(timeout)!, 'api', 50_000).outcome).toBe('timeout');
    const oom = 'REPORT RequestId: 11111111-2222-3333-4444-555555555555\tDuration: 812.33 ms\tBilled Duration: 813 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB\tStatus: error\tError Type: Runtime.OutOfMemory';
    expect(reportToRecord(parseReportLine(oom)!, 'api', 50_000).outcome).toBe('oom');
  });

  it('ignores lines that are not REPORT lines or lack figures', () => {
    expect(parseReportLine('START RequestId: 8f507cfc Version: $LATEST')).toBeUndefined();
    expect(parseReportLine('END RequestId: 8f507cfc')).toBeUndefined();
    expect(parseReportLine('REPORT RequestId: abc Duration: 1 ms')).toBeUndefined();
    expect(parseReportLine('2026-11-27T10:00:00.000Z\tabc\tINFO\tREPORT RequestId: x')).toBeUndefined();
  });

  it('turns a REPORT line into the neutral InvocationRecord', () => {
    const r = parseReportLine('REPORT RequestId: r-1\tDuration: 3.01 ms\tBilled Duration: 4 ms\tMemory Size: 1024 MB\tMax Memory Used: 67 MB\tInit Duration: 140.62 ms')!;
    expect(reportToRecord(r, 'api', 1_000_000)).toEqual({
      target: 'aws',
      function: 'api',
      requestId: 'r-1',
      startedAt: 999_997,
      coldStart: true,
      initMs: 140.62,
      durationMs: 3.01,
      billedMs: 4,
      memoryMb: 1024,
      peakMemoryMb: 67,
      outcome: 'ok',
      source: 'AWS REPORT lines',
    });
  });

  it('parses runtime log lines, platform lines and JSON lines', () => {
    expect(parseLogEvent('2026-11-27T10:00:00.123Z\tr-1\tERROR\tboom\tmore\n', 5, 'api')).toEqual({ time: 5, function: 'api', requestId: 'r-1', level: 'error', message: 'boom\tmore' });
    expect(parseLogEvent('START RequestId: r-2 Version: $LATEST\n', 6, 'api')).toEqual({ time: 6, function: 'api', requestId: 'r-2', level: 'info', message: 'START RequestId: r-2 Version: $LATEST' });
    expect(parseLogEvent('{"level":"warn","message":"slow","requestId":"r-3"}', 7, 'api')).toMatchObject({ level: 'warn', message: 'slow', requestId: 'r-3' });
    expect(parseLogEvent('plain text', 8, 'api')).toEqual({ time: 8, function: 'api', level: 'info', message: 'plain text' });
  });
});
