/**
 * CORS as a front door applies it (API Gateway on AWS; the shim on Azure and GCP; the local
 * gateway): preflights answered before any handler, the allow headers added to every answer of
 * a CORS route. Pure, no dependencies.
 */
import type { CorsSpec } from '../model/service.js';

/** A route's CORS settings: the normalized `cors:` of faas.yaml (header names lower case). */
export type CorsRule = CorsSpec;

/** What `cors: true` means (src/model/service.ts's DEFAULT_CORS is this). */
export const DEFAULT_CORS_RULE: Readonly<CorsRule> = Object.freeze({ origins: ['*'], headers: ['authorization', 'content-type'], exposeHeaders: [], credentials: false, maxAgeS: 300 });

/** A stored `cors` value as a rule: `true` (written by older versions) is the default, `false`/absent none. */
export function corsRuleOf(value: unknown): CorsRule | undefined {
  if (value === true) return DEFAULT_CORS_RULE;
  if (!value || typeof value !== 'object' || !Array.isArray((value as CorsRule).origins)) return undefined;
  return value as CorsRule;
}

type Headers = Record<string, string | undefined>;

/** A browser's preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`. */
export function isPreflight(method: string, headers: Headers): boolean {
  return method.toUpperCase() === 'OPTIONS' && Boolean(headers.origin) && Boolean(headers['access-control-request-method']);
}

/** The `Access-Control-Allow-Origin` value for `origin`, or undefined when the rule does not allow it. */
function allowOrigin(rule: CorsRule, origin: string | undefined): string | undefined {
  if (!origin) return undefined;
  if (rule.origins.includes('*')) return rule.credentials ? origin : '*';
  return rule.origins.includes(origin) ? origin : undefined;
}

/**
 * The answer to a preflight of `rule`'s route: 204 with the allow headers, or 204 without them
 * when the origin, method or a header is not allowed (the browser then blocks the call).
 * `routeMethods`: the methods the path's CORS routes take (used when the rule lists none).
 */
export function preflightAnswer(rule: CorsRule, headers: Headers, routeMethods: string[]): { status: number; headers: Record<string, string> } {
  const out: Record<string, string> = { vary: 'origin, access-control-request-method, access-control-request-headers' };
  const origin = allowOrigin(rule, headers.origin);
  const wanted = (headers['access-control-request-method'] ?? '').toUpperCase();
  const methods = rule.methods ?? (routeMethods.includes('ANY') ? ['*'] : routeMethods);
  const methodOk = methods.includes('*') || methods.includes(wanted) || (wanted === 'HEAD' && methods.includes('GET'));
  const asked = (headers['access-control-request-headers'] ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  const headersOk = rule.headers.includes('*') || asked.every((h) => rule.headers.includes(h));
  if (!origin || !methodOk || !headersOk) return { status: 204, headers: out };
  out['access-control-allow-origin'] = origin;
  // `*` (an ANY route): the method asked for, which browsers also accept on credentialed calls.
  out['access-control-allow-methods'] = methods.includes('*') ? wanted : methods.join(', ');
  if (rule.headers.length) out['access-control-allow-headers'] = rule.headers.join(', ');
  if (rule.credentials) out['access-control-allow-credentials'] = 'true';
  out['access-control-max-age'] = String(rule.maxAgeS);
  return { status: 204, headers: out };
}

/** Headers to add to an ordinary answer of a CORS route (none when the origin is not allowed). */
export function corsHeaders(rule: CorsRule, headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  if (!rule.origins.includes('*') || rule.credentials) out.vary = 'origin';
  const origin = allowOrigin(rule, headers.origin);
  if (!origin) return out;
  out['access-control-allow-origin'] = origin;
  if (rule.credentials) out['access-control-allow-credentials'] = 'true';
  if (rule.exposeHeaders.length) out['access-control-expose-headers'] = rule.exposeHeaders.join(', ');
  return out;
}

/**
 * `headers` with the CORS headers of `extra` set. The handler's own `access-control-*` headers are
 * replaced (as API Gateway ignores a backend's CORS headers once CORS is configured); `vary` is merged.
 */
export function withCors(headers: Record<string, string>, extra: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (!k.toLowerCase().startsWith('access-control-')) out[k] = v;
  for (const [k, v] of Object.entries(extra)) {
    if (k === 'vary') {
      const had = Object.keys(out).find((h) => h.toLowerCase() === 'vary');
      const merged = new Set([...(had ? out[had].split(',').map((s) => s.trim()).filter(Boolean) : []), ...v.split(', ')]);
      if (had) delete out[had];
      out.vary = [...merged].join(', ');
    } else {
      out[k] = v;
    }
  }
  return out;
}
