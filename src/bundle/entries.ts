import type { BakedMeta } from '../model/shim.js';
import type { TargetName } from '../model/service.js';
import { TARGET_PROFILES } from './target-profile.js';

/** A handler to wire into a generated entry: project-relative POSIX path, export name, name and target. */
export interface EntryHandler {
  file: string;
  exportName: string;
  meta: BakedMeta;
}

const q = (s: string): string => JSON.stringify(s);

/**
 * The specifier the generated entries import a target's shim by; the bundler resolves it to
 * templates/shims/<target>.ts. Neither this nor the `./`-relative handler paths say anything
 * about the build machine, and the entries' text does end up in source maps.
 */
export const shimSpecifier = (target: TargetName): string => `sls-x/shims/${target}`;
/** A handler file as a generated virtual module imports it: resolved from the project root. */
const userSpecifier = (file: string): string => q(`./${file}`);

// JSON is a valid JS expression; U+2028/2029 are escaped for older parsers' sake.
const literal = (v: unknown): string => JSON.stringify(v).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/** A per-function package's bundle of the user's handler file, beside its `index.mjs` (functionWrapperSource). */
export const HANDLER_BUNDLE = { id: 'handler', file: 'handler.mjs' } as const;

/**
 * Source of a per-function package's `index.mjs`, the file the platform loads. It is not bundled
 * (esbuild never sees it): it imports the user's export from the bundled handler file
 * (HANDLER_BUNDLE) and the shim's factory from the shared runtime module (SHARED_RUNTIME), and
 * bakes in the function's name and target (its configuration comes from the environment at load
 * time: `SLSX_FUNCTIONS`). `commonjs`: the handler file is CommonJS, so its bundle's default
 * export is its `module.exports` and the handler a property of it. Export names are checked to be
 * identifiers before.
 */
export function functionWrapperSource(target: TargetName, h: { exportName: string; meta: BakedMeta }, commonjs = false): string {
  const factory = TARGET_PROFILES[target].factory;
  const from = q(`./${HANDLER_BUNDLE.file}`);
  const lines = [
    commonjs ? `import mod from ${from};` : `import { ${h.exportName} as user } from ${from};`,
    `import { ${SHIM_EXPORT} as ${factory} } from ${q(`./${SHARED_RUNTIME.file}`)};`,
    ...(commonjs ? [`const user = mod?.[${literal(h.exportName)}];`] : []),
    `const meta = ${literal(h.meta)};`,
  ];
  switch (target) {
    case 'aws':
      lines.push(`export const handler = ${factory}(user, meta);`);
      break;
    case 'gcp':
      lines.push(`${factory}(user, meta);`);
      break;
    case 'local':
      lines.push(`export default ${factory}(user, meta);`);
      break;
    case 'azure':
      throw new Error('azure is packaged per service: use azureEntrySource');
  }
  return `${lines.join('\n')}\n`;
}

/** What the shared runtime module bundles `sls-x/runtime` from (an alias; never written by users). */
export const RUNTIME_IMPL_SPECIFIER = 'sls-x/__runtime-impl';
/** The shim's factory as the shared runtime module exports it. */
export const SHIM_EXPORT = '__slsxShim';
/**
 * The shared runtime module of a per-function package: `sls-x/runtime` and the target's shim,
 * bundled once, beside every function's `index.mjs` as `_slsx.mjs`. Its bytes depend only on
 * sls-x, the target and the build settings, never on the service's functions: adding, changing
 * or removing one function leaves every other function's zip as it was.
 */
export const SHARED_RUNTIME = { id: '_slsx', file: '_slsx.mjs' } as const;

/** Source of the shared runtime module: the whole neutral API, plus the shim's factory. */
export function sharedRuntimeSource(target: TargetName): string {
  return `export * from ${q(RUNTIME_IMPL_SPECIFIER)};
export { ${TARGET_PROFILES[target].factory} as ${SHIM_EXPORT} } from ${q(shimSpecifier(target))};
`;
}

/** Source of the azure Function App entry: every handler registered with the v4 programming model. */
export function azureEntrySource(handlers: EntryHandler[]): string {
  const factory = TARGET_PROFILES.azure.factory;
  const lines = [`import { ${factory} } from ${q(shimSpecifier('azure'))};`];
  handlers.forEach((h, i) => lines.push(`import { ${h.exportName} as f${i} } from ${userSpecifier(h.file)};`));
  handlers.forEach((h, i) => lines.push(`${factory}(f${i}, ${literal(h.meta)});`));
  return `${lines.join('\n')}\n`;
}

/** A virtual entry that is one export of a handler file (several handlers in one file: each bundle tree-shaken to its own). */
export function reexportSource(h: Pick<EntryHandler, 'file' | 'exportName'>): string {
  return `export { ${h.exportName} } from ${userSpecifier(h.file)};\n`;
}
