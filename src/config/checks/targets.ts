import { limits as aws } from '../../../providers/aws/limits.js';
import { limits as azure } from '../../../providers/azure/limits.js';
import { limits as gcp } from '../../../providers/gcp/limits.js';
import { limits as local } from '../../../providers/local/limits.js';
import type { FunctionSpec, TargetName } from '../../model/service.js';
import type { TargetLimits } from '../limits-types.js';
import type { ConfigPath } from '../positions.js';
import { formatMs } from '../units.js';
import { pathOf, type CheckContext } from './context.js';
import { checkTargetEvents } from './target-events.js';

const NEUTRAL = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export const LIMITS: Record<TargetName, TargetLimits> = { aws, azure, gcp, local };

/** A per-target reporter: every diagnostic names its target, and repeats at one place are dropped. */
export interface TargetScope {
  t: TargetLimits;
  ctx: CheckContext;
  error(code: string, message: string, path: ConfigPath, hint?: string, part?: 'key' | 'value'): void;
  warn(code: string, message: string, path: ConfigPath, hint?: string, part?: 'key' | 'value'): void;
  /** Where a function's setting is written: on the function, in `defaults`, at the top, or the function's key. */
  fieldPath(fn: FunctionSpec, field: 'memory' | 'timeout' | 'runtime' | 'architecture' | 'ephemeralStorage'): { path: ConfigPath; shared: boolean; explicit: boolean };
}

/** Limits and capabilities of every target the service deploys to, from providers/<target>/limits.ts. */
export function checkTargets(ctx: CheckContext): void {
  for (const target of ctx.targets) {
    const t = LIMITS[target];
    const seen = new Set<string>();
    const emit = (severity: 'error' | 'warning') => (code: string, message: string, path: ConfigPath, hint?: string, part?: 'key' | 'value') => {
      const key = `${code}|${JSON.stringify(path)}|${message}`;
      if (seen.has(key)) return;
      seen.add(key);
      ctx.report.add(severity, code, message, { path, target, ...(hint ? { hint } : {}), ...(part ? { part } : {}) });
    };
    const scope: TargetScope = {
      t,
      ctx,
      error: emit('error'),
      warn: emit('warning'),
      fieldPath(fn, field) {
        const own = ctx.raw.functions?.[fn.name]?.[field];
        if (own !== undefined) return { path: [...pathOf(ctx, fn), field], shared: false, explicit: true };
        if (field !== 'runtime' && field !== 'ephemeralStorage' && ctx.raw.defaults?.[field] !== undefined) return { path: ['defaults', field], shared: true, explicit: true };
        if (field === 'runtime' && ctx.raw.runtime !== undefined) return { path: ['runtime'], shared: true, explicit: true };
        // the built-in default runtime: one diagnostic at the top of the file, not one per function
        if (field === 'runtime') return { path: [], shared: true, explicit: false };
        return { path: pathOf(ctx, fn), shared: false, explicit: false };
      },
    };
    checkFunctionLimits(scope);
    checkTargetEvents(scope);
  }
}

