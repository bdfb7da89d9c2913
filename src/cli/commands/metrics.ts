import { SlsxError } from '../../errors/slsx-error.js';
import { TARGETS, type TargetName } from '../../model/service.js';
import type { InvocationRecord } from '../../model/invocation.js';
import { parseSince } from '../../metrics/since.js';
import type { TargetStatus } from '../../metrics/compare.js';
import type { CliContext, CommandRun } from '../context.js';
import { openSession, type Session } from '../session.js';

export interface MetricsOptions {
  compare?: boolean;
  since?: string;
}

const firstLine = (err: unknown): string => (err instanceof Error ? err.message.split('\n')[0] : String(err));

/**
 * Read every target's invocation records for `--compare`: local always, a cloud when faas.yaml
 * configures it (or it is the command's target); Azure says it has no reader yet.
 * A target that fails to answer (no credentials, ...) is reported, not fatal.
 */
async function readAll(session: Session, ctx: CliContext, sinceMs: number | undefined): Promise<{ records: InvocationRecord[]; targets: TargetStatus[] }> {
  const { loadAdapter } = await import('../../core/targets.js');
  const { NO_READER_YET } = await import('../../metrics/sources.js');
  const records: InvocationRecord[] = [];
  const targets: TargetStatus[] = [];
  for (const target of TARGETS as readonly TargetName[]) {
    const wanted = target === 'local' || target === session.target || session.service.targets[target] !== undefined;
    if (NO_READER_YET[target]) {
      targets.push({ target, status: 'no reader yet', note: NO_READER_YET[target] });
      continue;
    }
    if (!wanted) {
      targets.push({ target, status: 'not configured', note: `no targets.${target} in ${session.service.configFile}; add it, or pass --target ${target}, to read its records` });
      continue;
    }
    try {
      const adapter = await loadAdapter(target);
      if (!adapter.invocations) throw new SlsxError('TARGET_NOT_AVAILABLE', `no invocation records on ${target}`);
      const got = await adapter.invocations(session.service, sinceMs !== undefined ? { sinceMs } : {}, { ...session.adapterContext, clients: ctx.clients?.[target] });
      records.push(...got);
      targets.push({ target, status: got.length ? 'data' : 'no records' });
    } catch (err) {
      targets.push({ target, status: 'unavailable', note: firstLine(err) });
    }
  }
  return { records, targets };
}

/**
 * `sls-x metrics [--target T] [--since 1h] [--compare] [--json]`: per function invocations, cold
 * starts, init p50/p95, warm and cold latency p50/p95/p99, errors and throttles, from the target's
 * invocation records. `--compare` puts every target that has records side by side, with
 * server-side init and client-side latency in separate, labelled columns (docs/metrics.md).
 */
export const run: CommandRun<MetricsOptions> = async ({ options }, ctx) => {
  const sinceMs = parseSince('--since', options.since);
  const session = await openSession(options, ctx);
  if (options.compare) {
    const { compareColdStarts } = await import('../../metrics/compare.js');
    const { COLUMN, MEASURES } = await import('../../metrics/sources.js');
    const { records, targets } = await readAll(session, ctx, sinceMs);
    const rows = compareColdStarts(records);
    if (options.json) {
      const columns = Object.fromEntries(Object.entries(COLUMN).map(([k, label]) => [k, { label, measures: MEASURES[k as keyof typeof MEASURES] }]));
      ctx.stdout.write(`${JSON.stringify({ columns, rows, targets }, null, 2)}\n`);
      return;
    }
    const { renderCompare } = await import('../../metrics/render-compare.js');
    ctx.stdout.write(renderCompare(rows, targets));
    return;
  }
  const { loadAdapter } = await import('../../core/targets.js');
  const { aggregateInvocations } = await import('../../metrics/aggregate.js');
  const { renderMetricsTable } = await import('../../metrics/render.js');
  const adapter = await loadAdapter(session.target);
  if (!adapter.invocations) throw new SlsxError('TARGET_NOT_AVAILABLE', `\`sls-x metrics\` cannot read invocation records on ${session.target} yet.`);
  const records = await adapter.invocations(session.service, sinceMs !== undefined ? { sinceMs } : {}, session.adapterContext);
  const rows = aggregateInvocations(records);
  if (options.json) {
    ctx.stdout.write(`${JSON.stringify({ functions: rows }, null, 2)}\n`);
    return;
  }
  ctx.stdout.write(renderMetricsTable(rows));
};
