/**
 * The front door the shims put before an HTTP handler where the platform has none that does
 * what faas.yaml asks (Azure and GCP: routing, CORS and JWT; local: JWT, its gateway does the
 * rest): route the request, answer CORS preflights, verify the Bearer token. A request that
 * fails here gets its answer without the handler being called.
 */
import { corsHeaders, corsRuleOf, isPreflight, preflightAnswer, withCors, type CorsRule } from './cors.js';
import type { NormalizedResponse } from './http-response.js';
import { routeErrorResponse } from './http-response.js';
import { bearerToken, wwwAuthenticate, type JwtRule, type JwtVerifier, type VerifiedAuth } from './jwt.js';
import { matchRoute, resolveRoute } from './route.js';

/** An http event as the shim reads it from the function's runtime configuration. */
export interface FrontRoute {
  method: string;
  path: string;
  cors?: CorsRule | boolean;
  auth?: { jwt: JwtRule };
}

export type FrontDoorResult =
  | { answer: NormalizedResponse }
  | {
      answer?: undefined;
      route: FrontRoute;
      params: Record<string, string>;
      auth?: VerifiedAuth;
      /** The handler's response with the route's CORS headers. */
      finish(res: NormalizedResponse): NormalizedResponse;
    };

export interface FrontDoorOptions {
  verifier?: JwtVerifier;
  /** Where a refused token is logged (its reason, never the token). */
  warn?: (message: string, data: Record<string, unknown>) => void;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): NormalizedResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  cookies: [],
  body: JSON.stringify(body),
});

/** The http routes of a function's events, with their CORS and auth. */
export function frontRoutes(events: ReadonlyArray<{ kind: string; method?: string; path?: string; cors?: unknown; auth?: unknown }>): FrontRoute[] {
  return events.flatMap((e) =>
    e.kind === 'http' && e.path
      ? [{ method: e.method ?? 'ANY', path: e.path, ...(e.cors ? { cors: e.cors as CorsRule } : {}), ...(e.auth ? { auth: e.auth as { jwt: JwtRule } } : {}) }]
      : [],
  );
}

/** True when some route asks the shim for CORS or a token check. */
export function needsFrontDoor(routes: FrontRoute[]): boolean {
  return routes.some((r) => r.cors || r.auth);
}

/**
 * Route `req` among `routes`, answer a CORS preflight, verify the token of a route with `auth`.
 * Preflights are answered before routing and without a token, as API Gateway does once CORS is
 * configured (browsers never send credentials on a preflight).
 */
export async function frontDoor(routes: FrontRoute[], req: { method: string; path: string; headers: Record<string, string> }, opts: FrontDoorOptions = {}): Promise<FrontDoorResult> {
  const { headers } = req;
  if (isPreflight(req.method, headers)) {
    const onPath = routes.filter((r) => corsRuleOf(r.cors) && matchRoute(r.path, req.path));
    if (onPath.length > 0) {
      const wanted = (headers['access-control-request-method'] ?? '').toUpperCase();
      const found = resolveRoute(onPath, wanted, req.path);
      const route = found.outcome === 'matched' ? (found.route as FrontRoute) : onPath[0];
      const answer = preflightAnswer(corsRuleOf(route.cors)!, headers, [...new Set(onPath.map((r) => r.method.toUpperCase()))]);
      return { answer: { status: answer.status, headers: answer.headers, cookies: [] } };
    }
  }
  const found = resolveRoute(routes, req.method, req.path);
  if (found.outcome !== 'matched') return { answer: routeErrorResponse(found) };
  const route = found.route as FrontRoute;
  const params = found.params;
  const rule = corsRuleOf(route.cors);
  const finish = (res: NormalizedResponse): NormalizedResponse => (rule ? { ...res, headers: withCors(res.headers, corsHeaders(rule, headers)) } : res);
  const jwt = route.auth?.jwt;
  if (!jwt) return { route, params, finish };
  if (!opts.verifier) throw new Error('sls-x: a route with auth needs a JWT verifier');
  const outcome = await opts.verifier.verify(bearerToken(headers.authorization), jwt);
  if (!outcome.ok) {
    opts.warn?.('request refused: invalid or missing token', { status: outcome.status, reason: outcome.description, ...(outcome.detail ? { detail: outcome.detail } : {}) });
    const body = outcome.status === 403 ? { error: 'Forbidden' } : { error: 'Unauthorized' };
    return { answer: finish(json(outcome.status, body, { 'www-authenticate': wwwAuthenticate(outcome, jwt) })) };
  }
  return { route, params, auth: outcome.auth, finish };
}
