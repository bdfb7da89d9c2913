import { dict } from '../../../src/runtime/dict.js';
/** A route as the gateway matches it. */
export interface RouteEntry {
  method: string;
  path: string;
  function: string;
  /** `false`, the route's CORS settings, or `true` (stored by older versions: the defaults). */
  cors: unknown;
}

interface Compiled {
  route: RouteEntry;
  segments: Array<{ literal: string } | { param: string; greedy: boolean }>;
  /** Literal segments count first, so `/orders/new` wins over `/orders/{id}`. */
  score: number;
}

export interface RouteMatch {
  route: RouteEntry;
  pathParams: Record<string, string>;
}

function compile(route: RouteEntry): Compiled {
  const segments = route.path
    .split('/')
    .filter(Boolean)
    .map((seg) => {
      const m = /^\{([A-Za-z0-9_.-]+)(\+)?\}$/.exec(seg);
      return m ? { param: m[1], greedy: Boolean(m[2]) } : { literal: seg };
    });
  const score = segments.reduce((n, s) => n * 4 + ('literal' in s ? 3 : s.greedy ? 1 : 2), 1);
  return { route, segments, score };
}

/**
 * Matches `METHOD /path` to a route like API Gateway: `{name}` matches one segment, `{name+}`
 * the rest of the path, `ANY` any method; literal segments win over params. Pure.
 */
export class Router {
  private exact = new Map<string, RouteEntry>();
  private patterns: Compiled[] = [];
  private all: RouteEntry[] = [];

  set(routes: RouteEntry[]): void {
    this.all = [...routes];
    this.exact = new Map();
    this.patterns = [];
    for (const r of routes) {
      if (!r.path.includes('{')) this.exact.set(`${r.method} ${normalize(r.path)}`, r);
      else this.patterns.push(compile(r));
    }
    this.patterns.sort((a, b) => b.segments.length - a.segments.length || b.score - a.score);
  }

  routes(): RouteEntry[] {
    return this.all;
  }

  match(method: string, rawPath: string): RouteMatch | undefined {
    const path = normalize(rawPath);
    const hit = this.exact.get(`${method} ${path}`) ?? this.exact.get(`ANY ${path}`) ?? (method === 'HEAD' ? this.exact.get(`GET ${path}`) : undefined);
    if (hit) return { route: hit, pathParams: {} };
    const parts = path.split('/').filter(Boolean);
    let best: { c: Compiled; params: Record<string, string> } | undefined;
    for (const c of this.patterns) {
      if (c.route.method !== method && c.route.method !== 'ANY' && !(method === 'HEAD' && c.route.method === 'GET')) continue;
      const params = matchSegments(c, parts);
      if (params && (!best || c.score > best.c.score)) best = { c, params };
    }
    return best ? { route: best.c.route, pathParams: best.params } : undefined;
  }

  /** Methods some route allows on this path (CORS preflight). */
  methodsFor(rawPath: string): string[] {
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => this.match(m, rawPath));
    return methods;
  }
}

function normalize(path: string): string {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed || '/';
}

function matchSegments(c: Compiled, parts: string[]): Record<string, string> | undefined {
  const params = dict<string>();
  for (let i = 0; i < c.segments.length; i++) {
    const seg = c.segments[i];
    if ('literal' in seg) {
      if (parts[i] !== seg.literal) return undefined;
      continue;
    }
    if (seg.greedy) {
      if (i >= parts.length) return undefined;
      params[seg.param] = parts.slice(i).map(safeDecode).join('/');
      return params;
    }
    if (parts[i] === undefined) return undefined;
    params[seg.param] = safeDecode(parts[i]);
  }
  return parts.length === c.segments.length ? params : undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
