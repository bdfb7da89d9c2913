import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { didYouMean } from '../did-you-mean.js';
import { detectExports, findClientUses } from '../handler-exports.js';
import type { FunctionSpec } from '../../model/service.js';
import { pathOf, type CheckContext } from './context.js';

/** Handler files are looked up with these extensions, in this order. */
export const HANDLER_EXTENSIONS = ['.ts', '.mts', '.tsx', '.js', '.mjs', '.cjs'];

const inside = (root: string, p: string): boolean => {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/**
 * Each handler must be a file inside the project (no `../`, absolute paths or symlinks out)
 * that exports the named function. Fills in `handler.file` with the extension found on disk.
 */
export async function checkHandlers(ctx: CheckContext): Promise<void> {
  const { report, service } = ctx;
  const root = service.root;
  const realRoot = await realpath(root).catch(() => root);
  const exportsCache = new Map<string, ReturnType<typeof detectExports>>();

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
      const found = await findFile(resolve(root, file));
      if (!found) {
        const near = await nearbyFiles(resolve(root, file));
        const guess = didYouMean(basename(file), near.map((n) => n.replace(/\.[^.]+$/, '')));
        report.error('handler-not-found', `Handler file \`${file}\` was not found (tried ${HANDLER_EXTENSIONS.join(', ')}).`, {
          path: at,
          hint: guess ? `Did you mean \`${join(dirname(file), guess).split(sep).join('/')}.${fn.handler.export}\`?` : `Create ${file}.ts exporting \`${fn.handler.export}\`, or fix the path (relative to the folder of the config file).`,
        });
        return;
      }
      const real = await realpath(found).catch(() => found);
      if (!inside(realRoot, real)) {
        report.error('handler-outside-project', `Handler file \`${relative(root, found)}\` is a symlink to a file outside the project.`, { path: at, hint: 'Copy the file into the project instead of linking it: only files under the project folder are bundled.' });
        return;
      }
      fn.handler.file = relative(root, found).split(sep).join('/');
      let pending = exportsCache.get(found);
      if (!pending) exportsCache.set(found, (pending = detectExports(found, root)));
      const result = await pending;
      if (result.error) {
        const place = result.error.file ? `${result.error.file}${result.error.line ? `:${result.error.line}:${result.error.col}` : ''}` : '';
        report.error('handler-build', `Handler file \`${fn.handler.file}\` does not build: ${result.error.message}${place ? ` (${place})` : ''}.`, { path: at, hint: place ? `Fix the code at ${place}.` : 'Fix the error in the handler source.' });
        return;
      }
      await checkClientUses(ctx, fn, result.inputs ?? []);
      if (result.exports && !result.exports.includes(fn.handler.export)) {
        const guess = didYouMean(fn.handler.export, result.exports);
        report.error('handler-export-missing', `\`${fn.handler.file}\` has no export named \`${fn.handler.export}\`${result.exports.length ? ` (it exports ${result.exports.map((e) => `\`${e}\``).join(', ')})` : ' (it exports nothing)'}.`, {
          path: at,
          hint: guess ? `Did you mean \`${fn.handler.file.replace(/\.[^.]+$/, '')}.${guess}\`?` : `Add \`export async function ${fn.handler.export}(...)\` to ${fn.handler.file}.`,
        });
      }
    }),
  );
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
async function checkClientUses(ctx: CheckContext, fn: FunctionSpec, inputs: string[]): Promise<void> {
  const uses = await findClientUses(inputs, ctx.service.root);
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
    if (use.kind === 'bucket' && !fn.buckets.some((b) => b.name === use.name)) {
      const exists = ctx.declared.buckets.has(use.name);
      ctx.report.warn('client-bucket-undeclared', `\`${where}\` uses bucket \`${use.name}\`, but function \`${fn.name}\` does not declare it in \`buckets:\`${exists ? '' : ' and no such bucket is declared under `buckets:`'}.`, {
        path: [...at, 'buckets'],
        hint: `${exists ? 'Add' : `Declare \`buckets: { ${use.name}: {} }\` at the top level, then add`} \`{ name: ${use.name}, access: readwrite }\` (or read / write) to \`buckets:\` of \`${fn.name}\`.`,
      });
    }
  }
}
