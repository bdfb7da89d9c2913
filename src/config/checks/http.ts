import type { Diagnostic } from '../../model/diagnostic.js';
import { corsOf, type CorsSpec, type JwtAuthSpec, type Service } from '../../model/service.js';
import type { ConfigPath } from '../positions.js';
import { pathOf, type CheckContext } from './context.js';

/** `scheme://host[:port]`, as a browser sends it in `Origin` (no path, no trailing slash). */
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/(\[[0-9a-f:.]+\]|[a-z0-9-]+(\.[a-z0-9-]+)*)(:\d{1,5})?$/;
/** An HTTP header name (RFC 9110 token). */
const HEADER = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why `origin` is not one a browser can send, or undefined. */
export function originProblem(origin: string): string | undefined {
  if (origin === '*') return undefined;
  if (origin.endsWith('/')) return 'ends with `/`: an origin has no path';
  if (origin !== origin.toLowerCase()) return 'has capital letters: browsers send origins in lower case';
  if (!ORIGIN.test(origin)) return 'is not `*` or `scheme://host[:port]`';
  return undefined;
}

/** Why `issuer` cannot be a JWT issuer, or undefined. `http://` is allowed for loopback hosts only (tests, the local target). */
export function issuerProblem(issuer: string): string | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'is not a URL';
  }
  if (url.search || url.hash) return 'has a query or fragment';
  if (url.username || url.password) return 'holds a user name or password';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return url.protocol === 'http:' ? 'is plain http: tokens and keys must come over https (http is accepted for localhost only)' : `uses ${url.protocol}, not https`;
}

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** True when the issuer is `http://<loopback>`: only the local target can reach it. */
export function isLoopbackIssuer(issuer: string): boolean {
  try {
    const url = new URL(issuer);
    return url.protocol === 'http:' && isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}

/** The CORS and JWT settings of every http event: their meaning on any target (per-target limits are in each adapter's validate). */
export function checkHttp(ctx: CheckContext): void {
  for (const fn of ctx.service.functions) {
    const fnPath = pathOf(ctx, fn);
    for (const ev of fn.events) {
      if (ev.kind !== 'http') continue;
      const at = [...pathOf(ctx, ev, fnPath), 'http'];
      const cors = corsOf(ev);
      if (cors) checkCors(ctx, cors, [...at, 'cors']);
      if (ev.auth) checkJwt(ctx, ev.auth.jwt, [...at, 'auth', 'jwt']);
    }
  }
}

function checkCors(ctx: CheckContext, cors: CorsSpec, at: ConfigPath): void {
  const fail = (key: string | undefined, message: string, hint: string, index?: number): void =>
    ctx.report.error('invalid-cors', message, { path: key === undefined ? at : index === undefined ? [...at, key] : [...at, key, index], hint });
  cors.origins.forEach((o, i) => {
    const problem = originProblem(o);
    if (problem) fail('origins', `CORS origin \`${o}\` ${problem}.`, 'Write `*`, or each origin as the browser sends it: `https://app.example.com`, `http://localhost:5173`.', i);
  });
  if (cors.origins.includes('*') && cors.origins.length > 1) {
    fail('origins', 'CORS origins list `*` with other origins; `*` already allows every origin.', 'Keep `*` alone, or list the origins without it.');
  }
  if (cors.credentials) {
    if (cors.origins.includes('*')) {
      fail('credentials', 'CORS `credentials: true` with origin `*`: browsers refuse credentials from a wildcard origin, so every credentialed call would fail.', 'List the allowed origins explicitly (e.g. `origins: [https://app.example.com]`), or drop `credentials`.');
    }
    for (const key of ['methods', 'headers', 'exposeHeaders'] as const) {
      const list = cors[key] ?? [];
      if (list.includes('*')) {
        fail(key, `CORS \`${key}\` has \`*\` with \`credentials: true\`: browsers take \`*\` literally on credentialed requests.`, `List the ${key === 'methods' ? 'methods' : 'header names'} instead of \`*\`.`);
      }
    }
  }
  for (const key of ['headers', 'exposeHeaders'] as const) {
    cors[key].forEach((h, i) => {
      if (h !== '*' && !HEADER.test(h)) fail(key, `CORS ${key === 'headers' ? 'header' : 'exposed header'} \`${h}\` is not a header name.`, 'Use header names such as `content-type` or `x-request-id`.', i);
    });
  }
  if (!Number.isInteger(cors.maxAgeS)) {
    fail('maxAge', `CORS maxAge is ${cors.maxAgeS} s; browsers cache preflights for whole seconds.`, `Use ${Math.round(cors.maxAgeS)}s (or \`10m\`).`);
  }
}

function checkJwt(ctx: CheckContext, jwt: JwtAuthSpec, at: ConfigPath): void {
  const problem = issuerProblem(jwt.issuer);
  if (problem) {
    ctx.report.error('invalid-auth', `JWT issuer \`${jwt.issuer}\` ${problem}.`, { path: [...at, 'issuer'], hint: 'Use the issuer URL your identity provider puts in `iss`, e.g. `https://login.example.com/` or `https://cognito-idp.eu-west-1.amazonaws.com/<pool id>`.' });
  }
  const oneAudience = typeof rawAt(ctx.raw, [...at, 'audience']) === 'string';
  jwt.audience.forEach((a, i) => {
    if (a.trim() === '') ctx.report.error('invalid-auth', 'A JWT audience is empty.', { path: oneAudience ? [...at, 'audience'] : [...at, 'audience', i], hint: 'Give the audience your identity provider puts in `aud` (often the API\'s identifier or the client id).' });
  });
  jwt.scopes.forEach((s, i) => {
    if (s === '' || /\s/.test(s)) ctx.report.error('invalid-auth', `JWT scope \`${s}\` is empty or has spaces; a token lists its scopes separated by spaces.`, { path: [...at, 'scopes', i], hint: 'Write each scope as its own list item: `scopes: [orders:read, orders:write]`.' });
  });
}

function rawAt(root: unknown, path: ConfigPath): unknown {
  let node = root;
  for (const k of path) node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[k] : undefined;
  return node;
}

/**
 * A cloud target (azure, gcp) cannot reach an `http://localhost` issuer: the function would fetch
 * its own loopback. One error per route that asks for one. (aws refuses any non-https issuer.)
 */
export function loopbackIssuerProblems(service: Service, target: 'azure' | 'gcp'): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const fn of service.functions) {
    fn.events.forEach((e, i) => {
      if (e.kind !== 'http' || !e.auth || !isLoopbackIssuer(e.auth.jwt.issuer)) return;
      out.push({
        severity: 'error',
        code: 'auth-issuer-https',
        message: `JWT issuer \`${e.auth.jwt.issuer}\` is a loopback address: on ${target} the function would look for its keys on its own host.`,
        hint: 'Use your identity provider\'s https issuer URL; an `http://localhost` issuer works on the local target only.',
        path: `functions.${fn.name}.events.${i}.http.auth.jwt.issuer`,
        file: service.configFile,
        target,
      });
    });
  }
  return out;
}
