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
const userSpecifier = (file: string): string => q(`./${file}`);

// JSON is a valid JS expression; U+2028/2029 are escaped for older parsers' sake.
const literal = (v: unknown): string => JSON.stringify(v).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/**
 * Source of the generated per-function entry: imports the user's export and the target's
 * shim factory, bakes the function's name and target in (its configuration comes from the
 * environment at load time: `SLSX_FUNCTIONS`). Export names are checked to be identifiers before.
 */
export function functionEntrySource(target: TargetName, h: EntryHandler): string {
  const factory = TARGET_PROFILES[target].factory;
  const lines = [
    `import { ${h.exportName} as user } from ${userSpecifier(h.file)};`,
    `import { ${factory} } from ${q(shimSpecifier(target))};`,
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

/** Source of the azure Function App entry: every handler registered with the v4 programming model. */
export function azureEntrySource(handlers: EntryHandler[]): string {
  const factory = TARGET_PROFILES.azure.factory;
  const lines = [`import { ${factory} } from ${q(shimSpecifier('azure'))};`];
  handlers.forEach((h, i) => lines.push(`import { ${h.exportName} as f${i} } from ${userSpecifier(h.file)};`));
  handlers.forEach((h, i) => lines.push(`${factory}(f${i}, ${literal(h.meta)});`));
  return `${lines.join('\n')}\n`;
}
