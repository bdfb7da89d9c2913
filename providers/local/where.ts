import type { AdapterContext } from '../../src/core/adapter.js';
import type { Scope } from '../../src/core/resources.js';
import type { Service } from '../../src/model/service.js';

/** The local scope: which project folder's local cloud, and the port it should listen on. */
export interface LocalScope extends Scope {
  target: 'local';
  /** Absolute project folder; the local cloud lives in `<root>/.sls-x/local/`. */
  root: string;
  /** `targets.local.port` (0 = any free port). */
  port: number;
}

// apply(change, ctx) receives no scope or service, so the folder found by scope()/lock() is
// remembered per adapter context (one per command run); a cache keyed by the caller's object,
// not module-global state shared across runs.
const byContext = new WeakMap<AdapterContext, { root: string; port: number; stage: string }>();

export function localScope(service: Service): LocalScope {
  return { target: 'local', service: service.service, stage: service.stage, root: service.root, port: service.targets.local?.port ?? 0 };
}

export function remember(ctx: AdapterContext, scope: Scope): void {
  const s = scope as Partial<LocalScope>;
  if (s.root) byContext.set(ctx, { root: s.root, port: s.port ?? 0, stage: s.stage ?? 'dev' });
}

/** The project folder and port for this context: remembered from scope(), else `ctx.root`, else the cwd. */
export function whereFor(ctx: AdapterContext): { root: string; port: number; stage: string } {
  const known = byContext.get(ctx);
  if (known) return known;
  const root = (ctx as AdapterContext & { root?: string }).root ?? ctx.cwd;
  return { root, port: 0, stage: 'dev' };
}
