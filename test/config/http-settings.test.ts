/**
 * `cors: {...}` and `auth: { jwt }` in faas.yaml (issue 11.4/11.5): accepted and normalized; a
 * meaning browsers or tokens cannot have is an error at its line and column; what one target
 * cannot honour is reported by `sls-x validate` naming that target, with a fix.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { project, runCli, STUBS } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function setup(yaml: string) {
  const p = project({ ...STUBS, 'faas.yaml': yaml });
  cleanups.push(p.cleanup);
  return p.dir;
}

type Diag = { severity: string; code: string; message: string; hint?: string; line?: number; col?: number; target?: string; path?: string };
async function validate(dir: string) {
  const r = await runCli(['validate', '--json'], dir);
  const body = JSON.parse(r.stdout) as { ok?: boolean; diagnostics: Diag[]; functions?: Array<{ name: string; events: unknown[] }> };
  return { code: r.code, body, errors: body.diagnostics.filter((d) => d.severity === 'error') };
}

describe('validate: HTTP CORS settings and JWT auth', () => {
  it('accepts the CORS object and auth.jwt and normalizes them (`true` is the defaults, one audience is a list)', async () => {
    const dir = setup(`service: shop
runtime: node20
targets:
  local: {}
  aws: { region: eu-west-1 }
functions:
  api:
    handler: src/api.handler
    events:
      - http:
          method: GET
          path: /orders/{id}
          cors: &cors { origins: [https://app.example.com, "http://localhost:5173"], methods: [get, POST], headers: [Content-Type, X-Api-Key], exposeHeaders: [X-Total], credentials: true, maxAge: 10m }
          auth: { jwt: { issuer: https://idp.example.com/, audience: orders-api, scopes: [orders:read] } }
      - http: { method: POST, path: /orders, cors: *cors }
`);
    const { code, body } = await validate(dir);
    expect(body.diagnostics).toEqual([]);
    expect(code).toBe(0);
    expect(body.functions![0].events).toEqual([
      {
        kind: 'http',
        method: 'GET',
        path: '/orders/{id}',
        cors: { origins: ['https://app.example.com', 'http://localhost:5173'], methods: ['GET', 'POST'], headers: ['content-type', 'x-api-key'], exposeHeaders: ['x-total'], credentials: true, maxAgeS: 600 },
        auth: { jwt: { issuer: 'https://idp.example.com/', audience: ['orders-api'], scopes: ['orders:read'] } },
      },
      { kind: 'http', method: 'POST', path: '/orders', cors: expect.objectContaining({ credentials: true }) },
    ]);
    const defaults = setup(`service: shop
runtime: node20
functions:
  api:
    handler: src/api.handler
    events:
      - http: { method: GET, path: /a, cors: true }
`);
    expect((await validate(defaults)).body.functions![0].events[0]).toEqual({ kind: 'http', method: 'GET', path: '/a', cors: { origins: ['*'], headers: ['authorization', 'content-type'], exposeHeaders: [], credentials: false, maxAgeS: 300 } });
  });

  it('refuses what a browser or a token cannot have, each at its line and column with a fix', async () => {
    const dir = setup(`service: shop
functions:
  api:
    handler: src/api.handler
    events:
      - http:
          path: /a
          cors: { origins: ["*"], credentials: true }
      - http:
          path: /b
          cors: { origins: [https://app.example.com/, https://App.example.com, "*"], headers: [bad header] }
      - http:
          path: /c
          auth: { jwt: { issuer: "http://idp.example.com", audience: [""], scopes: ["a b"] } }
      - http:
          path: /d
          cors: { origin: [https://x.example.com] }
`);
    const { code, errors } = await validate(dir);
    expect(code).toBe(2);
    const at = (d: Diag) => `${d.code}@${d.line}:${d.col}`;
    expect(errors.map(at)).toEqual([
      'invalid-cors@8:48', // credentials: true
      'invalid-cors@11:28', // the origins list (`*` with others)
      'invalid-cors@11:29', // https://app.example.com/
      'invalid-cors@11:55', // https://App.example.com
      'invalid-cors@11:96', // bad header
      'invalid-auth@14:34', // the http issuer
      'invalid-auth@14:71', // ""
      'invalid-auth@14:85', // "a b"
      'missing-key@17:11',
      'unknown-key@17:19', // origin (a typo of origins)
    ]);
    expect(errors[0].message).toMatch(/credentials: true` with origin `\*`: browsers refuse/);
    expect(errors.every((e) => e.hint)).toBe(true);
    expect(errors[5].message).toMatch(/plain http/);
  });

  it('per target: AWS has one CORS per API and https issuers only; azure and gcp cannot reach a loopback issuer; local can', async () => {
    const yaml = (targets: string) => `service: shop
targets:
${targets}
functions:
  api:
    handler: src/api.handler
    timeout: 10s
    events:
      - http:
          method: GET
          path: /a
          cors: { origins: [https://app.example.com] }
          auth: { jwt: { issuer: "http://127.0.0.1:8080", audience: api } }
      - http: { method: GET, path: /b, cors: { origins: [https://other.example.com] } }
`;
    const local = await validate(setup(yaml('  local: {}')));
    expect(local.code).toBe(0);
    const dir = setup(yaml('  aws: { region: eu-west-1 }\n  gcp: { region: europe-west1, project: p }\n  azure: { region: westeurope, subscription: 00000000-0000-0000-0000-000000000000, resourceGroup: rg }'));
    const human = await runCli(['validate'], dir);
    expect(human.code).toBe(2);
    expect(human.stderr).toMatch(/error \[cors-per-api\] \(aws\)/);
    expect(human.stderr).toMatch(/faas\.yaml:16:\d+/);
    const { errors } = await validate(dir);
    expect(errors.map((e) => `${e.code} ${e.target} ${e.line}`).sort()).toEqual([
      'auth-issuer-https aws 15',
      'auth-issuer-https azure 15',
      'auth-issuer-https gcp 15',
      'cors-per-api aws 16',
    ]);
    expect(errors.every((e) => e.hint && e.col)).toBe(true);
    expect(human.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });
});
