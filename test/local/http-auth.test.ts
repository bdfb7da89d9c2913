/**
 * HTTP CORS and JWT on the local target, end to end through the CLI: the gateway answers
 * preflights and adds the CORS headers, the function's shim verifies tokens against a loopback
 * OpenID provider with real keys (the same verifier Azure and GCP run), `req.auth` reaches the
 * handler; a CORS or auth change plans as configuration only (the code's sha256 is unchanged).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from './helpers.js';
import { runCli, type CliRun } from '../support/cli.js';
import { makeKey, startIssuer, type TestIssuer } from '../support/jwks.js';

const cli = (argv: string[], cwd: string): Promise<CliRun> => runCli(argv, cwd, { env: { ...process.env, CI: '1' } });

const yaml = (issuer: string, maxAge = '2m', scopes = '[orders:read]') => `
service: authshop
runtime: node20
targets:
  local: { port: 0 }
functions:
  api:
    handler: src/api.handler
    events:
      - http:
          method: GET
          path: /me
          cors: { origins: [https://app.example.com], credentials: true, exposeHeaders: [x-total], maxAge: ${maxAge} }
          auth: { jwt: { issuer: "${issuer}", audience: api, scopes: ${scopes} } }
      - http: { method: GET, path: /public, cors: true }
`;

const CODE = `
export const handler = async (req) => ({ status: 200, headers: { 'x-total': '1' }, body: { path: req.path, sub: req.auth?.claims.sub ?? null, scopes: req.auth?.scopes ?? null } });
`;

describe('local target: CORS at the gateway, JWT in the shim (issue 11.4)', () => {
  let idp: TestIssuer;
  let project: ReturnType<typeof tempProject>;
  let url = '';
  beforeAll(async () => {
    idp = await startIssuer([makeKey('k1')]);
    project = tempProject({ 'faas.yaml': yaml(idp.issuer), 'src/api.mjs': CODE });
    const out = await cli(['deploy'], project.root);
    expect(out.stderr).not.toContain('INTERNAL');
    expect(out.code).toBe(0);
    url = /(http:\/\/127\.0\.0\.1:\d+)\/me/.exec(out.stdout)?.[1] ?? '';
    expect(url).not.toBe('');
  }, 60_000);
  afterAll(async () => {
    await project.cleanup();
    await idp.close();
  });

  it('without a token: 401 with WWW-Authenticate and the CORS headers, the handler never runs', async () => {
    const res = await fetch(`${url}/me`, { headers: { origin: 'https://app.example.com' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(await res.json()).toEqual({ error: 'Unauthorized' });
    const expired = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${idp.token({ exp: Math.floor(Date.now() / 1000) - 3600 })}` } });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const noScope = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${idp.token({ scope: 'orders:write' })}` } });
    expect(noScope.status).toBe(403);
    const logs = await cli(['logs', 'api', '--json'], project.root);
    const lines = logs.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(lines.some((l) => /invalid or missing token/.test(l.message))).toBe(true);
    // the token is never logged
    expect(logs.stdout).not.toContain(idp.token().split('.')[0] + '.' + idp.token().split('.')[1]);
  });

  it('with a valid token the handler runs and sees the claims in req.auth; the gateway adds the CORS headers', async () => {
    const res = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${idp.token({ scope: 'orders:read profile' })}`, origin: 'https://app.example.com' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ path: '/me', sub: 'user-1', scopes: ['orders:read', 'profile'] });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-expose-headers')).toBe('x-total');
    const other = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${idp.token({ scope: 'orders:read' })}`, origin: 'https://evil.example.com' } });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('preflights are answered by the gateway without a token; `cors: true` allows any origin', async () => {
    const pre = await fetch(`${url}/me`, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET');
    expect(pre.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    expect(pre.headers.get('access-control-max-age')).toBe('120');
    const pub = await fetch(`${url}/public`, { headers: { origin: 'https://anyone.example.com' } });
    expect(pub.status).toBe(200);
    expect(await pub.json()).toEqual({ path: '/public', sub: null, scopes: null });
    expect(pub.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('`sls-x invoke` goes through the same check: 401 without a token, the handler with one', async () => {
    const denied = await cli(['invoke', 'api'], project.root);
    expect(denied.stdout).toContain('HTTP 401');
    const data = JSON.stringify({ path: '/me', headers: { authorization: `Bearer ${idp.token({ scope: 'orders:read' })}` } });
    const ok = await cli(['invoke', 'api', '--data', data], project.root);
    expect(ok.stdout).toContain('HTTP 200');
    expect(ok.stdout).toContain('"sub": "user-1"');
  });

  it('a CORS change updates the route only; a scopes change updates the function\'s configuration; the code is never rebuilt differently', async () => {
    const plan = async (): Promise<{ id: string; action: string; reasons: string[] }[]> => {
      const out = await cli(['plan', '--out', 'plan.json'], project.root);
      expect(out.code).toBe(0);
      return (JSON.parse(readFileSync(join(project.root, 'plan.json'), 'utf8')).changes as Array<{ id: string; action: string; reasons: string[] }>).filter((c) => c.action !== 'noop');
    };
    writeFileSync(join(project.root, 'faas.yaml'), yaml(idp.issuer, '10m'));
    const cors = await plan();
    expect(cors.map((c) => `${c.action} ${c.id}`)).toEqual(['update route:GET /me']);
    expect(cors[0].reasons).toEqual(['cors.maxAgeS: 120 -> 600']);
    writeFileSync(join(project.root, 'faas.yaml'), yaml(idp.issuer, '2m', '[orders:read, admin]'));
    const auth = await plan();
    expect(auth.map((c) => `${c.action} ${c.id}`)).toEqual(['update function:api']);
    expect(auth[0].reasons.join('\n')).toMatch(/env\.SLSX_FUNCTIONS\.api\.events/);
    expect(auth[0].reasons.join('\n')).not.toMatch(/sha256|code changed/);
  });
});
