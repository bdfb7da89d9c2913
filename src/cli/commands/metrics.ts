import { SlsxError } from '../../errors/slsx-error.js';
import { TARGETS } from '../../model/service.js';
import type { InvocationRecord } from '../../model/invocation.js';
import { parseSince } from '../../metrics/since.js';
import type { CommandRun } from '../context.js';
import { openSession } from '../session.js';

export interface MetricsOptions {
  compare?: boolean;
  since?: string;
}

/**
 * `sls-x metrics [--target T] [--since 1h] [--compare] [--json]`: per function invocations, cold
 * starts, init p50/p95, warm and cold latency p50/p95/p99, errors and throttles, from the target's
 * invocation records. `--compare` puts every target that has records side by side.
 */
export const run: CommandRun<MetricsOptions> = async ({ options }, ctx) => {
  const sinceMs = parseSince('--since', options.since);
  const session = await openSession(options, ctx);
  const { loadAdapter } = await import('../../core/targets.js');
  const { aggregateInvocations } = await import('../../metrics/aggregate.js');
  const { renderMetricsTable } = await import('../../metrics/render.js');
  const targets = options.compare ? [...TARGETS] : [session.target];
  const records: InvocationRecord[] = [];
  const skipped: string[] = [];
  for (const target of targets) {
    try {
      const adapter = await loadAdapter(target);
      if (!adapter.invocations) throw new SlsxError('TARGET_NOT_AVAILABLE', `no invocation records on ${target}`);
      records.push(...(await adapter.invocations(session.service, sinceMs !== undefined ? { sinceMs } : {}, { ...session.adapterContext, clients: ctx.clients?.[target] })));
    } catch (err) {
      if (!options.compare) throw err;
      skipped.push(`${target} (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
    }
  }
  const rows = aggregateInvocations(records);
  if (options.json) {
    ctx.stdout.write(`${JSON.stringify({ functions: rows, ...(skipped.length ? { skipped } : {}) }, null, 2)}\n`);
    return;
  }
  ctx.stdout.write(renderMetricsTable(rows));
  if (skipped.length > 0) ctx.stderr.write(`No figures from: ${skipped.join('; ')}.\n`);
};
