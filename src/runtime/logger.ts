import type { LogData, Logger } from './index.js';

/** Receives one finished log line (no trailing newline). */
export type LineWriter = (line: string) => void;

/** The default sink: one line on stdout, which every cloud collects as the function's logs. */
export const stdoutWriter: LineWriter = (line) => {
  process.stdout.write(`${line}\n`);
};

/** Options of {@link createLogger}. */
export interface LoggerInit {
  /** Function name, written as `fn`. */
  fn: string;
  requestId: string;
  now: () => number;
  write: LineWriter;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

/**
 * A {@link Logger} that writes ONE JSON line per call:
 * `{ time (ISO), level, fn, requestId, msg, data? }`. Never throws: data that cannot be
 * serialized (cycles, BigInt) is replaced by a note rather than losing the line.
 */
export function createLogger(init: LoggerInit): Logger {
  const emit = (level: Level, msg: string, data?: LogData): void => {
    const line: Record<string, unknown> = {
      time: new Date(init.now()).toISOString(),
      level,
      fn: init.fn,
      requestId: init.requestId,
      msg: String(msg),
    };
    if (data !== undefined) line.data = data;
    init.write(safeStringify(line));
  };
  return {
    debug: (msg, data) => emit('debug', msg, data),
    info: (msg, data) => emit('info', msg, data),
    warn: (msg, data) => emit('warn', msg, data),
    error: (msg, data) => emit('error', msg, data),
  };
}

function expandErrors(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function safeStringify(line: Record<string, unknown>): string {
  try {
    return JSON.stringify(line, expandErrors);
  } catch (err) {
    // A cycle in user data: keep the line, drop the data, say why.
    const { data: _dropped, ...rest } = line;
    return JSON.stringify({ ...rest, data: { unserializable: String((err as Error).message) } });
  }
}

/** One parsed log line, as {@link createLogger} wrote it. */
export interface ParsedLogLine {
  time: number;
  level: Level;
  fn: string;
  requestId?: string;
  msg: string;
  data?: Record<string, unknown>;
}

/**
 * Parses a line written by {@link createLogger}; `undefined` for any other output (plain
 * `console.log` text, platform lines), so log readers can keep those as raw text.
 */
export function parseLogLine(line: string): ParsedLogLine | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const time = typeof v.time === 'string' ? Date.parse(v.time) : NaN;
  if (!LEVELS.includes(v.level as Level) || typeof v.msg !== 'string' || typeof v.fn !== 'string' || Number.isNaN(time)) {
    return undefined;
  }
  return {
    time,
    level: v.level as Level,
    fn: v.fn,
    requestId: typeof v.requestId === 'string' ? v.requestId : undefined,
    msg: v.msg,
    data: v.data && typeof v.data === 'object' ? (v.data as Record<string, unknown>) : undefined,
  };
}
