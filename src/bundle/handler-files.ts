import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { SlsxError } from '../errors/slsx-error.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { FunctionSpec, Service } from '../model/service.js';
import { displayPath, type PathContext } from './esbuild-diagnostics.js';

export interface ResolvedHandler {
  fn: FunctionSpec;
  /** Absolute path of the handler source. */
  file: string;
  exportName: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function inside(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * Resolve every function's handler file and check it is a file inside the project, also
 * after following symlinks, and that the export name is an identifier (it is written into a
 * generated module). The config loader checks the same; this is the bundler's own guard, so
 * a hand-built Service cannot make it read outside the project either.
 */
export function resolveHandlers(service: Service, functions: FunctionSpec[], paths: PathContext): ResolvedHandler[] {
  const diagnostics: Diagnostic[] = [];
  const out: ResolvedHandler[] = [];
  const configFile = displayPath(service.configFile, paths);
  let realRoot = service.root;
  try {
    realRoot = realpathSync.native(service.root);
  } catch {
    // the root not existing shows up below as missing files
  }
  for (const fn of functions) {
    const where = { file: configFile, path: `functions.${fn.name}.handler` };
    const file = resolve(service.root, fn.handler.file);
    const shown = fn.handler.file;
    if (!inside(service.root, file)) {
      diagnostics.push({ severity: 'error', code: 'handler-outside-project', message: `Handler file \`${shown}\` of function \`${fn.name}\` is outside the project folder.`, hint: 'Move the handler under the folder that holds faas.yaml and point `handler` at it.', ...where });
      continue;
    }
    let real: string;
    try {
      // The system call (one per file), not the JS walk that lstats every folder on the way.
      real = realpathSync.native(file);
      if (!statSync(real).isFile()) throw new Error('not a file');
    } catch {
      diagnostics.push({ severity: 'error', code: 'handler-missing', message: `Handler file \`${shown}\` of function \`${fn.name}\` does not exist.`, hint: 'Create the file or fix `handler` (format `path/to/file.exportName`).', ...where });
      continue;
    }
    if (!inside(realRoot, real)) {
      diagnostics.push({ severity: 'error', code: 'handler-outside-project', message: `Handler file \`${shown}\` of function \`${fn.name}\` is a link to a file outside the project folder.`, hint: 'Copy the file into the project instead of linking to it.', ...where });
      continue;
    }
    if (!IDENTIFIER.test(fn.handler.export)) {
      diagnostics.push({ severity: 'error', code: 'handler-export-name', message: `Export name \`${fn.handler.export}\` of function \`${fn.name}\` is not a JavaScript identifier.`, hint: 'Use `file.exportName`, e.g. `src/api.handler`.', ...where });
      continue;
    }
    out.push({ fn, file, exportName: fn.handler.export });
  }
  if (diagnostics.length > 0) {
    throw new SlsxError('HANDLER_INVALID', diagnostics.length === 1 ? diagnostics[0].message : `${diagnostics.length} handlers are invalid.`, { diagnostics });
  }
  return out;
}
