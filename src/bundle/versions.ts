import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const slsx = new Map<string, string>();
/** sls-x's own version (part of every cache key: a new sls-x rebuilds everything). */
export function slsxVersion(root: string): string {
  let v = slsx.get(root);
  if (v === undefined) {
    try {
      v = String((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '');
    } catch {
      v = '';
    }
    slsx.set(root, v);
  }
  return v;
}

let esbuild: string | undefined;
/**
 * The installed esbuild's version (part of every cache key), read from its package.json:
 * importing esbuild for it would start the bundler even when every result comes from a cache.
 */
export function esbuildVersion(): string {
  if (esbuild === undefined) {
    try {
      const file = createRequire(import.meta.url).resolve('esbuild/package.json');
      esbuild = String((JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '');
    } catch {
      esbuild = '';
    }
  }
  return esbuild;
}
