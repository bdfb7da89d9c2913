import type { AdapterContext } from '../core/adapter.js';
import type { EventSink } from '../core/events.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Service, TargetName } from '../model/service.js';
import { plainRenderer } from '../ui/plain.js';
import { formatDiagnostic } from '../ui/format-diagnostic.js';
import type { CliContext, CommonOptions } from './context.js';

export interface Session {
  service: Service;
  target: TargetName;
  warnings: Diagnostic[];
  events: EventSink;
  adapterContext: AdapterContext;
}

/** Where events go: nowhere with --json (the command prints one JSON document), else plain lines. */
export function eventSink(options: CommonOptions, ctx: CliContext): EventSink {
  if (ctx.events) return ctx.events;
  if (options.json) return () => {};
  return plainRenderer(ctx.stdout, ctx.stderr);
}

/** Load and validate the config for a command, print its warnings, and build the adapter context. */
export async function openSession(options: CommonOptions, ctx: CliContext): Promise<Session> {
  const { loadService } = await import('../config/load-service.js');
  const { service, target, diagnostics } = await loadService({
    cwd: ctx.cwd,
    configPath: options.config,
    stage: options.stage,
    target: options.target,
    env: ctx.env,
  });
  if (!options.json) for (const d of diagnostics) ctx.stderr.write(`${formatDiagnostic(d)}\n`);
  const events = eventSink(options, ctx);
  return {
    service,
    target,
    warnings: diagnostics,
    events,
    adapterContext: { env: ctx.env, cwd: ctx.cwd, events, now: ctx.now, clients: ctx.clients?.[target] },
  };
}

export async function packager(service: Service, target: TargetName, actx: AdapterContext) {
  const { packageService } = await import('../bundle/package-service.js');
  return packageService(service, target, { events: actx.events, cwd: actx.cwd });
}
