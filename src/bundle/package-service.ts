import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { noopSink, type EventSink } from '../core/events.js';
import { SlsxError } from '../errors/slsx-error.js';
import type { Artifact } from '../model/artifact.js';
import type { Service, TargetName } from '../model/service.js';
import { packageRoot } from '../paths.js';
import { formatDiagnostic } from '../ui/format-diagnostic.js';
import { checkHandlers } from './check-handlers.js';
import { azureEntrySource, functionEntrySource, type EntryHandler } from './entries.js';
import { resolveHandlers, type ResolvedHandler } from './handler-files.js';
import { azureAppFiles, gcpPackageFiles } from './package-files.js';
import { CREATE_REQUIRE_BANNER, runEsbuild } from './run-esbuild.js';
import { bakedMeta } from './shim-meta.js';
import { rewriteSourceMap } from './source-map-paths.js';
import { AZURE_APP_NAME, esbuildTarget, oldestRuntime, TARGET_PROFILES } from './target-profile.js';
import { buildDir, writeBuild, type Manifest, type PendingArtifact } from './write-build.js';
import { PackageCache } from './package-cache.js';

export interface PackageOptions {
  /** Add `index.mjs.map` (linked) to every artifact. Default: on for local (stack traces point at the source), off for the clouds. */
  sourcemap?: boolean;
  /** `artifact` events (one per artifact) and `warn` events go here. */
  events?: EventSink;
  /** The user's working folder: file paths in messages are shown relative to it. */
  cwd?: string;
  /** Folder holding `<target>.ts` shims; defaults to the package's templates/shims (tests override it). */
  shimDir?: string;
  /** Check in a sandboxed child process that each handler export is a function (default true). */
  probe?: boolean;
  /** Reuse unchanged bundles from the previous build (`.sls-x/cache/`; default true). */
  cache?: boolean;
}

/** The previous build's artifacts, when its manifest lists exactly `pending` and every zip is there. */
function reusableBuild(outdir: string, target: TargetName, pending: PendingArtifact[]): Array<{ artifact: Artifact; unchanged: boolean }> | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as Manifest;
    const names = pending.map((p) => p.name).sort();
    if (manifest.target !== target || manifest.artifacts.map((a) => a.name).sort().join('\n') !== names.join('\n')) return undefined;
    return manifest.artifacts.map((a) => {
      const zipPath = join(outdir, `${a.name}.zip`);
      if (statSync(zipPath).size !== a.size) throw new Error('zip changed');
      return { artifact: { target, name: a.name, functions: a.functions, zipPath, sha256: a.sha256, size: a.size, entry: a.entry }, unchanged: true };
    });
  } catch {
    return undefined;
  }
}

