import { dirname, isAbsolute, relative } from 'node:path';
import { isMap } from 'yaml';
import { parseTarget } from '../core/targets.js';
import { SlsxError } from '../errors/slsx-error.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { TARGETS, type Service, type TargetName } from '../model/service.js';
import { esbuildVersion, slsxVersion } from '../bundle/versions.js';
import { packageRoot } from '../paths.js';
import { runChecks } from './checks/index.js';
import { ExportsCache, keepForPackaging } from './exports-cache.js';
import { findConfig } from './discover.js';
import { dotenvForStage } from './dotenv.js';
import { interpolate, pathKey } from './interpolate.js';
import { normalize } from './normalize.js';
import { parseSource } from './parse-yaml.js';
import { pruneInvalid } from './prune.js';
import { readSource } from './read-source.js';
import { Reporter, sortDiagnostics } from './report.js';
import { configSchema, type RawConfig } from './schema.js';
import { schemaProblems } from './schema-issues.js';

export interface LoadOptions {
  cwd: string;
  /** `-c`: an explicit config file (relative to cwd). */
  configPath?: string;
  /** `--stage`; default: the file's `stage`, else `dev`. */
  stage?: string;
  /** `--target`; default: the file's `target`, else `local`. `all` checks every target. */
  target?: string;
  env: NodeJS.ProcessEnv;
  /** Node.js version the local target runs functions on (default: this process's); tests set it. */
  hostNode?: string;
}

export interface ValidateResult {
  /** Set when the config could be normalized (it may still have errors). */
  service?: Service;
  target: TargetName;
  diagnostics: Diagnostic[];
  /** The config file as shown in diagnostics. */
  file?: string;
  /** Every target checked. */
  targets: TargetName[];
}

/** `configSchema` with the root keys optional, so a missing `service` does not stop the other checks. */
const lenientSchema = configSchema.partial({ service: true, functions: true });

/**
 * Load and check the config: every problem at once, each with `file:line:col`. Throws only when
 * there is no config to check (CONFIG_NOT_FOUND, CONFIG_UNREADABLE: missing, a folder, too large,
 * binary) or for a bad `--target` (USAGE); everything else is in `diagnostics`.
 */
