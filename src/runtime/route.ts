import { dict } from './dict.js';

/** A route as faas.yaml declares it: `GET /orders/{id}`, `ANY /files/{path+}`. */
export interface RouteSpec {
  method: string;
  path: string;
}

/** Outcome of {@link resolveRoute}. */
export type RouteResolution =
  | { outcome: 'matched'; route: RouteSpec; params: Record<string, string> }
  | { outcome: 'not-found' }
  | { outcome: 'method-not-allowed'; allowed: string[] };

const cache = new Map<string, { re: RegExp; names: string[] }>();

function compile(template: string): { re: RegExp; names: string[] } {
  const hit = cache.get(template);
  if (hit) return hit;
  const names: string[] = [];
  const body = template
    .split('/')
    .map((seg) => {
      const m = /^\{([A-Za-z_][A-Za-z0-9_]*)(\+?)\}$/.exec(seg);
      if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(m[1]);
      return m[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  const compiled = { re: new RegExp(`^${body}/?$`), names };
  cache.set(template, compiled);
  return compiled;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Matches a path against a route template; returns the URL-decoded params (names without
 * the `+` of a greedy param) or `undefined`.
 */
export function matchRoute(template: string, path: string): Record<string, string> | undefined {
  const { re, names } = compile(template);
  const m = re.exec(path);
  if (!m) return undefined;
  const params = dict<string>();
  names.forEach((name, i) => (params[name] = decode(m[i + 1])));
  return params;
}

/**
 * Finds the route of a request among a function's http events. Literal routes win over
 * templated ones, as API Gateway picks the most specific route.
 */
export function resolveRoute(routes: RouteSpec[], method: string, path: string): RouteResolution {
  const upper = method.toUpperCase();
  const specificity = (r: RouteSpec): number => -(r.path.match(/\{/g)?.length ?? 0);
  const ordered = [...routes].sort((a, b) => specificity(b) - specificity(a));
  const allowed: string[] = [];
  for (const route of ordered) {
    const params = matchRoute(route.path, path);
    if (!params) continue;
    const m = route.method.toUpperCase();
    if (m === 'ANY' || m === upper || (upper === 'HEAD' && m === 'GET')) return { outcome: 'matched', route, params };
    allowed.push(m);
  }
  return allowed.length ? { outcome: 'method-not-allowed', allowed } : { outcome: 'not-found' };
}