function checkFunctionLimits(s: TargetScope): void {
  const { t, ctx } = s;
  const fns = ctx.service.functions;
  const who = (fn: FunctionSpec, shared: boolean) => (shared ? 'The default' : `Function \`${fn.name}\``);
  for (const fn of fns) {
    const rt = s.fieldPath(fn, 'runtime');
    const support = t.runtimes[fn.runtime];
    if (!support) {
      s.error('unsupported-runtime', `${t.label} does not run ${fn.runtime}${rt.shared ? '' : ` (function \`${fn.name}\`)`}.`, rt.path, `Use one of: ${Object.keys(t.runtimes).join(', ')}.`, rt.explicit ? 'value' : 'key');
    } else if (support === 'preview') {
      s.warn('preview-runtime', `${fn.runtime} is in preview on ${t.label}.`, rt.path, 'Preview runtimes can change; use an older runtime for production.', rt.explicit ? 'value' : 'key');
    }

    const mem = s.fieldPath(fn, 'memory');
    if (fn.memory < t.memory.min || fn.memory > t.memory.max) {
      s.error('limit-memory', `${who(fn, mem.shared)} memory ${fn.memory} MB is outside ${t.label}'s ${t.memory.min}-${t.memory.max} MB.`, mem.path, `Set \`memory\` between ${t.memory.min} and ${t.memory.max}.`, mem.explicit ? 'value' : 'key');
    } else if (t.memory.sizes && !t.memory.sizes.includes(fn.memory)) {
      const next = t.memory.sizes.find((x) => x >= fn.memory)!;
      s.warn('limit-memory', `${t.label} offers instance sizes of ${t.memory.sizes.join(', ')} MB; ${who(fn, mem.shared).toLowerCase().replace(/^function/, 'function')} ${fn.memory} MB runs on ${next} MB instances.`, mem.path, `Set \`memory: ${next}\` to say so.`, mem.explicit ? 'value' : 'key');
    }

    const to = s.fieldPath(fn, 'timeout');
    const hasHttp = fn.events.some((e) => e.kind === 'http');
    const hasOther = fn.events.some((e) => e.kind !== 'http');
    if (fn.timeoutMs > t.timeout.maxMs) {
      s.error('limit-timeout', `${who(fn, to.shared)} timeout ${formatMs(fn.timeoutMs)} is over ${t.label}'s ${formatMs(t.timeout.maxMs)}.`, to.path, `Set \`timeout\` to ${formatMs(t.timeout.maxMs)} or less.`, to.explicit ? 'value' : 'key');
    } else if (hasOther && t.timeout.eventMaxMs !== undefined && fn.timeoutMs > t.timeout.eventMaxMs) {
      s.error('limit-timeout', `Function \`${fn.name}\` is event-driven, and ${t.label} stops event-driven functions at ${formatMs(t.timeout.eventMaxMs)}; its timeout is ${formatMs(fn.timeoutMs)}.`, to.path, `Set \`timeout\` to ${formatMs(t.timeout.eventMaxMs)} or less for this target.`, to.explicit ? 'value' : 'key');
    }
    if (hasHttp && t.timeout.httpMaxMs !== undefined && fn.timeoutMs > t.timeout.httpMaxMs) {
      s.warn('limit-http-timeout', `Function \`${fn.name}\` may run ${formatMs(fn.timeoutMs)}, but ${t.label} ends HTTP requests after ${formatMs(t.timeout.httpMaxMs)} (the caller gets an error, the function keeps running).`, to.path, `Keep HTTP work under ${formatMs(t.timeout.httpMaxMs)}: hand longer work to a queue.`, to.explicit ? 'value' : 'key');
    }

    const arch = s.fieldPath(fn, 'architecture');
    if (arch.explicit && !t.architectures.includes(fn.architecture)) {
      s.warn('unsupported-architecture', `${t.label} runs on ${t.architectures.join('/')}, not ${fn.architecture}; this target ignores \`architecture\`.`, arch.path);
    }
    const eph = s.fieldPath(fn, 'ephemeralStorage');
    if (eph.explicit) {
      if (!t.ephemeralStorage) s.warn('unsupported-ephemeral-storage', `${t.label} has no configurable /tmp size; \`ephemeralStorage\` is ignored there (on GCP /tmp uses the function's memory).`, eph.path);
      else if (fn.ephemeralStorage < t.ephemeralStorage.min || fn.ephemeralStorage > t.ephemeralStorage.max) {
        s.error('limit-ephemeral-storage', `Function \`${fn.name}\` ephemeralStorage ${fn.ephemeralStorage} MB is outside ${t.label}'s ${t.ephemeralStorage.min}-${t.ephemeralStorage.max} MB.`, eph.path, `Set \`ephemeralStorage\` between ${t.ephemeralStorage.min} and ${t.ephemeralStorage.max}.`);
      }
    }

    const envPath = [...pathOf(ctx, fn), 'env'];
    const bytes = Object.entries(fn.env).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    if (t.env.maxBytes !== undefined && bytes > t.env.maxBytes) {
      s.error('limit-env-size', `Function \`${fn.name}\` has ${bytes} bytes of environment variables; ${t.label} allows ${t.env.maxBytes}.`, ctx.raw.functions?.[fn.name]?.env ? envPath : ['defaults', 'env'], 'Move large values to a file in the bundle, or to a secret.');
    }
    for (const key of Object.keys(fn.env)) {
      if (t.env.reserved.includes(key) || t.env.reservedPrefixes.some((p) => key.startsWith(p))) {
        const own = ctx.raw.functions?.[fn.name]?.env?.[key] !== undefined;
        s.error('reserved-env', `\`${key}\` is reserved on ${t.label}.`, own ? [...envPath, key] : ['defaults', 'env', key], 'Rename the variable.', 'key');
      }
    }

    const { max, warm } = fn.concurrency;
    const cc = [...pathOf(ctx, fn), 'concurrency'];
    if (max !== undefined && max > t.concurrency.maxMax) s.warn('limit-concurrency', `Function \`${fn.name}\` allows ${max} instances; ${t.label}'s default quota is ${t.concurrency.maxMax}.`, [...cc, 'max'], 'Ask the cloud for a quota increase, or lower `max`.');
    if (max !== undefined && t.concurrency.maxMin !== undefined && max < t.concurrency.maxMin) s.warn('limit-concurrency', `${t.label}'s lowest instance limit is ${t.concurrency.maxMin}; function \`${fn.name}\` asks for ${max}, so up to ${t.concurrency.maxMin} instances may run.`, [...cc, 'max'], 'Protect a fragile downstream with a queue in between, or accept the higher limit on this target.');
    if (warm > t.concurrency.warmMax) s.warn('limit-concurrency', `Function \`${fn.name}\` keeps ${warm} warm; ${t.label}'s default quota is ${t.concurrency.warmMax}.`, [...cc, 'warm'], 'Ask the cloud for a quota increase, or lower `warm`.');
  }

  if (t.target === 'local') checkLocalRuntime(s);
  if (t.memory.perService && new Set(fns.map((f) => f.memory)).size > 1) {
    const most = Math.max(...fns.map((f) => f.memory));
    s.warn('per-service-memory', `${t.label} sets memory once for all functions of the service; they all get ${t.memory.sizes?.find((x) => x >= most) ?? most} MB.`, ['functions'], 'Give every function the same `memory` (or use `defaults.memory`) to make this explicit.', 'key');
  }
  if (t.timeout.perService && new Set(fns.map((f) => f.timeoutMs)).size > 1) {
    s.warn('per-service-timeout', `${t.label} sets one timeout for all functions of the service; they all get the longest, ${formatMs(Math.max(...fns.map((f) => f.timeoutMs)))}.`, ['functions'], 'Give every function the same `timeout` (or use `defaults.timeout`).', 'key');
  }
  checkNames(s);
}

/**
 * The local target runs functions on this machine's Node.js. One warning per service, not one per
 * function: it is one fact about the machine with one fix. It points at the newest runtime asked
 * for and names the functions when their runtimes are set in different places.
 */
function checkLocalRuntime(s: TargetScope): void {
  const { ctx } = s;
  const major = (v: string) => Number(v.replace(/^v|^node/, '').split('.')[0]);
  const host = major(ctx.hostNode);
  const behind = ctx.service.functions.filter((fn) => major(fn.runtime) > host);
  if (behind.length === 0) return;
  const newest = behind.reduce((a, b) => (major(b.runtime) > major(a.runtime) ? b : a));
  const rt = s.fieldPath(newest, 'runtime');
  const runtimes = [...new Set(behind.map((fn) => fn.runtime))].sort((a, b) => major(a) - major(b));
  const places = new Set(behind.map((fn) => JSON.stringify(s.fieldPath(fn, 'runtime').path)));
  const names = behind.slice(0, 5).map((fn) => `\`${fn.name}\``).join(', ') + (behind.length > 5 ? ` and ${behind.length - 5} more` : '');
  const which = places.size > 1 ? ` (function${behind.length === 1 ? '' : 's'} ${names})` : rt.explicit ? '' : ' (the default runtime)';
  s.warn(
    'local-runtime',
    `The local target runs functions on this machine's Node.js ${ctx.hostNode}, older than ${runtimes.join(' and ')}${which}.`,
    rt.path,
    `Install Node.js ${major(newest.runtime)} to test locally on the runtime you deploy, or set \`runtime: node${host}\`${places.size > 1 ? ' wherever a runtime is set' : ''}.`,
    rt.explicit ? 'value' : 'key',
  );
}

function checkNames(s: TargetScope): void {
  const { t, ctx } = s;
  const { service, stage } = ctx.service;
  // Names that break the neutral rules are reported once by checks/names.ts, not per target.
  if (!service || !NEUTRAL.test(service) || !NEUTRAL.test(stage)) return;
  const check = (rule: TargetLimits['names']['function'] | undefined, name: string, path: ConfigPath, part: 'key' | 'value', fn?: FunctionSpec) => {
    if (!rule) return;
    const physical = rule.physical(service, stage, name, fn);
    if (physical.length > rule.max || physical.length < (rule.min ?? 1)) {
      s.error('limit-name', `${rule.label} \`${physical}\` is ${physical.length} characters; ${t.label} allows ${rule.min ? `${rule.min}-` : 'at most '}${rule.max}.`, path, 'Shorten the service, stage or resource name.', part);
    } else if (!rule.pattern.test(physical)) {
      s.error('limit-name', `${rule.label} \`${physical}\` is not valid on ${t.label}: use ${rule.allowed}.`, path, 'Rename it.', part);
    }
  };
  check(t.names.service, '', ['service'], 'value');
  for (const fn of ctx.service.functions) if (/^[A-Za-z][A-Za-z0-9_-]*$/.test(fn.name)) check(t.names.function, fn.name, pathOf(ctx, fn), 'key', fn);
  for (const q of ctx.service.queues) if (NEUTRAL.test(q.name)) check(t.names.queue, q.name, pathOf(ctx, q), 'key');
  for (const b of ctx.service.buckets) if (!b.existing && NEUTRAL.test(b.name)) check(t.names.bucket, b.name, pathOf(ctx, b), 'key');
}