export async function validateConfig(opts: LoadOptions): Promise<ValidateResult> {
  const location = await findConfig(opts.cwd, opts.configPath);
  const rel = relative(opts.cwd, location.file);
  const file = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : location.file;
  const text = await readSource(location.file, file);
  const base = location.prop ? [location.prop] : [];
  const all = opts.target === 'all';
  const cliTarget = opts.target === undefined || all ? undefined : parseTarget(opts.target, 'local');
  const empty = (message: string, hint: string): ValidateResult => {
    const report = new Reporter(file, undefined);
    report.push({ severity: 'error', code: 'empty-config', message, hint, file, line: 1, col: 1, lineText: text.split(/\r?\n/)[0] ?? '' });
    return { target: cliTarget ?? 'local', diagnostics: report.diagnostics, file, targets: [] };
  };

  if (text.trim() === '') return empty(`${file} is empty.`, 'Start with `service: my-service` and a `functions:` block, or run `sls-x init` for a working example.');
  const parsed = parseSource(text, file, base);
  if (parsed.errors.length) return { target: cliTarget ?? 'local', diagnostics: parsed.errors, file, targets: [] };
  const root = base.length ? parsed.doc.getIn(base, true) : parsed.doc.contents;
  if (root === null || root === undefined) return empty(`${file} has no settings (only comments).`, 'Add `service: my-service` and a `functions:` block.');
  if (!isMap(root)) {
    const where = parsed.positions.locate([]);
    return { target: cliTarget ?? 'local', diagnostics: [{ severity: 'error', code: 'not-a-mapping', message: `${file} must be a mapping of keys (\`service:\`, \`functions:\`...), not a ${Array.isArray((root as { items?: unknown }).items) ? 'list' : 'single value'}.`, hint: 'Start with `service: my-service` on the first line.', file, ...where }], file, targets: [] };
  }

  const report = new Reporter(file, parsed.positions);
  const dir = dirname(location.file);
  const interp = interpolate(parsed.doc, base, text, parsed.positions, file, { env: opts.env, stage: opts.stage, envFiles: (stage) => dotenvForStage(dir, stage) });
  report.push(...interp.diagnostics);

  let data: unknown;
  try {
    const js = parsed.doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
    data = base.length ? js[base[0]!] : js;
  } catch (err) {
    report.error('yaml-aliases', `The YAML could not be expanded: ${(err as Error).message}`, { hint: 'Use fewer aliases (`*name`); sls-x refuses documents that expand too far.' });
    return { target: cliTarget ?? 'local', diagnostics: sortDiagnostics(report.diagnostics), file, targets: [] };
  }

  const full = configSchema.safeParse(data);
  if (!full.success) {
    for (const p of schemaProblems(full.error.issues, configSchema, data)) {
      if ([...interp.failed].some((f) => pathKey(p.path).startsWith(f.slice(0, -1)))) continue;
      report.add('error', p.code, p.message, { path: p.path, part: p.part, exact: true, ...(p.hint ? { hint: p.hint } : {}) });
    }
  }
  const pruned = pruneInvalid(data, lenientSchema);
  report.original = pruned.original;
  const raw = pruned.data as Partial<RawConfig>;
  const defaultTarget = raw.target ?? 'local';
  const target = cliTarget ?? defaultTarget;
  if (!pruned.ok) return { target, diagnostics: sortDiagnostics(report.diagnostics), file, targets: [] };

  const { service, origin } = normalize(raw, { configFile: location.file, stage: interp.stage, target }, report);
  const targets = all ? [...TARGETS] : [...new Set<TargetName>([defaultTarget, ...(Object.keys(raw.targets ?? {}) as TargetName[]), ...(cliTarget ? [cliTarget] : [])])];
  const keys = (v: unknown) => new Set(v && typeof v === 'object' ? Object.keys(v) : []);
  const source = (data ?? {}) as Record<string, unknown>;
  const exportsCache = new ExportsCache(service.root, `${esbuildVersion()} ${slsxVersion(packageRoot())}`);
  await runChecks({
    raw,
    service,
    origin,
    report,
    targets,
    active: target,
    declared: { functions: keys(source.functions), queues: keys(source.queues), buckets: keys(source.buckets), tables: keys(source.tables) },
    source: data,
    fromEnv: interp.fromEnv,
    hostNode: opts.hostNode ?? process.versions.node,
    exportsCache,
  });
  // Only a clean check is remembered, and only once something is packaged (writes .sls-x anyway).
  if (report.errorCount === 0) keepForPackaging(service.root, exportsCache);
  return { service, target, diagnostics: sortDiagnostics(report.redacted()), file, targets };
}

/**
 * Load the config for a command: the normalized Service for `target` (default: the config's).
 * Throws CONFIG_INVALID (or CONFIG_UNREADABLE for YAML syntax errors) with every diagnostic when
 * there are errors for this target or for all targets; returns the warnings otherwise.
 * Limits of other targets listed in the file are not checked here (`sls-x validate` does).
 */
export async function loadService(opts: LoadOptions): Promise<{ service: Service; target: TargetName; diagnostics: Diagnostic[] }> {
  const result = await validateConfig(opts);
  const relevant = opts.target === 'all' ? result.diagnostics : result.diagnostics.filter((d) => !d.target || d.target === result.target);
  throwIfErrors(relevant, result.file ?? 'config');
  return { service: result.service!, target: result.target, diagnostics: relevant };
}

/** Throw the SlsxError `sls-x` renders when any diagnostic is an error. */
export function throwIfErrors(diagnostics: Diagnostic[], file: string): void {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (errors === 0) return;
  const warnings = diagnostics.length - errors;
  const syntax = diagnostics.some((d) => d.code === 'yaml-syntax');
  throw new SlsxError(
    syntax ? 'CONFIG_UNREADABLE' : 'CONFIG_INVALID',
    syntax ? `${file} is not valid YAML.` : `${file} has ${errors} error${errors === 1 ? '' : 's'}${warnings ? ` and ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}.`,
    { diagnostics, hint: 'Fix each problem at the position shown, then run `sls-x validate` again.' },
  );
}
