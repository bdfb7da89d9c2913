import { existsSync } from 'node:fs';
import type { BuildOptions, BuildResult, Message, Plugin } from 'esbuild';
import { SlsxError } from '../errors/slsx-error.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { messageToDiagnostic, type PathContext } from './esbuild-diagnostics.js';
import { RUNTIME_IMPL_SPECIFIER } from './entries.js';

export const ENTRY_NAMESPACE = 'slsx-entry';

/**
 * ESM bundles still meet CommonJS dependencies that call `require` (of node: builtins, or of
 * modules a platform provides at run time); esbuild's `__require` shim finds this one.
 */
export const CREATE_REQUIRE_BANNER =
  "import { createRequire as __slsxCreateRequire } from 'node:module'; const require = __slsxCreateRequire(import.meta.url);";

export interface BuildInput {
  /** Generated entry sources, by virtual id; built as `{ in: 'slsx-entry:<id>', out }`. */
  virtualEntries?: Array<{ id: string; source: string; out: string }>;
  /** Real files as entries (absolute path -> out name). */
  fileEntries?: Array<{ file: string; out: string }>;
  /** Absolute path `sls-x/runtime` resolves to (when it exists). */
  runtimeFile?: string;
  /** Absolute path `sls-x/shims/<shimTarget>` resolves to. */
  shimFile?: string;
  shimTarget?: string;
  /**
   * Per-function packages: `sls-x/runtime` stays an import of this file beside each bundle
   * (`./_slsx.mjs`, the shared runtime module, built in the same run from RUNTIME_IMPL_SPECIFIER).
   */
  sharedRuntime?: string;
  options: BuildOptions;
  paths: PathContext;
}

/** Generated entries as virtual modules, resolved against the project root. */
function slsxPlugin(input: BuildInput): Plugin {
  const sources = new Map((input.virtualEntries ?? []).map((e) => [e.id, e.source]));
  return {
    name: 'sls-x',
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${ENTRY_NAMESPACE}:`) }, (args) => ({ path: args.path.slice(ENTRY_NAMESPACE.length + 1), namespace: ENTRY_NAMESPACE }));
      build.onLoad({ filter: /.*/, namespace: ENTRY_NAMESPACE }, (args) => ({ contents: sources.get(args.path) ?? '', loader: 'js', resolveDir: input.paths.root }));
    },
  };
}

export type BuildOutput = BuildResult<BuildOptions & { metafile: true; write: false }>;

/**
 * Run one esbuild build in memory. esbuild is imported here, lazily, so `--help` never loads it.
 * Failures become BUNDLE_FAILED with every message as a Diagnostic (file:line:col).
 */
export async function runEsbuild(input: BuildInput): Promise<{ result: BuildOutput; warnings: Diagnostic[] }> {
  const esbuild = await import('esbuild');
  // esbuild's `alias`, not an onResolve hook: a path a plugin returns skips esbuild's reading of
  // the file's package.json `type`, and without it a default import of a CommonJS package
  // (`import az from '@azure/functions'` in a shim) gets Babel interop and comes out undefined.
  const alias: Record<string, string> = {};
  if (input.shimFile) alias[`sls-x/shims/${input.shimTarget}`] = input.shimFile;
  if (input.runtimeFile && existsSync(input.runtimeFile)) alias[input.sharedRuntime ? RUNTIME_IMPL_SPECIFIER : 'sls-x/runtime'] = input.runtimeFile;
  // The shared runtime module: `sls-x/runtime` becomes `./_slsx.mjs`, left as it is (an external
  // path is matched before resolution, so it reads the same from every file; no plugin round trip).
  const shared = input.sharedRuntime ? `./${input.sharedRuntime}` : undefined;
  if (shared) alias['sls-x/runtime'] = shared;
  const entryPoints = [
    ...(input.virtualEntries ?? []).map((e) => ({ in: `${ENTRY_NAMESPACE}:${e.id}`, out: e.out })),
    ...(input.fileEntries ?? []).map((e) => ({ in: e.file, out: e.out })),
  ];
  try {
    const result = (await esbuild.build({
      ...input.options,
      ...(shared ? { external: [...(input.options.external ?? []), shared] } : {}),
      entryPoints,
      absWorkingDir: input.paths.root,
      bundle: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
      alias,
      // Virtual entries only: a plugin costs a round trip to this process per module it answers.
      plugins: input.virtualEntries?.length ? [slsxPlugin(input)] : [],
    })) as BuildOutput;
    return { result, warnings: result.warnings.map((m) => messageToDiagnostic(m, 'warning', input.paths)) };
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors;
    if (!Array.isArray(errors)) throw err;
    const diagnostics = errors.map((m) => messageToDiagnostic(m, 'error', input.paths));
    const first = diagnostics[0];
    const where = first?.file ? ` in ${first.file}${first.line ? `:${first.line}:${first.col}` : ''}` : '';
    throw new SlsxError('BUNDLE_FAILED', `esbuild could not bundle the handlers: ${errors.length} error${errors.length === 1 ? '' : 's'}${where}.`, {
      hint: 'Fix the errors above, then run `sls-x package` again.',
      diagnostics,
    });
  }
}
