import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from './helpers.js';
import { runCli } from '../support/cli.js';

const YAML = `
service: protokeys
runtime: node20
targets:
  local: { port: 0, idleTimeout: 10m }
functions:
  api:
    handler: src/api.handler
    events:
      - http: GET /echo/{id}
`;

const CODE = `
export const handler = async (req) => {
  const names = (req.headers['x-echo-headers'] ?? '').split(',').filter(Boolean);
  return {
    pathParams: req.pathParams,
    query: req.query,
    queryAll: req.queryAll,
    echoed: Object.fromEntries(names.map((n) => [n, Object.hasOwn(req.headers, n) ? req.headers[n] : null])),
  };
};
`;

/** Issue 8.1 on the local target: the real gateway, worker and local shim. */
describe('local gateway: every Object.prototype name as query key, header and path parameter', () => {
  const project = tempProject({ 'faas.yaml': YAML, 'src/api.mjs': CODE });
  let url = '';
  beforeAll(async () => {
    const out = await runCli(['deploy'], project.root, { env: { ...process.env, CI: '1' } });
    expect(out.code, out.stderr).toBe(0);
    url = /(http:\/\/127\.0\.0\.1:\d+)\/echo\/\{id\}/.exec(out.stdout)?.[1] ?? '';
  }, 60_000);
  afterAll(() => project.cleanup());

  it('answers 200 with each name as an own key, never 500', async () => {
    for (const name of Object.getOwnPropertyNames(Object.prototype)) {
      // undici never sends a `__proto__` header (and Node could not store it): the others are sent.
      const headers: Record<string, string> = { 'x-echo-headers': name.toLowerCase() };
      if (name !== '__proto__') headers[name] = `h-${name}`;
      const res = await fetch(`${url}/echo/${name}?${name}=q1&${name}=q2`, { headers });
      expect([name, res.status]).toEqual([name, 200]);
      const body = (await res.json()) as Record<string, Record<string, unknown>>;
      expect(Object.hasOwn(body.pathParams, 'id') && body.pathParams.id).toBe(name);
      expect(Object.hasOwn(body.query, name) && body.query[name]).toBe('q1,q2');
      expect(Object.hasOwn(body.queryAll, name) && body.queryAll[name]).toEqual(['q1', 'q2']);
      if (name !== '__proto__') expect(body.echoed[name.toLowerCase()]).toBe(`h-${name}`);
    }
  });
});