const versions = new Map<string, string>();
/** sls-x's own version (part of the cache key: a new sls-x rebuilds everything). */
function slsxVersion(root: string): string {
  let v = versions.get(root);
  if (v === undefined) {
    try {
      v = String((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '');
    } catch {
      v = '';
    }
    versions.set(root, v);
  }
  return v;
}

const ENTRY = 'index.mjs';
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** `sls-x/runtime` for the bundler: the TypeScript source in a checkout, the built file in a package. */
export function runtimeFile(slsxRoot = packageRoot()): string {
  const src = join(slsxRoot, 'src', 'runtime', 'index.ts');
  return existsSync(src) ? src : join(slsxRoot, 'dist', 'src', 'runtime', 'index.js');
}

function shimFile(target: TargetName, shimDir: string): string {
  for (const ext of ['.ts', '.mts', '.js', '.mjs']) {
    const file = join(shimDir, `${target}${ext}`);
    if (existsSync(file)) return file;
  }
  throw new SlsxError('TARGET_NOT_AVAILABLE', `Packaging for '${target}' is not available yet: its shim (templates/shims/${target}.ts) is missing.`, {
    hint: 'Package for another target with --target, or update sls-x.',
  });
}

function frameworkRange(slsxRoot: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(slsxRoot, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    return pkg.dependencies?.['@google-cloud/functions-framework'] ?? pkg.devDependencies?.['@google-cloud/functions-framework'] ?? '^4.0.0';
  } catch {
    return '^4.0.0';
  }
}

/**
 * Bundle every function of the service for one target into deterministic zips under
 * `<root>/.sls-x/build/<target>/` (plus each unpacked folder and a manifest.json): one per
 * function for aws, gcp and local, one Function App package (`app`) for azure. Handlers are
 * checked first (inside the project, bundle cleanly, export exists and is a function); nothing
 * is written unless every bundle succeeds.
 */
export async function packageService(service: Service, target: TargetName, opts: PackageOptions = {}): Promise<Artifact[]> {
  const events = opts.events ?? noopSink;
  const slsxRoot = packageRoot();
  const paths = { root: service.root, cwd: opts.cwd };
  const rtFile = runtimeFile(slsxRoot);
  for (const fn of service.functions) {
    if (!SAFE_NAME.test(fn.name)) throw new SlsxError('CONFIG_INVALID', `Function name \`${fn.name}\` cannot be used as a folder name.`, { hint: 'Use letters, digits, - and _.' });
  }
  const handlers = resolveHandlers(service, service.functions, paths);
  const shim = shimFile(target, opts.shimDir ?? join(slsxRoot, 'templates', 'shims'));

  const outdir = buildDir(service.root, target);
  const entryOf = (h: ResolvedHandler): EntryHandler => ({ file: relative(service.root, h.file).split(sep).join('/'), exportName: h.exportName, meta: bakedMeta(h.fn, target) });
  const profile = TARGET_PROFILES[target];
  const pending: PendingArtifact[] = [];

  // One esbuild run per runtime (esbuild's `target` is per build); each run builds many entries.
  const groups: Array<{ runtime: ResolvedHandler['fn']['runtime']; entries: Array<{ id: string; source: string; out: string; functions: string[] }> }> = [];
  if (profile.perService) {
    if (handlers.length > 0) {
      groups.push({
        runtime: oldestRuntime(handlers.map((h) => h.fn.runtime)),
        entries: [{ id: AZURE_APP_NAME, source: azureEntrySource(handlers.map(entryOf)), out: `${AZURE_APP_NAME}/index`, functions: handlers.map((h) => h.fn.name) }],
      });
    }
  } else {
    for (const runtime of [...new Set(handlers.map((h) => h.fn.runtime))].sort()) {
      groups.push({
        runtime,
        entries: handlers.filter((h) => h.fn.runtime === runtime).map((h) => ({ id: h.fn.name, source: functionEntrySource(target, entryOf(h)), out: `${h.fn.name}/index`, functions: [h.fn.name] })),
      });
    }
  }

  // The incremental cache: a group whose settings and input files are unchanged is not bundled
  // again, and when every group is unchanged the handlers are not checked again either.
  const cache = opts.cache === false ? undefined : new PackageCache(service.root, target);
  const esbuildVersion = (await import('esbuild')).version;
  const sourcemap = opts.sourcemap ?? target === 'local';
  const keyOf = (group: (typeof groups)[number]) =>
    PackageCache.key({ target, runtime: group.runtime, entries: group.entries, esbuild: esbuildVersion, slsx: slsxVersion(slsxRoot), sourcemap, external: profile.external, shim, runtimeFile: rtFile });
  const hits = new Map<(typeof groups)[number], Map<string, Map<string, Buffer>>>();
  for (const group of groups) {
    const hit = cache?.lookup(keyOf(group), service.root, outdir);
    if (hit && group.entries.every((e) => hit.has(e.id))) hits.set(group, hit);
  }
  if (hits.size < groups.length) await checkHandlers(handlers, { paths, runtimeFile: rtFile, configFile: service.configFile, probe: opts.probe ?? true, events });

  for (const group of groups) {
    const hit = hits.get(group);
    if (hit) {
      for (const e of group.entries) pending.push({ name: e.id, functions: e.functions, entry: ENTRY, files: hit.get(e.id)! });
      continue;
    }
    const { result, warnings } = await runEsbuild({
      virtualEntries: group.entries,
      runtimeFile: rtFile,
      shimFile: shim,
      shimTarget: target,
      paths,
      options: {
        platform: 'node',
        format: 'esm',
        target: esbuildTarget(group.runtime),
        outdir,
        outExtension: { '.js': '.mjs' },
        banner: { js: CREATE_REQUIRE_BANNER },
        external: profile.external,
        minify: true,
        treeShaking: true,
        sourcemap: sourcemap ? 'linked' : false,
        legalComments: 'external',
      },
    });
    for (const w of warnings) events({ type: 'warn', message: formatDiagnostic(w) });
    const files = new Map<string, Map<string, Buffer>>();
    for (const out of result.outputFiles) {
      const [name, ...rest] = relative(outdir, out.path).split(sep);
      const inner = rest.join('/');
      const mapDir = join(outdir, name);
      const bytes = inner.endsWith('.map') ? Buffer.from(rewriteSourceMap(out.text, mapDir, service.root, slsxRoot)) : Buffer.from(out.contents);
      if (!files.has(name)) files.set(name, new Map());
      files.get(name)!.set(inner, bytes);
    }
    const built = new Map<string, Map<string, Buffer>>();
    for (const e of group.entries) {
      const f = files.get(e.id) ?? new Map<string, Buffer>();
      built.set(e.id, f);
      pending.push({ name: e.id, functions: e.functions, entry: ENTRY, files: new Map(f) });
    }
    cache?.store(keyOf(group), service.root, Object.keys(result.metafile.inputs), built);
  }

  for (const p of pending) {
    if (target === 'gcp') {
      const h = handlers.find((x) => x.fn.name === p.name)!;
      for (const [k, v] of Object.entries(gcpPackageFiles(service, h.fn, frameworkRange(slsxRoot)))) p.files.set(k, Buffer.from(v));
    }
    if (target === 'azure') {
      const { files, warnings } = azureAppFiles(service, handlers.map((h) => h.fn));
      for (const w of warnings) events({ type: 'warn', message: w });
      for (const [k, v] of Object.entries(files)) p.files.set(k, Buffer.from(v));
    }
  }

  // Everything came from the cache and nothing is added beside the bundles (aws, local): the
  // build folder already holds exactly these zips, so nothing is written at all.
  const previous = hits.size === groups.length && (target === 'aws' || target === 'local') ? reusableBuild(outdir, target, pending) : undefined;
  const written = previous ?? (await writeBuild(service.root, target, pending));
  cache?.save();
  const reused = new Set([...hits.values()].flatMap((m) => [...m.keys()]));
  for (const { artifact, unchanged } of written) events({ type: 'artifact', artifact, cached: unchanged, reused: reused.has(artifact.name) });
  return written.map((w) => w.artifact);
}
