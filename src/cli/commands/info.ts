import type { Outputs } from '../../core/adapter.js';
import type { Service } from '../../model/service.js';
import type { CommandRun } from '../context.js';
import { openSession } from '../session.js';

/** What `sls-x info` reports: the config's shape joined with what is deployed. */
export interface ServiceInfo {
  service: string;
  stage: string;
  target: string;
  /** Whether anything of this service and stage exists on the target. */
  deployed: boolean;
  /** How many resources sls-x found there (by its tags). */
  resources: number;
  endpoints: Outputs['endpoints'];
  functions: Array<{ name: string; physicalName?: string; handler: string; memory: number; timeoutMs: number; events: string[] }>;
  queues: Array<{ name: string; deadLetter: boolean; maxRetries: number }>;
  buckets: Array<{ name: string }>;
  /** Key-value tables, with their key attribute and the functions that use them. */
  tables: Array<{ name: string; key: string; usedBy: string[] }>;
  schedules: Array<{ function: string; expression: string; timezone: string; enabled: boolean }>;
}

function describeEvent(e: Service['functions'][number]['events'][number]): string {
  switch (e.kind) {
    case 'http': return `http ${e.method} ${e.path}`;
    case 'queue': return `queue ${e.queue}`;
    case 'schedule': return `schedule ${e.expression}`;
    case 'storage': return `storage ${e.bucket} (${e.on.join(', ')})`;
  }
}

/** Join the config with the target's outputs. Pure. */
export function serviceInfo(service: Service, target: string, resources: number, outputs: Outputs | undefined): ServiceInfo {
  const physical = new Map((outputs?.functions ?? []).map((f) => [f.name, f.physicalName]));
  return {
    service: service.service,
    stage: service.stage,
    target,
    deployed: resources > 0,
    resources,
    endpoints: outputs?.endpoints ?? [],
    functions: service.functions.map((f) => ({
      name: f.name,
      ...(physical.has(f.name) ? { physicalName: physical.get(f.name) } : {}),
      handler: `${f.handler.file}#${f.handler.export}`,
      memory: f.memory,
      timeoutMs: f.timeoutMs,
      events: f.events.map(describeEvent),
    })),
    queues: service.queues.map((q) => ({ name: q.name, deadLetter: q.deadLetter, maxRetries: q.maxRetries })),
    buckets: service.buckets.map((b) => ({ name: b.name })),
    tables: (service.tables ?? []).map((t) => ({ name: t.name, key: t.key, usedBy: service.functions.filter((f) => (f.tables ?? []).some((x) => x.name === t.name)).map((f) => f.name) })),
    schedules: service.functions.flatMap((f) => f.events.flatMap((e) => (e.kind === 'schedule' ? [{ function: f.name, expression: e.expression, timezone: e.timezone, enabled: e.enabled }] : []))),
  };
}

/** Plain text for a terminal or a pipe. */
export function renderInfo(info: ServiceInfo): string {
  const out: string[] = [];
  out.push(`service ${info.service} · stage ${info.stage} · target ${info.target} · ${info.deployed ? `deployed (${info.resources} resources)` : 'not deployed'}`);
  const section = (title: string, rows: string[]): void => {
    if (rows.length) out.push('', `${title}:`, ...rows.map((r) => `  ${r}`));
  };
  section('endpoints', info.endpoints.map((e) => `${e.method.padEnd(6)} ${e.url}  (${e.function})`));
  section('functions', info.functions.map((f) => `${f.name}${f.physicalName ? ` [${f.physicalName}]` : ''}  ${f.handler}  ${f.memory} MB, ${f.timeoutMs / 1000} s${f.events.length ? `  ← ${f.events.join('; ')}` : ''}`));
  section('queues', info.queues.map((q) => `${q.name}${q.deadLetter ? `  (dead-letter after ${q.maxRetries} retries)` : ''}`));
  section('buckets', info.buckets.map((b) => b.name));
  section('tables', info.tables.map((t) => `${t.name}  (key ${t.key})${t.usedBy.length ? `  ← ${t.usedBy.join(', ')}` : ''}`));
  section('schedules', info.schedules.map((s) => `${s.function}  ${s.expression}${s.timezone !== 'UTC' ? ` (${s.timezone})` : ''}${s.enabled ? '' : '  (disabled)'}`));
  if (!info.deployed) out.push('', `Nothing is deployed for this stage yet: run \`sls-x deploy${info.target === 'local' ? '' : ` --target ${info.target}`}${info.stage === 'dev' ? '' : ` --stage ${info.stage}`}\`.`);
  return `${out.join('\n')}\n`;
}

/** `sls-x info`: endpoints, functions, queues, buckets, tables and schedules of a stage on a target. Read-only. */
export const run: CommandRun = async ({ options }, ctx) => {
  const session = await openSession(options, ctx, { warnings: false });
  const { loadAdapter } = await import('../../core/targets.js');
  const adapter = await loadAdapter(session.target);
  const actx = session.adapterContext;
  const scope = await adapter.scope(session.service, actx);
  const observed = await adapter.observe(scope, actx);
  const outputs = observed.length > 0 ? await adapter.outputs(session.service, scope, actx) : undefined;
  const info = serviceInfo(session.service, session.target, observed.length, outputs);
  ctx.stdout.write(options.json ? `${JSON.stringify(info, null, 2)}\n` : renderInfo(info));
};
