import type { HttpEventSpec } from '../../model/service.js';
import { suggestion } from '../did-you-mean.js';
import { valueAt } from '../schema-issues.js';
import { pathOf, type CheckContext } from './context.js';

const EVENT_KINDS = ['http', 'queue', 'schedule', 'storage'];

/** Events: one kind each, valid HTTP paths, no duplicate routes, references to declared queues and buckets. */
export function checkEvents(ctx: CheckContext): void {
  const { raw, report, service, declared } = ctx;
  for (const [name, fn] of Object.entries(raw.functions ?? {})) {
    (fn.events ?? []).forEach((ev, i) => {
      const keys = Object.keys(ev);
      // An event emptied by pruning (an unknown key, an invalid value) was reported where it is wrong.
      const written = valueAt(ctx.source, report.original(['functions', name, 'events', i]));
      if (keys.length === 0 && written !== null && typeof written === 'object' && Object.keys(written).length > 0) return;
      if (keys.length !== 1) {
        report.error('invalid-event', keys.length === 0 ? 'Empty event: it needs one of `http`, `queue`, `schedule`, `storage`.' : `One event has ${keys.length} kinds (${keys.join(', ')}); each list item is one trigger.`, {
          path: ['functions', name, 'events', i],
          hint: 'Write each trigger as its own list item: `- http: GET /x` then `- queue: orders`.',
        });
      }
    });
  }

  const routes = new Map<string, { fn: string; ev: HttpEventSpec }>();
  for (const fn of service.functions) {
    const fnPath = pathOf(ctx, fn);
    for (const ev of fn.events) {
      const evPath = pathOf(ctx, ev, fnPath);
      if (ev.kind === 'http') {
        const problem = httpPathProblem(ev.path);
        if (problem) {
          report.error('invalid-http-path', `HTTP path \`${ev.path}\` ${problem}.`, { path: [...evPath, 'http'], hint: 'Paths start with `/`; parameters fill a whole segment: `/orders/{id}`; a greedy one goes last: `/files/{path+}`.' });
          continue;
        }
        const shape = routeShape(ev.path);
        const methods = ev.method === 'ANY' ? ['ANY'] : [ev.method, 'ANY'];
        const clash = methods.map((m) => routes.get(`${m} ${shape}`)).find(Boolean)
          ?? (ev.method === 'ANY' ? [...routes.entries()].find(([k]) => k.endsWith(` ${shape}`))?.[1] : undefined);
        if (clash) {
          const same = clash.ev.path === ev.path;
          report.error('duplicate-route', `Route \`${ev.method} ${ev.path}\` clashes with \`${clash.ev.method} ${clash.ev.path}\` of function \`${clash.fn}\`${same ? '' : ' (parameters at the same place match the same requests)'}.`, {
            path: [...evPath, 'http'],
            hint: same ? 'Each method and path may be routed to one function: remove one, or change its method or path.' : 'Use the same parameter name at the same position, or make the paths differ by a literal segment.',
          });
          continue;
        }
        routes.set(`${ev.method} ${shape}`, { fn: fn.name, ev });
      } else if (ev.kind === 'queue' && !declared.queues.has(ev.queue)) {
        const hint = suggestion(ev.queue, declared.queues);
        report.error('undeclared-queue', `Queue \`${ev.queue}\` is not declared under top-level \`queues\`.`, {
          path: [...evPath, 'queue'],
          hint: hint ? `${cap(hint)} Or declare it: \`queues: { ${ev.queue}: {} }\`.` : `Declare it: \`queues: { ${ev.queue}: {} }\`.`,
        });
      } else if (ev.kind === 'storage' && !declared.buckets.has(ev.bucket)) {
        const hint = suggestion(ev.bucket, declared.buckets);
        report.error('undeclared-bucket', `Bucket \`${ev.bucket}\` is not declared under top-level \`buckets\`.`, {
          path: [...evPath, 'storage'],
          hint: hint ? `${cap(hint)} Or declare it: \`buckets: { ${ev.bucket}: {} }\`.` : `Declare it: \`buckets: { ${ev.bucket}: {} }\`.`,
        });
      }
    }
    fn.sends.forEach((q) => {
      if (!declared.queues.has(q)) {
        const i = ctx.raw.functions?.[fn.name]?.sends?.indexOf(q) ?? -1;
        report.error('undeclared-queue', `Function \`${fn.name}\` sends to \`${q}\`, which is not declared under top-level \`queues\`.`, {
          path: i >= 0 ? [...fnPath, 'sends', i] : fnPath,
          hint: suggestion(q, declared.queues) ? cap(suggestion(q, declared.queues)!) : `Declare it: \`queues: { ${q}: {} }\`.`,
        });
      }
    });
    fn.buckets.forEach((b, i) => {
      if (!declared.buckets.has(b.name)) {
        report.error('undeclared-bucket', `Function \`${fn.name}\` uses bucket \`${b.name}\`, which is not declared under top-level \`buckets\`.`, {
          path: [...fnPath, 'buckets', i],
          hint: suggestion(b.name, declared.buckets) ? cap(suggestion(b.name, declared.buckets)!) : `Declare it: \`buckets: { ${b.name}: {} }\`.`,
        });
      }
    });
    (fn.tables ?? []).forEach((t, i) => {
      if (!declared.tables.has(t.name)) {
        report.error('undeclared-table', `Function \`${fn.name}\` uses table \`${t.name}\`, which is not declared under top-level \`tables\`.`, {
          path: [...fnPath, 'tables', i],
          hint: suggestion(t.name, declared.tables) ? cap(suggestion(t.name, declared.tables)!) : `Declare it: \`tables: { ${t.name}: { key: id } }\`.`,
        });
      }
    });
  }
}

const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** Why a path is not one every target's router takes, or undefined. */
export function httpPathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'must start with `/`';
  if (path === '/') return undefined;
  if (/[?#]/.test(path)) return 'must not contain a query string or fragment';
  const segments = path.slice(1).replace(/\/$/, '').split('/');
  const names = new Set<string>();
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg === '') return 'has an empty segment (`//`)';
    const param = /^\{([A-Za-z_][A-Za-z0-9_]*)(\+)?\}$/.exec(seg);
    if (param) {
      if (param[2] && i !== segments.length - 1) return `has the greedy parameter \`${seg}\` before the last segment`;
      if (names.has(param[1]!)) return `uses the parameter \`${param[1]}\` twice`;
      names.add(param[1]!);
      continue;
    }
    if (/[{}]/.test(seg)) return `has \`${seg}\`: a parameter must be a whole segment like \`{id}\``;
    if (!/^[A-Za-z0-9._~!$&'()*+,;=:@%-]+$/.test(seg)) return `has \`${seg}\`, with characters a URL path cannot hold`;
  }
  return undefined;
}

/** `/orders/{id}` and `/orders/{name}` route the same requests: compare with parameters blanked. */
function routeShape(path: string): string {
  return path.replace(/\/$/, '').replace(/\{[^}+]+\+\}/g, '{+}').replace(/\{[^}+]+\}/g, '{}') || '/';
}
