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
 * generated entry imports `{ <export> as user } from "./<file>"`, so esbuild reports a missing
 * ES module export in the entry (`.sls-x/entries/<target>/<name>.mjs`, or a virtual module `slsx-entry:<name>`). Those become `handler-export-missing`
 * at the function's `handler:` line of faas.yaml, with a suggestion from the file's real exports
 * (one more esbuild run, only on this failure path); the rest stay as esbuild said them. Exports
 * of CommonJS files are not known to esbuild: validate reads them from the source, and the shim's
 * `assertHandler` refuses a non-function when the function starts.
 */
export async function handlerExportErrors(err: SlsxError, handlers: ResolvedHandler[], opts: { paths: PathContext; configFile: string }): Promise<SlsxError> {
  const diagnostics: Diagnostic[] = [];
  let converted = 0;
  const { detectExports } = await import('../config/handler-exports.js');
  const { locateInConfig } = await import('../config/locate.js');
  const configFile = displayPath(opts.configFile, opts.paths);
  for (const d of err.diagnostics) {
    const inEntry = d.file === undefined || d.file.startsWith(`${ENTRY_NAMESPACE}:`) || /(^|[\\/])\.sls-x[\\/]entries[\\/]/.test(d.file);
    const m = inEntry ? MISSING.exec(d.message) : null;
    const matching = m ? handlers.filter((h) => relative(opts.paths.root, h.file).split(sep).join('/') === m[1] && h.exportName === m[2]) : [];
    if (matching.length === 0) {
      diagnostics.push(d);
      continue;
    }
    converted++;
    const exports = (await detectExports(matching[0].file, opts.paths.root, matching[0].fn.build?.loader)).exports ?? [];
    for (const h of matching) {
      if (diagnostics.some((x) => x.path === `functions.${h.fn.name}.handler`)) continue;
      const place = await locateInConfig(opts.configFile, ['functions', h.fn.name, 'handler']);
      diagnostics.push({
        severity: 'error',
        code: 'handler-export-missing',
        message: `Function \`${h.fn.name}\`: ${displayPath(h.file, opts.paths)} has no export named \`${h.exportName}\`.`,
        hint: suggestion(h.exportName, exports),
        file: configFile,
        path: `functions.${h.fn.name}.handler`,
        ...place,
      });
    }
  }
  if (converted === 0) return err;
  const only = diagnostics.every((d) => d.code === 'handler-export-missing');
  if (!only) return new SlsxError('BUNDLE_FAILED', err.message, { hint: err.hint, diagnostics });
  return new SlsxError('HANDLER_INVALID', diagnostics.length === 1 ? diagnostics[0].message : `${diagnostics.length} handler exports are invalid.`, { diagnostics });
}
