import { rememberExports } from '../exports-cache.js';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { didYouMean } from '../did-you-mean.js';
import { detectHandlerExports, findClientUses, type ExportsResult, type LoaderMap } from '../handler-exports.js';
import type { ConfigPath } from '../positions.js';
import type { FunctionSpec } from '../../model/service.js';
import { LOADER_EXTENSION } from './build.js';
import { pathOf, type CheckContext } from './context.js';

/** The function's `build.loader`, without keys checks/build.ts reports (they would only break the build here too). */
const loaderOf = (fn: FunctionSpec): LoaderMap => Object.fromEntries(Object.entries(fn.build?.loader ?? {}).filter(([ext]) => LOADER_EXTENSION.test(ext)));

/** Handler files are looked up with these extensions, in this order. */
export const HANDLER_EXTENSIONS = ['.ts', '.mts', '.tsx', '.js', '.mjs', '.cjs'];

const inside = (root: string, p: string): boolean => {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/**
 * Each handler must be a file inside the project (no `../`, absolute paths or symlinks out)
 * that exports the named function. Fills in `handler.file` with the extension found on disk.
 * The exports of every handler file come from one esbuild build (per distinct `build.loader`),
 * not one per file (see detectHandlerExports), and none for files unchanged since the last check
 * without errors (ExportsCache).
 */
export async function checkHandlers(ctx: CheckContext): Promise<void> {
  const { report, service } = ctx;
  const root = service.root;
  const realRoot = await realpath(root).catch(() => root);
  const found: Array<{ fn: FunctionSpec; at: ConfigPath; file: string; loader: LoaderMap }> = [];

  await Promise.all(
    service.functions.map(async (fn) => {
      const at = [...pathOf(ctx, fn), 'handler'];
      const written = ctx.raw.functions?.[fn.name]?.handler ?? '';
      if (!fn.handler.export) {
        report.error('invalid-handler', `Handler \`${written}\` must name a file and an export: \`path/file.export\`.`, { path: at, hint: 'E.g. `handler: src/api.handler` for `export const handler` in src/api.ts.' });
        return;
      }
      const file = fn.handler.file;
      if (isAbsolute(file) || /^[A-Za-z]:[\\/]/.test(file) || file.split(/[\\/]/).includes('..') || !inside(root, resolve(root, file))) {
        report.error('handler-outside-project', `Handler \`${written}\` points outside the project folder.`, { path: at, hint: `Handlers must be files under ${root}; use a project-relative path like \`src/api.handler\`.` });
        return;
      }
      const onDisk = await findFile(resolve(root, file));
      if (!onDisk) {
        const near = await nearbyFiles(resolve(root, file));
        const guess = didYouMean(basename(file), near.map((n) => n.replace(/\.[^.]+$/, '')));
        report.error('handler-not-found', `Handler file \`${file}\` was not found (tried ${HANDLER_EXTENSIONS.join(', ')}).`, {
          path: at,
          hint: guess ? `Did you mean \`${join(dirname(file), guess).split(sep).join('/')}.${fn.handler.export}\`?` : `Create ${file}.ts exporting \`${fn.handler.export}\`, or fix the path (relative to the folder of the config file).`,
        });
        return;
      }
      const real = await realpath(onDisk).catch(() => onDisk);
      if (!inside(realRoot, real)) {
        report.error('handler-outside-project', `Handler file \`${relative(root, onDisk)}\` is a symlink to a file outside the project.`, { path: at, hint: 'Copy the file into the project instead of linking it: only files under the project folder are bundled.' });
        return;
      }
      fn.handler.file = relative(root, onDisk).split(sep).join('/');
      found.push({ fn, at, file: onDisk, loader: loaderOf(fn) });
    }),
  );

  const stableJson = (loader: LoaderMap): string => JSON.stringify(Object.entries(loader).sort());
  // One build for all handler files that share loader settings (almost always: all of them).
  const groups = new Map<string, { loader: LoaderMap; files: string[] }>();
  for (const f of found) {
    const key = stableJson(f.loader);
    if (!groups.has(key)) groups.set(key, { loader: f.loader, files: [] });
    groups.get(key)!.files.push(f.file);
  }
  // Files whose inputs are unchanged since the last clean check come from the cache (no build).
  const detected = new Map<string, Map<string, ExportsResult>>();
  const cacheKey = (key: string, file: string): string => `${key}\0${relative(root, file).split(sep).join('/')}`;
  await Promise.all(
    [...groups].map(async ([key, g]) => {
      const results = new Map<string, ExportsResult>();
      const missing: string[] = [];
      for (const f of new Set(g.files)) {
        const hit = ctx.exportsCache?.get(cacheKey(key, f));
        if (hit) results.set(f, hit);
        else missing.push(f);
      }
      for (const [f, r] of await detectHandlerExports(missing, root, g.loader)) {
        results.set(f, r);
        ctx.exportsCache?.set(cacheKey(key, f), r);
      }
      for (const [f, r] of results) rememberExports(f, r.exports);
      detected.set(key, results);
    }),
  );

  // Files many handlers import (a shared lib) are read once for the client-use scan.
  const sources = new Map<string, Promise<string>>();
  const read = (f: string): Promise<string> => {
    let text = sources.get(f);
    if (!text) sources.set(f, (text = readFile(join(root, f), 'utf8')));
    return text;
  };
  for (const { fn, at, file, loader } of found.sort((a, b) => (a.fn.name < b.fn.name ? -1 : 1))) {
    const result = detected.get(stableJson(loader))?.get(file) ?? {};
    if (result.error) {
      const place = result.error.file ? `${result.error.file}${result.error.line ? `:${result.error.line}:${result.error.col}` : ''}` : '';
      report.error('handler-build', `Handler file \`${fn.handler.file}\` does not build: ${result.error.message}${place ? ` (${place})` : ''}.`, { path: at, hint: place ? `Fix the code at ${place}.` : 'Fix the error in the handler source.' });
      continue;
    }
    await checkClientUses(ctx, fn, result.inputs ?? [], read);
    if (result.exports && !result.exports.includes(fn.handler.export)) {
      const guess = didYouMean(fn.handler.export, result.exports);
      report.error('handler-export-missing', `\`${fn.handler.file}\` has no export named \`${fn.handler.export}\`${result.exports.length ? ` (it exports ${result.exports.map((e) => `\`${e}\``).join(', ')})` : ' (it exports nothing)'}.`, {
        path: at,
        hint: guess ? `Did you mean \`${fn.handler.file.replace(/\.[^.]+$/, '')}.${guess}\`?` : `Add \`export async function ${fn.handler.export}(...)\` to ${fn.handler.file}.`,
      });
      continue;
    }
    const kind = result.kinds?.[fn.handler.export];
    if (kind && kind !== 'function') {
      const what = kind === 'null' || kind === 'undefined' ? kind : `a${/^[aeiou]/.test(kind) ? 'n' : ''} ${kind}`;
      report.error('handler-not-function', `Export \`${fn.handler.export}\` of \`${fn.handler.file}\` is ${what}, not a function.`, {
        path: at,
        hint: fn.handler.export === 'default' ? 'Export a function: `export default async function (input, ctx) { ... }`.' : `Export a function: \`export const ${fn.handler.export} = async (input, ctx) => { ... }\`.`,
      });
    }
  }
}

async function findFile(base: string): Promise<string | undefined> {
  const candidates = HANDLER_EXTENSIONS.includes(extname(base)) ? [base, ...HANDLER_EXTENSIONS.map((e) => base + e)] : HANDLER_EXTENSIONS.map((e) => base + e);
  for (const c of candidates) {
    const info = await stat(c).catch(() => undefined);
    if (info?.isFile()) return c;
  }
  return undefined;
}

async function nearbyFiles(base: string): Promise<string[]> {
  const entries = await readdir(dirname(base)).catch(() => [] as string[]);
  return entries.filter((e) => HANDLER_EXTENSIONS.includes(extname(e)));
}

/**
 * The queue and bucket clients a handler's code calls with a literal name must be declared for
 * that function (`sends:`, `buckets:`): reported here with where the call is, since at run time
 * the client would refuse the call. A warning, not an error: one file can hold several
 * functions' handlers, and the call may belong to another export of it.
 */
async function checkClientUses(ctx: CheckContext, fn: FunctionSpec, inputs: string[], read: (file: string) => Promise<string>): Promise<void> {
  const uses = await findClientUses(inputs, ctx.service.root, read);
  const at = pathOf(ctx, fn);
  for (const use of uses) {
    const where = `${use.file}:${use.line}:${use.col}`;
    if (use.kind === 'queue' && !fn.sends.includes(use.name)) {
      const exists = ctx.declared.queues.has(use.name);
      ctx.report.warn('client-queue-undeclared', `\`${where}\` sends to queue \`${use.name}\`, but function \`${fn.name}\` does not declare it in \`sends:\`${exists ? '' : ' and no such queue is declared under `queues:`'}.`, {
        path: [...at, 'sends'],
        hint: `${exists ? 'Add' : `Declare \`queues: { ${use.name}: {} }\`, then add`} \`${use.name}\` to \`sends:\` of \`${fn.name}\` (at run time the client refuses an undeclared queue).`,
      });
    }
    if (use.kind === 'table' && !(fn.tables ?? []).some((t) => t.name === use.name)) {
      const exists = ctx.declared.tables.has(use.name);
      ctx.report.warn('client-table-undeclared', `\`${where}\` uses table \`${use.name}\`, but function \`${fn.name}\` does not declare it in \`tables:\`${exists ? '' : ' and no such table is declared under `tables:`'}.`, {
        path: [...at, 'tables'],
        hint: `${exists ? 'Add' : `Declare \`tables: { ${use.name}: { key: id } }\` at the top level, then add`} \`{ name: ${use.name}, access: readwrite }\` (or read / write) to \`tables:\` of \`${fn.name}\`.`,
      });
    }
    if (use.kind === 'bucket' && !fn.buckets.some((b) => b.name === use.name)) {
      const exists = ctx.declared.buckets.has(use.name);
      ctx.report.warn('client-bucket-undeclared', `\`${where}\` uses bucket \`${use.name}\`, but function \`${fn.name}\` does not declare it in \`buckets:\`${exists ? '' : ' and no such bucket is declared under `buckets:`'}.`, {
        path: [...at, 'buckets'],
        hint: `${exists ? 'Add' : `Declare \`buckets: { ${use.name}: {} }\` at the top level, then add`} \`{ name: ${use.name}, access: readwrite }\` (or read / write) to \`buckets:\` of \`${fn.name}\`.`,
      });
    }
  }
}
