import { rmSync } from 'node:fs';
import type { Adapter, Outputs } from '../../src/core/adapter.js';
import { applyLocalChange } from './apply/change.js';
import { localDesired } from './desired.js';
import { acquireDeployLock, ensureRunning, findRunning, stopCloud, breakLocalLock, localLockInfo } from './launcher.js';
import { LOCAL_TYPES, type RouteProps } from './naming.js';
import { observeLocal } from './observe.js';
import { forceColdStartLocal, invocationsLocal, invokeLocal, logsLocal } from './operations.js';
import { localPaths } from './paths.js';
import { validateLocal } from './validate.js';
import { localScope, remember, whereFor, type LocalScope } from './where.js';

/**
 * The local target: an embedded local cloud (a background `node` process per project, state in
 * `.sls-x/local/`) behind the same adapter contract as the clouds. See docs/local.md.
 */
export const adapter: Adapter = {
  target: 'local',
  validate: (service) => validateLocal(service),

  async scope(service, ctx) {
    const scope = localScope(service);
    remember(ctx, scope);
    return scope;
  },

  async observe(scope, ctx) {
    remember(ctx, scope);
    return observeLocal((scope as Partial<LocalScope>).root ?? whereFor(ctx).root, scope.stage ?? whereFor(ctx).stage);
  },

  desired: (service, artifacts) => localDesired(service, artifacts),

  async apply(change, ctx) {
    await applyLocalChange(change, whereFor(ctx), ctx.env);
  },

  async lock(scope, ctx) {
    remember(ctx, scope);
    return acquireDeployLock(whereFor(ctx).root, ctx.now, whereFor(ctx).stage);
  },

  async lockInfo(scope, ctx) {
    remember(ctx, scope);
    return localLockInfo(whereFor(ctx).root, whereFor(ctx).stage);
  },

  async breakLock(scope, ctx) {
    remember(ctx, scope);
    breakLocalLock(whereFor(ctx).root, whereFor(ctx).stage);
  },

  async outputs(service, scope, ctx): Promise<Outputs> {
    const root = (scope as Partial<LocalScope>).root ?? service.root;
    const stage = service.stage;
    const observed = await observeLocal(root, stage);
    // Everything deployed survives a reboot in the state; serving it needs the process back.
    const info = observed.length > 0 ? await ensureRunning(root, { port: service.targets.local?.port ?? 0, env: ctx.env, stage }) : await findRunning(root, stage);
    const base = info ? `http://127.0.0.1:${info.port}` : '(local cloud not running)';
    const routes = observed.filter((r) => r.type === LOCAL_TYPES.route).map((r) => r.props as unknown as RouteProps);
    const paths = localPaths(root, stage);
    return {
      endpoints: routes.map((r) => ({ method: r.method, url: `${base}${r.path}`, function: r.function })),
      functions: service.functions.map((f) => ({ name: f.name, physicalName: f.name })),
      localCloud: info ? { pid: info.pid, port: info.port, url: base, state: paths.dir } : undefined,
      buckets: Object.fromEntries(service.buckets.map((b) => [b.name, `${paths.buckets}/${b.name}`])),
    };
  },

  async teardown(service, scope) {
    const root = (scope as Partial<LocalScope>).root ?? service.root;
    if ((await observeLocal(root, service.stage)).length > 0) return;
    await stopCloud(root, service.stage);
    rmSync(localPaths(root, service.stage).dir, { recursive: true, force: true });
  },

  invoke: (service, fn, payload, ctx) => invokeLocal(service, fn, payload, ctx),
  logs: (service, fn, options, ctx) => logsLocal(service, fn, options, ctx),
  invocations: (service, options, ctx) => invocationsLocal(service, options, ctx),
  forceColdStart: (service, fn, ctx) => forceColdStartLocal(service, fn, ctx),
};
