import type { ForcedColdStart, InvokeResult } from '../../core/adapter.js';
import { SlsxError } from '../../errors/slsx-error.js';
import type { BenchRun } from '../../metrics/bench.js';
import type { CommandRun } from '../context.js';
import { openSession } from '../session.js';

export interface BenchColdstartOptions {
  n?: string;
  data?: string;
}

/** Bounds of -n: at least one run; at most 1,000 (each AWS run is a configuration change and a wait). */
export const MAX_RUNS = 1000;

/** `-n` as a whole number in 1..1000, or USAGE naming the flag. */
export function parseRuns(value: string | undefined): number {
  const text = (value ?? '20').trim();
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_RUNS) {
    throw new SlsxError('USAGE', `-n ${JSON.stringify(value)}: the number of cold starts must be a whole number from 1 to ${MAX_RUNS}.`, { hint: 'e.g. `sls-x bench coldstart api -n 20`.' });
  }
  return n;
}

function parseData(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new SlsxError('USAGE', `--data is not valid JSON: ${(err as Error).message}.`, { hint: `Quote it for the shell, e.g. --data '{"id": 42}'.` });
  }
}

const fmt = (v: number | undefined): string => (v === undefined ? '-' : `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`);

/**
 * `sls-x bench coldstart <fn> [--target T] [-n 20] [--data json] [--json]`: forces N cold starts
 * through the target's `forceColdStart` (local: new instance; AWS: a configuration change; GCP: a new
 * revision; Azure: an app restart), invokes
 * once after each, and prints server-side init and client-side latency as p50/p95/min/max with
 * their sources. Targets without the operation answer TARGET_NOT_AVAILABLE (exit 2).
 */
export const run: CommandRun<BenchColdstartOptions> = async ({ args, options }, ctx) => {
  const runs = parseRuns(options.n);
  const payload = parseData(options.data);
  const fn = args[0];
  const session = await openSession(options, ctx);
  if (!session.service.functions.some((f) => f.name === fn)) {
    throw new SlsxError('FUNCTION_NOT_FOUND', `There is no function '${fn}' in ${session.service.configFile}.`, {
      hint: `Functions: ${session.service.functions.map((f) => f.name).join(', ') || '(none)'}.`,
    });
  }
  const { loadAdapter } = await import('../../core/targets.js');
  const adapter = await loadAdapter(session.target);
  if (!adapter.forceColdStart || !adapter.invoke) {
    throw new SlsxError('TARGET_NOT_AVAILABLE', `\`sls-x bench coldstart\` cannot force cold starts on target '${session.target}' yet.`, { hint: 'See docs/metrics.md for how each target forces cold starts.' });
  }
  const actx = session.adapterContext;
  const done: BenchRun[] = [];
  let method = '';
  let last: ForcedColdStart | undefined;
  const say = (text: string) => {
    if (!options.json) ctx.stdout.write(text);
  };
  say(`Forcing ${runs} cold start(s) of ${fn} on ${session.target}...\n`);
  try {
    for (let i = 1; i <= runs; i++) {
      last = await adapter.forceColdStart(session.service, fn, actx);
      method = last.method;
      const invoke = last.invoke ?? ((p: unknown) => adapter.invoke!(session.service, fn, p, actx));
      // performance.now(): sub-ms resolution for a measurement (ctx.now is for timestamps).
      const started = performance.now();
      const out: InvokeResult = await invoke(payload);
      const latencyMs = Math.round((performance.now() - started) * 100) / 100;
      const r = out.record;
      done.push({ run: i, requestId: r.requestId, coldStart: r.coldStart, ...(r.initMs !== undefined ? { initMs: r.initMs } : {}), latencyMs, durationMs: r.durationMs, outcome: r.outcome, source: r.source, ...(r.error ? { error: r.error } : {}) });
      say(`  ${String(i).padStart(String(runs).length)}/${runs}  ${r.coldStart ? 'cold' : 'WARM'}  init ${fmt(r.initMs)}  latency ${fmt(latencyMs)}  ${r.outcome}${r.error ? `: ${r.error.split('\n')[0]}` : ''}\n`);
    }
  } finally {
    await cleanup(last, ctx.stderr);
  }
  const { summariseBench, renderBench } = await import('../../metrics/bench.js');
  const summary = summariseBench(fn, session.target, method, done);
  if (options.json) ctx.stdout.write(`${JSON.stringify({ ...summary, samples: done }, null, 2)}\n`);
  else ctx.stdout.write(renderBench(summary));
  return 0;
};

/** Undo what forcing left behind once, after the last run (or a failure); a failed undo is said, not hidden. */
async function cleanup(last: ForcedColdStart | undefined, stderr: { write(text: string): void }): Promise<void> {
  if (!last?.cleanup) return;
  try {
    await last.cleanup();
  } catch (err) {
    stderr.write(`warning: could not undo the cold-start change (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); \`sls-x deploy\` restores the configuration from faas.yaml.\n`);
  }
}
