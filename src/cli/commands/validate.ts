import { throwIfErrors, validateConfig } from '../../config/load-service.js';
import { looksSecret } from '../../config/checks/env.js';
import { formatDiagnostic } from '../../ui/format-diagnostic.js';
import type { CommandRun } from '../context.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import type { Service, TargetName } from '../../model/service.js';

/** The adapters' pure checks for every target checked, placed in the file, minus what config checks already said. */
async function targetChecks(service: Service, targets: readonly string[], already: Diagnostic[], cwd: string): Promise<Diagnostic[]> {
  const { loadAdapter } = await import('../../core/targets.js');
  const { placeDiagnostics } = await import('../../config/locate.js');
  const said = new Set(already.map((d) => `${d.target}|${d.path}|${d.severity}`));
  const found: Diagnostic[] = [];
  for (const target of targets as TargetName[]) {
    const adapter = await loadAdapter(target);
    for (const d of adapter.validate(service)) if (!said.has(`${d.target}|${d.path}|${d.severity}`)) found.push(d);
  }
  return placeDiagnostics(found, service.configFile, cwd);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * `sls-x validate`: every problem in the config at once, for every target the service deploys
 * to. Errors exit 2 (rendered by main.ts, or as JSON with --json); warnings alone exit 0.
 */
export const run: CommandRun = async ({ options }, ctx) => {
  const result = await validateConfig({ cwd: ctx.cwd, configPath: options.config, stage: options.stage, target: options.target, env: ctx.env });
  throwIfErrors(result.diagnostics, result.file ?? 'config');
  const service = result.service!;
  // Each target's own checks (what its adapter refuses at plan time), so validate shows them too.
  result.diagnostics = [...result.diagnostics, ...(await targetChecks(service, result.targets, result.diagnostics, ctx.cwd))];
  throwIfErrors(result.diagnostics, result.file ?? 'config');
  if (options.json) {
    const body = {
      ok: true,
      file: result.file,
      service: service.service,
      stage: service.stage,
      target: result.target,
      targets: result.targets,
      diagnostics: result.diagnostics,
      // env values of secret-looking keys (from ${env:...}) are not printed
      functions: service.functions.map((f) => ({ ...f, env: Object.fromEntries(Object.entries(f.env).map(([k, v]) => [k, looksSecret(k) ? '<redacted>' : v])) })),
    };
    ctx.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  }
  for (const d of result.diagnostics) ctx.stderr.write(`${formatDiagnostic(d)}\n\n`);
  const warnings = result.diagnostics.length;
  const parts = [plural(service.functions.length, 'function'), ...(service.queues.length ? [plural(service.queues.length, 'queue')] : []), ...(service.buckets.length ? [plural(service.buckets.length, 'bucket')] : [])];
  ctx.stdout.write(
    `${result.file} is valid: service ${service.service}, stage ${service.stage}, ${parts.join(', ')}; checked for ${result.targets.join(', ')}${warnings ? ` (${plural(warnings, 'warning')})` : ''}.\n`,
  );
  return 0;
};
