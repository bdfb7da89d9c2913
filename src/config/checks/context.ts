import type { Service, TargetName } from '../../model/service.js';
import type { ExportsCache } from '../exports-cache.js';
import type { ConfigPath } from '../positions.js';
import type { Reporter } from '../report.js';
import type { RawConfig } from '../schema.js';

/** What every check reads. Checks are pure except handlers.ts, which reads the project files. */
export interface CheckContext {
  /** The config with schema-invalid parts removed. */
  raw: Partial<RawConfig>;
  service: Service;
  origin: WeakMap<object, ConfigPath>;
  report: Reporter;
  /** Targets the service deploys to: the default, every key under `targets:`, and `--target`. */
  targets: TargetName[];
  /** The target this command is for (`--target`, else the config's `target:`). */
  active?: TargetName;
  /** Names declared in the file, even those whose body was invalid (avoids knock-on errors). */
  declared: { functions: Set<string>; queues: Set<string>; buckets: Set<string>; tables: Set<string> };
  /** The config as written (after interpolation, before pruning): to tell "empty" from "emptied by pruning". */
  source: unknown;
  /** JSON-encoded paths whose value came from `${env:...}`. */
  fromEnv: Set<string>;
  /** Node.js version running sls-x (the local target runs functions on it). */
  hostNode: string;
  /** Handler exports remembered from the last check without errors (checks/handlers.ts). */
  exportsCache?: ExportsCache;
}

/** The path of a normalized object in the config (falls back to `fallback`). */
export function pathOf(ctx: CheckContext, obj: object, fallback: ConfigPath = []): ConfigPath {
  return ctx.origin.get(obj) ?? fallback;
}
