import { join, resolve } from 'node:path';
import { SlsxError } from '../errors/slsx-error.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { EventSink } from '../core/events.js';
import { displayPath, type PathContext } from './esbuild-diagnostics.js';
import type { ResolvedHandler } from './handler-files.js';
import { probeExports, type ProbeCheck } from './probe-exports.js';
import { CREATE_REQUIRE_BANNER, runEsbuild } from './run-esbuild.js';

export interface CheckOptions {
  paths: PathContext;
  runtimeFile?: string;
  configFile: string;
  /** Import the bundled handler modules in a sandboxed child to check `typeof` (default true). */
  probe: boolean;
  events: EventSink;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

function suggestion(name: string, exports: string[]): string {
  const close = exports.filter((e) => distance(e.toLowerCase(), name.toLowerCase()) <= Math.max(2, Math.floor(name.length / 3)));
  if (close.length > 0) return `Did you mean \`${close[0]}\`?`;
  return exports.length > 0 ? `It exports: ${exports.join(', ')}.` : 'It has no exports; add `export const ' + name + ' = async (...) => { ... }`.';
}

/**
 * Check every handler before any target is built: each file bundles on its own (syntax errors
 * and missing imports reported at their file:line:col, against the user's file rather than a
 * generated entry), each named export exists (statically, from the metafile's export list of
 * each ES module), and each export is a function (see probeExports for how, and why there).
 */
export async function checkHandlers(handlers: ResolvedHandler[], opts: CheckOptions): Promise<void> {
  const files = [...new Set(handlers.map((h) => h.file))].sort();
  const outOf = new Map(files.map((f, i) => [f, `h${i}`]));
  const outdir = join(opts.paths.root, '.sls-x', 'check');
  const { result } = await runEsbuild({
    fileEntries: files.map((file) => ({ file, out: outOf.get(file)! })),
    runtimeFile: opts.runtimeFile,
    paths: opts.paths,
    options: {
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outdir,
      outExtension: { '.js': '.mjs' },
      banner: { js: CREATE_REQUIRE_BANNER },
      external: ['@azure/functions-core'],
      legalComments: 'none',
      // As in the real build: minified identifiers keep the banner's `require` from clashing
      // with a module's own top-level `const require = createRequire(...)`.
      minify: true,
    },
  });
  const meta = result.metafile;
  const byFile = new Map<string, { exports: string[]; cjs: boolean; module: string }>();
  for (const [outPath, output] of Object.entries(meta.outputs)) {
    if (!output.entryPoint) continue;
    const file = resolve(opts.paths.root, output.entryPoint);
    const format = meta.inputs[output.entryPoint]?.format;
    byFile.set(file, { exports: output.exports, cjs: format === 'cjs', module: outPath.split('/').pop()! });
  }

  const diagnostics: Diagnostic[] = [];
  const checks: ProbeCheck[] = [];
  const configFile = displayPath(opts.configFile, opts.paths);
  for (const h of handlers) {
    const info = byFile.get(h.file);
    if (!info) continue;
    const shown = displayPath(h.file, opts.paths);
    if (!info.cjs && !info.exports.includes(h.exportName)) {
      diagnostics.push({
        severity: 'error',
        code: 'handler-export-missing',
        message: `Function \`${h.fn.name}\`: ${shown} has no export named \`${h.exportName}\`.`,
        hint: suggestion(h.exportName, info.exports),
        file: configFile,
        path: `functions.${h.fn.name}.handler`,
      });
      continue;
    }
    checks.push({ key: h.fn.name, module: info.module, exportName: h.exportName, cjs: info.cjs });
  }
  if (diagnostics.length === 0 && opts.probe) {
    const modules: Record<string, string> = {};
    for (const out of result.outputFiles ?? []) modules[out.path.split(/[\\/]/).pop()!] = out.text;
    const results = await probeExports(modules, checks);
    for (const h of handlers) {
      const r = results[h.fn.name];
      if (!checks.some((c) => c.key === h.fn.name)) continue;
      const shown = displayPath(h.file, opts.paths);
      if (r && 'type' in r) {
        if (r.type !== 'function') {
          diagnostics.push({
            severity: 'error',
            code: 'handler-not-function',
            message: `Function \`${h.fn.name}\`: export \`${h.exportName}\` of ${shown} is ${r.type === 'undefined' ? 'undefined' : `a${/^[aeiou]/.test(r.type) ? 'n' : ''} ${r.type}`}, not a function.`,
            hint: h.exportName === 'default' ? 'Export a function: `export default async function (input, ctx) { ... }`.' : `Export a function: \`export const ${h.exportName} = async (input, ctx) => { ... }\`.`,
            file: configFile,
            path: `functions.${h.fn.name}.handler`,
          });
        }
      } else {
        opts.events({ type: 'warn', message: `Could not check that export \`${h.exportName}\` of ${shown} is a function: ${r?.error ?? 'the check did not finish'}.` });
      }
    }
  }
  if (diagnostics.length > 0) {
    // Point at the `handler:` line of the config, as validate does.
    const { locateInConfig } = await import('../config/locate.js');
    for (const d of diagnostics) {
      const fn = handlers.find((h) => d.path === `functions.${h.fn.name}.handler`)?.fn.name;
      const place = fn === undefined ? undefined : await locateInConfig(opts.configFile, ['functions', fn, 'handler']);
      if (place) Object.assign(d, place);
    }
    throw new SlsxError('HANDLER_INVALID', diagnostics.length === 1 ? diagnostics[0].message : `${diagnostics.length} handler exports are invalid.`, { diagnostics });
  }
}
