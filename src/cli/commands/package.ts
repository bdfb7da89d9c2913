import { relative, sep } from 'node:path';
import { SlsxError } from '../../errors/slsx-error.js';
import type { Artifact } from '../../model/artifact.js';
import { TARGETS, type TargetName } from '../../model/service.js';
import { formatDiagnostic } from '../../ui/format-diagnostic.js';
import { formatBytes } from '../../ui/plain.js';
import type { CommandRun } from '../context.js';
import { eventSink } from '../session.js';

export interface PackageCommandOptions {
  sourcemap?: boolean;
}

/**
 * `sls-x package [--target aws|azure|gcp|local|all]`: bundle every function into deterministic
 * zips under .sls-x/build/<target>/. With `all`, the config is validated for every target before
 * anything is built, so a config error writes nothing.
 */
export const run: CommandRun<PackageCommandOptions> = async ({ options }, ctx) => {
  const wanted = options.target;
  if (wanted !== undefined && wanted !== 'all' && !(TARGETS as readonly string[]).includes(wanted)) {
    throw new SlsxError('USAGE', `Unknown target '${wanted}'.`, { hint: `Use one of: ${TARGETS.join(', ')}, all.` });
  }
  const { loadService } = await import('../../config/load-service.js');
  const { packageService } = await import('../../bundle/package-service.js');
  const load = (target: string | undefined) =>
    loadService({ cwd: ctx.cwd, configPath: options.config, stage: options.stage, target, env: ctx.env });

  const loaded = wanted === 'all' ? await Promise.all(TARGETS.map((t) => load(t))) : [await load(wanted)];
  const seen = new Set<string>();
  for (const { diagnostics } of loaded) {
    for (const d of diagnostics) {
      const text = formatDiagnostic(d);
      if (!seen.has(text)) ctx.stderr.write(`${text}\n`);
      seen.add(text);
    }
  }

  const rendered = eventSink(options, ctx);
  // With --json stdout is one JSON document, but warnings still belong on stderr.
  const events: typeof rendered = options.json && !ctx.events ? (e) => e.type === 'warn' && ctx.stderr.write(`warning: ${e.message}\n`) : rendered;
  const all: Artifact[] = [];
  for (const { service, target } of loaded) {
    const dir = relative(ctx.cwd, `${service.root}${sep}.sls-x${sep}build${sep}${target}`).split(sep).join('/');
    if (!options.json) ctx.stdout.write(`${service.service} (stage ${service.stage}) for ${target} -> ${dir}/\n`);
    const artifacts = await packageService(service, target as TargetName, {
      ...(options.sourcemap ? { sourcemap: true } : {}),
      events,
      cwd: ctx.cwd,
    });
    all.push(...artifacts);
    if (!options.json) ctx.stdout.write(`  total ${formatBytes(artifacts.reduce((n, a) => n + a.size, 0))} in ${artifacts.length} artifact${artifacts.length === 1 ? '' : 's'}\n`);
  }
  if (options.json) {
    ctx.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
  } else if (loaded.length > 1) {
    ctx.stdout.write(`Packaged ${all.length} artifacts for ${loaded.length} targets, ${formatBytes(all.reduce((n, a) => n + a.size, 0))} in total.\n`);
  }
};
