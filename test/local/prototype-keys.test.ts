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
import { Readable } from 'node:stream';
export const handler = async (req) => {
  if (req.pathParams.id === 'stream-it') return Readable.from(['a']);
  if (req.pathParams.id === 'uni') return { status: 200, headers: { 'x-name': 'Zoë ☃', 'x-bad': 'a\\r\\nInjected: 1' }, body: 'ok' };
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

  it('a returned stream is a clear 500; non-ASCII header values go out percent-encoded, CR/LF ones dropped (issue 8.12)', async () => {
    const stream = await fetch(`${url}/echo/stream-it`);
    expect(stream.status).toBe(500);
    expect(await stream.text()).toContain('sls-x does not stream responses yet');
    const uni = await fetch(`${url}/echo/uni`);
    expect(uni.status).toBe(200);
    expect(uni.headers.get('x-name')).toBe('Zo%C3%AB %E2%98%83');
    expect(uni.headers.get('x-bad')).toBeNull();
    expect(await uni.text()).toBe('ok');
  });

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
