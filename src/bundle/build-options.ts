import type { BuildLoader, BuildSpec, TargetName } from '../model/service.js';
import { TARGET_PROFILES } from './target-profile.js';

/** The esbuild settings one function is bundled with for one target: faas.yaml's `build` over the target's defaults. */
export interface EffectiveBuild {
  /** Sorted, without duplicates. */
  external: string[];
  minify: boolean;
  sourcemap: boolean;
  define: Record<string, string>;
  loader: Record<string, BuildLoader>;
}

const sorted = <T>(o: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * `external`: the target's defaults (aws: `@aws-sdk/*`), then the config's list in order (the
 * service's, then the function's), where `!name` removes a name listed before; the packages the
 * target cannot run without (gcp's functions-framework, azure's functions-core) always stay out.
 * `minify`: default true. `sourcemap`: `--sourcemap`, else the config, else on for local only.
 */
export function effectiveBuild(spec: BuildSpec | undefined, target: TargetName, sourcemapFlag?: boolean): EffectiveBuild {
  const profile = TARGET_PROFILES[target];
  let external = [...profile.defaultExternal];
  for (const name of spec?.external ?? []) {
    if (name.startsWith('!')) external = external.filter((e) => e !== name.slice(1));
    else external.push(name);
  }
  return {
    external: [...new Set([...profile.external, ...external])].sort(),
    minify: spec?.minify ?? true,
    sourcemap: sourcemapFlag ?? spec?.sourcemap ?? target === 'local',
    define: sorted(spec?.define ?? {}),
    loader: sorted(spec?.loader ?? {}),
  };
}
