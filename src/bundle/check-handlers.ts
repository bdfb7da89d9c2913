import { relative, sep } from 'node:path';
import { SlsxError } from '../errors/slsx-error.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { displayPath, type PathContext } from './esbuild-diagnostics.js';
import type { ResolvedHandler } from './handler-files.js';
import { ENTRY_NAMESPACE } from './run-esbuild.js';

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

const MISSING = /^No matching export in "([^"]+)" for import "([^"]+)"$/;

/**
 * The packaging build failed: are some of its errors a handler export that does not exist? The
 * generated azure app entry imports `{ <export> as f0 } from "./<file>"`, so esbuild reports a
 * missing ES module export in the entry (the virtual module `slsx-entry:app`). Those become `handler-export-missing`
 * at the function's `handler:` line of faas.yaml, with a suggestion from the file's real exports
 * (one more esbuild run, only on this failure path); the rest stay as esbuild said them. Exports
 * of CommonJS files are not known to esbuild: validate reads them from the source, and the shim's
 * `assertHandler` refuses a non-function when the function starts.
 */
export async function handlerExportErrors(err: SlsxError, handlers: ResolvedHandler[], opts: { paths: PathContext; configFile: string }): Promise<SlsxError> {
  const diagnostics: Diagnostic[] = [];
  let converted = 0;
  const { detectExports } = await import('../config/handler-exports.js');
  for (const d of err.diagnostics) {
    const inEntry = d.file === undefined || d.file.startsWith(`${ENTRY_NAMESPACE}:`);
    const m = inEntry ? MISSING.exec(d.message) : null;
    const matching = m ? handlers.filter((h) => relative(opts.paths.root, h.file).split(sep).join('/') === m[1] && h.exportName === m[2]) : [];
    if (matching.length === 0) {
      diagnostics.push(d);
      continue;
    }
    converted++;
    const exports = (await detectExports(matching[0].file, opts.paths.root, matching[0].fn.build?.loader)).exports ?? [];
    for (const h of matching) if (!diagnostics.some((x) => x.path === `functions.${h.fn.name}.handler`)) diagnostics.push(await missingExport(h, exports, opts));
  }
  if (converted === 0) return err;
  const only = diagnostics.every((d) => d.code === 'handler-export-missing');
  if (!only) return new SlsxError('BUNDLE_FAILED', err.message, { hint: err.hint, diagnostics });
  return handlerInvalid(diagnostics);
}

/** Only missing handler exports: HANDLER_INVALID with each of them. */
function handlerInvalid(diagnostics: Diagnostic[]): SlsxError {
  return new SlsxError('HANDLER_INVALID', diagnostics.length === 1 ? diagnostics[0]!.message : `${diagnostics.length} handler exports are invalid.`, { diagnostics });
}

/** `handler-export-missing` at the function's `handler:` line of faas.yaml, with a suggestion from the file's exports. */
async function missingExport(h: ResolvedHandler, exports: string[], opts: { paths: PathContext; configFile: string }): Promise<Diagnostic> {
  const { locateInConfig } = await import('../config/locate.js');
  const place = await locateInConfig(opts.configFile, ['functions', h.fn.name, 'handler']);
  return {
    severity: 'error',
    code: 'handler-export-missing',
    message: `Function \`${h.fn.name}\`: ${displayPath(h.file, opts.paths)} has no export named \`${h.exportName}\`.`,
    hint: suggestion(h.exportName, exports),
    file: displayPath(opts.configFile, opts.paths),
    path: `functions.${h.fn.name}.handler`,
    ...place,
  };
}

/**
 * Per-function packages bundle each handler file as it is, so a missing export does not fail the
 * build: the metafile's exports of the bundle tell (`exports`), and this is the same
 * HANDLER_INVALID error handlerExportErrors makes of a failed import.
 */
export async function missingExportsError(missing: Array<{ handler: ResolvedHandler; exports: string[] }>, opts: { paths: PathContext; configFile: string }): Promise<SlsxError> {
  const diagnostics = await Promise.all(missing.map((m) => missingExport(m.handler, m.exports.filter((e) => e !== 'default' || m.handler.exportName === 'default'), opts)));
  return handlerInvalid(diagnostics);
}

/**
 * A per-function build failed (its errors are in user code: the handler files are the entries):
 * add every handler export that is missing as well, so one run shows every problem. One more
 * esbuild run over the handler files, only on this failure path.
 */
export async function withMissingExports(err: SlsxError, handlers: ResolvedHandler[], opts: { paths: PathContext; configFile: string; loader?: Record<string, string> }): Promise<SlsxError> {
  const { detectHandlerExports } = await import('../config/handler-exports.js');
  const found = await detectHandlerExports(handlers.map((h) => h.file), opts.paths.root, opts.loader);
  const extra: Diagnostic[] = [];
  for (const h of handlers) {
    const exports = found.get(h.file)?.exports;
    if (exports && !exports.includes(h.exportName)) extra.push(await missingExport(h, exports, opts));
  }
  return extra.length === 0 ? err : new SlsxError('BUNDLE_FAILED', err.message, { hint: err.hint, diagnostics: [...err.diagnostics, ...extra] });
}
