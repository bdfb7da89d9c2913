import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from './helpers.js';
import { runCli } from '../support/cli.js';

const YAML = `
service: selfkill
runtime: node20
targets:
  local: { port: 0, idleTimeout: 10m }
functions:
  api:
    handler: src/api.handler
    events:
      - http: GET /{what}
`;
const CODE = `
export const handler = async (req) => {
  if (req.pathParams.what === 'kill') process.kill(process.pid, 'SIGTERM');
  if (req.pathParams.what === 'kill9') process.kill(process.pid, 'SIGKILL');
  if (req.pathParams.what === 'abort') process.abort();
  return { alive: true };
};
`;

/** Issue 8.11: a function signalling its own process ends only its instance, not the local cloud. */
describe('local cloud: process.kill(process.pid) and process.abort() in a function', () => {
  const project = tempProject({ 'faas.yaml': YAML, 'src/api.mjs': CODE });
  let base = '';
  beforeAll(async () => {
    const out = await runCli(['deploy'], project.root, { env: { ...process.env, CI: '1' } });
    expect(out.code, out.stderr).toBe(0);
    base = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out.stdout)?.[1] ?? '';
  }, 60_000);
  afterAll(() => project.cleanup());

  it('fails that invocation; the local cloud keeps serving', async () => {
    for (const what of ['kill', 'kill9', 'abort']) {
      const res = await fetch(`${base}/${what}`);
      expect([what, res.status]).toEqual([what, 500]);
      const ok = await fetch(`${base}/fine`);
      expect([what, ok.status]).toEqual([what, 200]);
      expect(await ok.json()).toEqual({ alive: true });
    }
  });
});
