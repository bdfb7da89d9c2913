import type { AdapterContext } from '../core/adapter.js';
import type { EventSink } from '../core/events.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Service, TargetName } from '../model/service.js';
import { plainRenderer } from '../ui/plain.js';
import { formatDiagnostic } from '../ui/format-diagnostic.js';
import type { CliContext, CommonOptions } from './context.js';

export interface Session {
  /** The ink view, when the command drew one: end it with `finish`. */
  view?: { finish(result: { outputs?: import('../core/adapter.js').Outputs; error?: string }): Promise<void> };
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

/**
 * Load and validate the config for a command, print its warnings, and build the adapter context.
 * With `view`, an interactive terminal gets the ink progress view (imported only then).
 */
export async function openSession(options: CommonOptions, ctx: CliContext, wants: { view?: boolean; warnings?: boolean } = {}): Promise<Session> {
  const { loadService } = await import('../config/load-service.js');
  const { service, target, diagnostics } = await loadService({
    cwd: ctx.cwd,
    configPath: options.config,
    stage: options.stage,
    target: options.target,
    env: ctx.env,
  });
  if (!options.json && wants.warnings !== false) for (const d of diagnostics) ctx.stderr.write(`${formatDiagnostic(d)}\n`);
  let events = eventSink(options, ctx);
  let view: Session['view'];
  if (wants.view && ctx.interactive && !options.json && !ctx.events) {
    const { renderDeployView } = await import('../ui/deploy-view.js');
    const drawn = renderDeployView();
    events = drawn.events;
    view = drawn;
  }
  return {
    view,
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

/** Run a command's work under the session's view (if any): the view shows the outputs or the error, then ends. */
export async function withView<T extends { outputs?: import('../core/adapter.js').Outputs }>(session: Session, work: () => Promise<T>): Promise<T> {
  try {
    const result = await work();
    await session.view?.finish({ outputs: result.outputs });
    return result;
  } catch (err) {
    await session.view?.finish({ error: err instanceof Error ? err.message.split('\n')[0] : String(err) });
    throw err;
  }
}
