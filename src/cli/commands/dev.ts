import { SlsxError, toSlsxError } from '../../errors/slsx-error.js';
import type { InvocationRecord, LogLine } from '../../model/invocation.js';
import { formatDiagnostic } from '../../ui/format-diagnostic.js';
import type { CliContext, CommandRun, CommonOptions } from '../context.js';
import { openSession, packager } from '../session.js';

function recordLine(r: InvocationRecord): string {
  const timing = r.coldStart ? `cold, init ${r.initMs?.toFixed(1)} ms + ${r.durationMs.toFixed(1)} ms` : `${(r.latencyMs ?? r.durationMs).toFixed(1)} ms`;
  return `${new Date(r.startedAt).toISOString().slice(11, 23)} ${r.function} ${r.trigger ?? ''} ${r.outcome} (${timing})${r.error ? `: ${r.error.split('\n')[0]}` : ''}\n`;
}

function logLine(l: LogLine): string {
  return `${new Date(l.time).toISOString().slice(11, 23)}   ${l.function} ${l.level.toUpperCase()} ${l.message}${l.data ? ` ${JSON.stringify(l.data)}` : ''}\n`;
}

/**
 * Start `sls-x dev` and return once it runs; `signal` stops it. Split from `run` so tests drive it
 * without process signals.
 */
export async function startDev(options: CommonOptions & { inspect?: boolean | string }, ctx: CliContext, signal: AbortSignal) {
  const session = await openSession(options, ctx);
  if (options.inspect) {
    // The functions' worker threads run in this process: a debugger attached here sees each of
    // them (Chrome DevTools lists them under Threads; VS Code "attach" with autoAttachChildProcesses).
    const port = options.inspect === true ? 9229 : Number(options.inspect);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SlsxError('USAGE', `--inspect takes a port number (got '${String(options.inspect)}').`, { hint: 'E.g. `sls-x dev --inspect` (9229) or `--inspect=9230`.' });
    const inspector = await import('node:inspector');
    if (!inspector.url()) inspector.open(port, '127.0.0.1');
    ctx.stdout.write(`Debugger listening on ${inspector.url()} (loopback only): attach Chrome DevTools (chrome://inspect) or your editor; breakpoints in src/ work through source maps.\n`);
    signal.addEventListener('abort', () => inspector.close(), { once: true });
  }
  if (session.target !== 'local') throw new SlsxError('TARGET_NOT_AVAILABLE', `\`sls-x dev\` runs the local cloud; it cannot run target '${session.target}'.`, { hint: 'Drop --target (or use --target local).' });
  const { runDev } = await import('../../../providers/local/dev.js');
  const { loadAdapter } = await import('../../core/targets.js');
  const { makePlan, applyPlan } = await import('../../apply/deploy.js');
  const adapter = await loadAdapter('local');
  const quiet = { ...session.adapterContext, events: () => {} };
  return runDev(session.service, {
    deploy: async (service) => {
      const actx = { ...quiet };
      const plan = await makePlan({ service, target: 'local', adapter, ctx: actx, packager });
      const outputs = await applyPlan({ plan, service, adapter, ctx: actx });
      return { changed: plan.changes.filter((c) => c.action !== 'noop').length, endpoints: outputs?.endpoints ?? [] };
    },
    reload: async () => {
      const { loadService } = await import('../../config/load-service.js');
      const loaded = await loadService({ cwd: ctx.cwd, configPath: options.config, stage: options.stage, target: 'local', env: ctx.env });
      for (const d of loaded.diagnostics) ctx.stderr.write(`${formatDiagnostic(d)}\n`);
      return loaded.service;
    },
    print: (line) => ctx.stdout.write(`${line}\n`),
    printError: (err) => {
      const e = toSlsxError(err);
      ctx.stderr.write(`error ${e.code}: ${e.message}\n${e.diagnostics.map((d) => `${formatDiagnostic(d)}\n`).join('')}${e.hint ? `  hint: ${e.hint}\n` : ''}`);
    },
    onRecord: (r) => ctx.stdout.write(recordLine(r)),
    onLog: (l) => ctx.stdout.write(logLine(l)),
  }, signal);
}

/** `sls-x dev`: the local cloud in the foreground with watch and rebuild; Ctrl-C stops it cleanly. */
export const run: CommandRun = async ({ options }, ctx) => {
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const running = await startDev(options, ctx, abort.signal);
    await running.stopped;
    ctx.stdout.write('Local cloud stopped.\n');
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
};
