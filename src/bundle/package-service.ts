import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { noopSink, type EventSink } from '../core/events.js';
import { SlsxError } from '../errors/slsx-error.js';
import type { Artifact } from '../model/artifact.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Service, TargetName } from '../model/service.js';
import { packageRoot } from '../paths.js';
import { formatDiagnostic } from '../ui/format-diagnostic.js';
import { effectiveBuild, type EffectiveBuild } from './build-options.js';
import { handlerExportErrors, missingExportsError, withMissingExports } from './check-handlers.js';
import { azureEntrySource, functionWrapperSource, HANDLER_BUNDLE, reexportSource, SHARED_RUNTIME, sharedRuntimeSource, type EntryHandler } from './entries.js';
import { resolveHandlers, type ResolvedHandler } from './handler-files.js';
import { azureAppFiles, gcpPackageFiles } from './package-files.js';
import { CREATE_REQUIRE_BANNER, runEsbuild, type BuildInput, type BuildOutput } from './run-esbuild.js';
import { RuntimeCache, type RuntimeModule } from './runtime-cache.js';
import { bakedMeta } from './shim-meta.js';
import { rewriteSourceMap } from './source-map-paths.js';
import { AZURE_APP_NAME, esbuildTarget, oldestRuntime, TARGET_PROFILES } from './target-profile.js';
import { buildDir, writeBuild, type Manifest, type PendingArtifact } from './write-build.js';
import { precompress } from './zip-writer.js';
import { knownExports, saveKeptExports } from '../config/exports-cache.js';
import { PackageCache } from './package-cache.js';
import { esbuildVersion, slsxVersion } from './versions.js';

export interface PackageOptions {
  /** Add `index.mjs.map` (linked) to every artifact (`--sourcemap`). Default: the config's `build.sourcemap`, else on for local (stack traces point at the source), off for the clouds. */
  sourcemap?: boolean;
  /** `artifact` events (one per artifact) and `warn` events go here. */
  events?: EventSink;
  /** The user's working folder: file paths in messages are shown relative to it. */
  cwd?: string;
  /** Folder holding `<target>.ts` shims; defaults to the package's templates/shims (tests override it). */
  shimDir?: string;
  /** Reuse unchanged bundles from the previous build (`.sls-x/cache/`; default true). */
  cache?: boolean;
}

