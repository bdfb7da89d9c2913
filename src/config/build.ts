import type { z } from 'zod';
import type { BuildSpec } from '../model/service.js';
import type { buildSchema } from './schema.js';

export type RawBuild = z.infer<typeof buildSchema>;

/**
 * A function's bundler settings: its own `build` over the service's. `minify` and `sourcemap`:
 * the function's when set. `external`: both lists, the service's first, so a function adds to
 * it (and `!name` in either takes a name out again; targets add their defaults in front when
 * they package). `define` and `loader`: merged per entry, the function's entry winning.
 */
export function mergeBuild(service: RawBuild | undefined, fn: RawBuild | undefined): BuildSpec {
  const minify = fn?.minify ?? service?.minify;
  const sourcemap = fn?.sourcemap ?? service?.sourcemap;
  return {
    external: [...(service?.external ?? []), ...(fn?.external ?? [])],
    ...(minify === undefined ? {} : { minify }),
    ...(sourcemap === undefined ? {} : { sourcemap }),
    define: { ...(service?.define ?? {}), ...(fn?.define ?? {}) },
    loader: { ...(service?.loader ?? {}), ...(fn?.loader ?? {}) },
  };
}
