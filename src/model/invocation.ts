import type { TargetName } from './service.js';

/**
 * One invocation's figures, the same shape from every target (local measures them, AWS reads
 * REPORT lines, Azure Application Insights, GCP Cloud Logging). Feeds `sls-x metrics` and
 * `sls-x cost estimate --from-metrics`.
 */
export interface InvocationRecord {
  target: TargetName;
  function: string;
  requestId: string;
  /** Epoch ms when the invocation started. */
  startedAt: number;
  coldStart: boolean;
  /** Server-side init (module load) time, cold invocations only. */
  initMs?: number;
  /** Handler duration, server-side. */
  durationMs: number;
  /** What the target bills for this invocation (its own rounding). */
  billedMs: number;
  /** Configured memory, MB. */
  memoryMb: number;
  /** Peak memory used, MB, where the target reports it. */
  peakMemoryMb?: number;
  /** Client-side end-to-end latency where measured (gateway in to response out). */
  latencyMs?: number;
  outcome: 'ok' | 'error' | 'timeout' | 'oom' | 'throttled' | 'crash';
  /** Event kind that triggered it. */
  trigger?: 'http' | 'queue' | 'schedule' | 'storage' | 'invoke';
  error?: string;
  /** Where the figures came from, for labelling columns: `local measurement`, `AWS REPORT lines`, ... */
  source: string;
}

/** A structured log line of one invocation. */
export interface LogLine {
  time: number;
  function: string;
  requestId?: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
}