/** The previous build's artifacts, when its manifest lists exactly `pending` and every zip is there. */
function reusableBuild(outdir: string, target: TargetName, pending: Array<{ name: string }>): Array<{ artifact: Artifact; unchanged: boolean }> | undefined {
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

const posixRel = (from: string, to: string): string => relative(from, to).split(sep).join('/');

/** Outputs of a build whose entries are folders (`app/index`, `<fn>/index`): folder -> its files. */
function folderOutputs(result: BuildOutput, outdir: string, root: string, slsxRoot: string): Map<string, Map<string, Buffer>> {
  const files = new Map<string, Map<string, Buffer>>();
  for (const out of result.outputFiles) {
    const [name, ...rest] = posixRel(outdir, out.path).split('/');
    const inner = rest.join('/');
    const bytes = inner.endsWith('.map') ? Buffer.from(rewriteSourceMap(out.text, join(outdir, name!), root, slsxRoot)) : Buffer.from(out.contents);
    if (!files.has(name!)) files.set(name!, new Map());
    files.get(name!)!.set(inner, bytes);
  }
  return files;
}

/**
 * What each bundle of a build exports, by esbuild's metafile, and whether its entry (a handler
 * file) is CommonJS: out name (`<fn>/handler`) -> exports.
 */
function bundleExports(result: BuildOutput, outdir: string, root: string): Map<string, { exports: string[]; commonjs: boolean }> {
  const out = new Map<string, { exports: string[]; commonjs: boolean }>();
  for (const [path, o] of Object.entries(result.metafile.outputs)) {
    if (!o.entryPoint) continue;
    out.set(posixRel(outdir, resolve(root, path)).replace(/\.mjs$/, ''), { exports: o.exports, commonjs: result.metafile.inputs[o.entryPoint]?.format === 'cjs' });
  }
  return out;
}

/**
 * The shared runtime module of a per-function package (`_slsx.mjs`, its map and legal notices) as
 * esbuild writes them (a map not yet rewritten), and the files it was built from (absolute). It
 * does not depend on the service's functions: the user cache (RuntimeCache) has it after the first
 * build with the same sls-x, target and settings; else `build` makes it, in parallel with the
 * functions' own build. The key holds every setting the build is given, and the project's folder
 * only where it shows in the bytes (source maps, unminified path comments).
 */
async function sharedRuntimeModule(
  shared: { id: string; source: string; out: string },
  build: () => Promise<{ result: BuildOutput; warnings: Diagnostic[] }>,
  ctx: { target: TargetName; options: BuildInput['options']; root: string; slsxRoot: string; shim: string; rtFile: string; events: EventSink; useCache: boolean },
): Promise<RuntimeModule> {
  const userCache = ctx.useCache ? RuntimeCache.open() : undefined;
  const key = RuntimeCache.key({
    target: ctx.target,
    source: shared.source,
    // Where the output goes shows in the bytes only through paths (a map's sources, unminified
    // code's path comments): then the project is part of the key; otherwise any project's build serves.
    options: { ...ctx.options, outdir: undefined },
    where: ctx.options.sourcemap || !ctx.options.minify ? ctx.options.outdir : undefined,
    esbuild: esbuildVersion(),
    slsx: slsxVersion(ctx.slsxRoot),
    shim: ctx.shim,
    runtimeFile: ctx.rtFile,
  });
  const hit = userCache?.get(key);
  if (hit) return hit;
  const { result, warnings } = await build();
  for (const w of warnings) ctx.events({ type: 'warn', message: formatDiagnostic(w) });
  const outdir = ctx.options.outdir!;
  const files = new Map(result.outputFiles.map((out) => [posixRel(outdir, out.path), Buffer.from(out.contents)] as const));
  const inputs = Object.keys(result.metafile.inputs)
    .filter((file) => !(file.includes(':') && !isAbsolute(file))) // the virtual entry: its text is in the key
    .map((file) => resolve(ctx.root, file));
  const module = { files, inputs };
  userCache?.put(key, module);
  return module;
}

/**
 * Bundle every function of the service for one target into deterministic zips under
 * `<root>/.sls-x/build/<target>/` (and a manifest.json; for local each unpacked folder too): one
 * per function for aws, gcp and local, one Function App package (`app`) for azure. One esbuild
 * run per runtime and build settings (usually one in all), none when the incremental cache has
 * every bundle. Per-function targets share one runtime module, `_slsx.mjs` in every zip
 * (`sls-x/runtime` and the shim, built once per run; see SHARED_RUNTIME): a function's zip
 * depends on its own code and that module only, never on the other functions. Handler files must be inside the project (checked first); a missing export is found by
 * that same run (see handlerExportErrors). Whether an export is a function is validate's static
 * check and the shim's `assertHandler` at start: no handler code runs here. Nothing is written
 * unless every bundle succeeds.
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

  // One esbuild run per runtime (esbuild's `target` is per build) and build settings (`build:`
  // of faas.yaml; per function, so functions that override it get a run of their own); each run
  // builds many entries. Azure is one package for the app: the service's settings.
  type Group = {
    runtime: ResolvedHandler['fn']['runtime'];
    build: EffectiveBuild;
    handlers: ResolvedHandler[];
    /**
     * azure: the one generated app entry (`source`, a virtual module). Per-function targets: each
     * function's handler file as it is (`handler`: project-relative file, export, baked meta),
     * bundled to `<fn>/handler.mjs` beside the `index.mjs` that wraps it (functionWrapperSource).
     */
    entries: Array<{ id: string; out: string; functions: string[]; source?: string; handler?: EntryHandler; reexport?: boolean }>;
    /** Per-function targets: the shared runtime module the bundles import. */
    shared?: { id: string; source: string; out: string };
  };
  const groups: Group[] = [];
  if (profile.perService) {
    if (handlers.length > 0) {
      groups.push({
        runtime: oldestRuntime(handlers.map((h) => h.fn.runtime)),
        build: effectiveBuild(service.build, target, opts.sourcemap),
        handlers,
        entries: [{ id: AZURE_APP_NAME, source: azureEntrySource(handlers.map(entryOf)), out: `${AZURE_APP_NAME}/index`, functions: handlers.map((h) => h.fn.name) }],
      });
    }
  } else {
    const byKey = new Map<string, Group>();
    for (const h of handlers) {
      const build = effectiveBuild(h.fn.build, target, opts.sourcemap);
      const key = JSON.stringify([h.fn.runtime, build]);
      let group = byKey.get(key);
      if (!group) {
        byKey.set(key, (group = { runtime: h.fn.runtime, build, handlers: [], entries: [] }));
      }
      group.handlers.push(h);
      // A file the config check saw export more than this handler is entered as a re-export of
      // that one export (a virtual module), so the bundle is tree-shaken to it in this same build.
      const exports = knownExports(h.file);
      const reexport = exports !== undefined && exports.some((e) => e !== h.exportName);
      group.entries.push({ id: h.fn.name, handler: entryOf(h), out: `${h.fn.name}/${HANDLER_BUNDLE.id}`, functions: [h.fn.name], ...(reexport ? { reexport } : {}) });
    }
    // The shared runtime module the bundles import (sharedRuntimeSource): from the user cache, or built beside them.
    for (const g of byKey.values()) g.shared = { id: SHARED_RUNTIME.id, source: sharedRuntimeSource(target), out: SHARED_RUNTIME.id };
    groups.push(...[...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g));
  }

  // The incremental cache: a group whose settings (build settings included) and input files are
  // unchanged is not bundled again.
  const cache = opts.cache === false ? undefined : new PackageCache(service.root, target);
  // Each group's key is asked for up to three times (fast path, lookup, store): made once.
  const keys = new Map<Group, string>();
  const keyOf = (group: Group): string => {
    let key = keys.get(group);
    if (key === undefined) keys.set(group, (key = PackageCache.key({ target, runtime: group.runtime, entries: group.entries, shared: group.shared, esbuild: esbuildVersion(), slsx: slsxVersion(slsxRoot), build: group.build, shim, runtimeFile: rtFile })));
    return key;
  };
  // Nothing changed, zips included (aws and local write nothing beside the bundles): the build
  // folder already holds exactly these artifacts; nothing is read, built or written.
  if (cache && (target === 'aws' || target === 'local') && groups.every((g) => cache.unchanged(keyOf(g), service.root, outdir))) {
    const same = reusableBuild(outdir, target, groups.flatMap((g) => g.entries.map((e) => ({ name: e.id }))));
    if (same) {
      cache.save();
      saveKeptExports(service.root);
      for (const { artifact, unchanged } of same) events({ type: 'artifact', artifact, cached: unchanged, reused: true });
      return same.map((w) => w.artifact);
    }
  }
  const hits = new Map<Group, Map<string, Map<string, Buffer>>>();
  for (const group of groups) {
    const hit = cache?.lookup(keyOf(group), service.root, outdir);
    if (hit && group.entries.every((e) => hit.has(e.id))) hits.set(group, hit);
  }

  // A failed package leaves the project as it was: a `.sls-x` made while loading the config goes.
  const fresh = !existsSync(join(service.root, '.sls-x'));
  const undo = (): void => {
    if (fresh) rmSync(join(service.root, '.sls-x'), { recursive: true, force: true });
  };
  for (const group of groups) {
    const hit = hits.get(group);
    if (hit) {
      for (const e of group.entries) pending.push({ name: e.id, functions: e.functions, entry: ENTRY, files: hit.get(e.id)! });
      continue;
    }
    const options: BuildInput['options'] = {
      platform: 'node',
      format: 'esm',
      target: esbuildTarget(group.runtime),
      outdir,
      outExtension: { '.js': '.mjs' },
      banner: { js: CREATE_REQUIRE_BANNER },
      external: group.build.external,
      minify: group.build.minify,
      treeShaking: true,
      sourcemap: group.build.sourcemap ? 'linked' : false,
      legalComments: 'external',
      // Local is for debugging: stack traces keep the functions' own names, minified or not.
      keepNames: target === 'local',
      define: group.build.define,
      loader: group.build.loader,
    };
    const build = (input: Pick<BuildInput, 'virtualEntries' | 'fileEntries'>) =>
      runEsbuild({ ...input, ...(group.shared ? { sharedRuntime: SHARED_RUNTIME.file } : {}), runtimeFile: rtFile, shimFile: shim, shimTarget: target, paths, options });
    const own = group.shared
      ? {
          fileEntries: group.entries.filter((e) => !e.reexport).map((e) => ({ file: join(service.root, e.handler!.file), out: e.out })),
          virtualEntries: group.entries.filter((e) => e.reexport).map((e) => ({ id: e.id, source: reexportSource(e.handler!), out: e.out })),
        }
      : { virtualEntries: group.entries.map((e) => ({ id: e.id, source: e.source!, out: e.out })) };
    // The functions' own bundles, and beside them (in parallel, or from the user cache) the shared runtime module.
    const [{ result, warnings }, runtime] = await Promise.all([
      build(own),
      group.shared
        ? sharedRuntimeModule(group.shared, () => build({ virtualEntries: [group.shared!] }), { target, options, root: service.root, slsxRoot, shim, rtFile, events, useCache: opts.cache !== false }).then((m) => {
            // Compressed for the zips now, while esbuild is still busy with the functions (a map is rewritten later: not that).
            for (const [rel, bytes] of m.files) if (!rel.endsWith('.map')) precompress(bytes);
            return m;
          })
        : undefined,
    ]).catch(async (err: unknown) => {
      undo();
      if (!(err instanceof SlsxError && err.code === 'BUNDLE_FAILED')) throw err;
      const where = { paths, configFile: service.configFile };
      throw group.shared ? await withMissingExports(err, group.handlers, { ...where, loader: group.build.loader }) : await handlerExportErrors(err, group.handlers, where);
    });
    for (const w of warnings) events({ type: 'warn', message: formatDiagnostic(w) });
    const files = folderOutputs(result, outdir, service.root, slsxRoot);
    const inputs = [...Object.keys(result.metafile.inputs), ...(runtime?.inputs ?? [])];
    // Per-function targets: each bundle's index.mjs, from what the metafile says its handler file exports.
    if (group.shared) {
      const missing: Array<{ handler: ResolvedHandler; exports: string[] }> = [];
      const wide: Group['entries'] = [];
      const commonjs = new Set<string>();
      const exported = bundleExports(result, outdir, service.root);
      for (const [i, e] of group.entries.entries()) {
        const x = exported.get(e.out) ?? { exports: [], commonjs: false };
        if (x.commonjs) commonjs.add(e.id);
        else if (!x.exports.includes(e.handler!.exportName)) missing.push({ handler: group.handlers[i]!, exports: x.exports });
        else if (x.exports.length > 1) wide.push(e);
      }
      if (missing.length > 0) {
        undo();
        throw await missingExportsError(missing, { paths, configFile: service.configFile });
      }
      // A handler file that exports more than the function's handler (several functions' handlers
      // in one file, helpers exported for tests) that the config check did not report (a Service
      // built by hand, a file changed since) is bundled again as a re-export of that one export
      // alone, so each zip holds only what its handler reaches: one more small build, only then.
      if (wide.length > 0) {
        const narrow = await build({ virtualEntries: wide.map((e) => ({ id: e.id, source: reexportSource(e.handler!), out: e.out })) });
        for (const [id, f] of folderOutputs(narrow.result, outdir, service.root, slsxRoot)) files.set(id, f);
        inputs.push(...Object.keys(narrow.result.metafile.inputs));
      }
      for (const e of group.entries) files.get(e.id)?.set(ENTRY, Buffer.from(functionWrapperSource(target, e.handler!, commonjs.has(e.id))));
    }
    // The shared runtime module's files are one Buffer in every zip (compressed once).
    const shared = new Map([...(runtime?.files ?? [])].map(([rel, bytes]) => [rel, rel.endsWith('.map') ? Buffer.from(rewriteSourceMap(bytes.toString('utf8'), outdir, service.root, slsxRoot)) : bytes]));
    const built = new Map<string, Map<string, Buffer>>();
    for (const e of group.entries) {
      const f = files.get(e.id) ?? new Map<string, Buffer>();
      for (const [rel, bytes] of shared) f.set(rel, bytes);
      built.set(e.id, f);
      pending.push({ name: e.id, functions: e.functions, entry: ENTRY, files: new Map(f) });
    }
    cache?.store(keyOf(group), service.root, inputs, built);
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
  cache?.recordZips(outdir);
  cache?.save();
  saveKeptExports(service.root);
  const reused = new Set([...hits.values()].flatMap((m) => [...m.keys()]));
  for (const { artifact, unchanged } of written) events({ type: 'artifact', artifact, cached: unchanged, reused: reused.has(artifact.name) });
  return written.map((w) => w.artifact);
}
