import type { InvocationRecord, LogLine } from '../../src/model/invocation.js';

/** The figures of one Lambda `REPORT` log line. */
export interface ReportFigures {
  requestId: string;
  durationMs: number;
  billedMs: number;
  memoryMb: number;
  maxMemoryUsedMb?: number;
  /** Present on cold invocations only. */
  initMs?: number;
  /** `Status: timeout` / `Status: error` (with `Error Type: Runtime.OutOfMemory`), when Lambda adds them. */
  status?: string;
  errorType?: string;
}

function figure(line: string, label: string): number | undefined {
  const m = new RegExp(`${label}:\\s*([0-9.]+)\\s*(ms|MB)`).exec(line);
  return m ? Number(m[1]) : undefined;
}

/** Parse a `REPORT RequestId: ...` line (tab or space separated); undefined for anything else. Pure. */
export function parseReportLine(line: string): ReportFigures | undefined {
  const text = line.trim();
  const id = /^REPORT RequestId:\s*([0-9A-Za-z-]+)/.exec(text);
  if (!id) return undefined;
  const durationMs = figure(text, '(?<!Billed |Init |Restore )Duration');
  const billedMs = figure(text, 'Billed Duration');
  const memoryMb = figure(text, 'Memory Size');
  if (durationMs === undefined || billedMs === undefined || memoryMb === undefined) return undefined;
  const status = /Status:\s*([a-z]+)/i.exec(text)?.[1];
  const errorType = /Error Type:\s*([A-Za-z.]+)/.exec(text)?.[1];
  return {
    requestId: id[1],
    durationMs,
    billedMs,
    memoryMb,
    maxMemoryUsedMb: figure(text, 'Max Memory Used'),
    initMs: figure(text, 'Init Duration'),
    ...(status ? { status } : {}),
    ...(errorType ? { errorType } : {}),
  };
}

/** A REPORT line as the neutral InvocationRecord every target reports. */
export function reportToRecord(r: ReportFigures, fn: string, endedAt: number, extra: Partial<InvocationRecord> = {}): InvocationRecord {
  const outcome: InvocationRecord['outcome'] =
    r.status === 'timeout' ? 'timeout' : r.errorType === 'Runtime.OutOfMemory' ? 'oom' : r.status === 'error' ? 'error' : 'ok';
  return {
    target: 'aws',
    function: fn,
    requestId: r.requestId,
    // REPORT is written when the invocation ends.
    startedAt: Math.round(endedAt - r.durationMs),
    coldStart: r.initMs !== undefined,
    ...(r.initMs !== undefined ? { initMs: r.initMs } : {}),
    durationMs: r.durationMs,
    billedMs: r.billedMs,
    memoryMb: r.memoryMb,
    ...(r.maxMemoryUsedMb !== undefined ? { peakMemoryMb: r.maxMemoryUsedMb } : {}),
    outcome,
    source: 'AWS REPORT lines',
    ...extra,
  };
}

const LEVELS: Record<string, LogLine['level']> = { DEBUG: 'debug', TRACE: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error', FATAL: 'error' };

/**
 * One CloudWatch log event of a Lambda function as a LogLine: the runtime's text format
 * (`<time>\t<requestId>\t<LEVEL>\t<message>`), JSON lines, and START/END/REPORT platform lines.
 */
export function parseLogEvent(message: string, time: number, fn: string): LogLine {
  const text = message.replace(/\n$/, '');
  const platform = /^(START|END|REPORT|INIT_START) (?:RequestId: ([0-9A-Za-z-]+))?/.exec(text);
  if (platform) return { time, function: fn, level: 'info', message: text, ...(platform[2] ? { requestId: platform[2] } : {}) };
  const parts = text.split('\t');
  if (parts.length >= 4 && /^\d{4}-\d\d-\d\dT/.test(parts[0])) {
    const body = parts.slice(3).join('\t');
    return { time, function: fn, requestId: parts[1], level: LEVELS[parts[2]] ?? 'info', message: body };
  }
  if (text.startsWith('{')) {
    try {
      const data = JSON.parse(text) as Record<string, unknown>;
      const level = LEVELS[String(data.level ?? '').toUpperCase()] ?? 'info';
      return { time, function: fn, level, message: String(data.message ?? data.msg ?? text), ...(data.requestId ? { requestId: String(data.requestId) } : {}), data };
    } catch {
      // not JSON after all: fall through
    }
  }
  return { time, function: fn, level: 'info', message: text };
}
