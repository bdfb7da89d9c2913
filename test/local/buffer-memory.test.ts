import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from './helpers.js';
import { runCli } from '../support/cli.js';

const YAML = `
service: hog
runtime: node20
targets:
  local: { port: 0 }
functions:
  hog:
    handler: src/hog.handler
    memory: 128
    events:
      - http: GET /{mb}
`;
const CODE = `
const kept = [];
export const handler = async (req) => {
  const mb = Number(req.pathParams.mb);
  for (let i = 0; i < mb / 16; i++) kept.push(Buffer.alloc(16 * 1024 * 1024, 1));
  return { held: kept.length * 16 };
};
`;

/** Issue 8.11 (e): a 128 MB function held 800 MB of Buffers (outside the V8 heap limit). */
describe('local memory limit covers Buffers', () => {
  const project = tempProject({ 'faas.yaml': YAML, 'src/hog.mjs': CODE });
  const cli = (argv: string[]) => runCli(argv, project.root, { env: { ...process.env, CI: '1' } });
  let url = '';
  beforeAll(async () => {
    const out = await cli(['deploy']);
    expect(out.code, out.stderr).toBe(0);
    url = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out.stdout)?.[1] ?? '';
  }, 60_000);
  afterAll(() => project.cleanup());

  it('an instance past its memory in Buffers ends as an OOM; the next one starts fresh', async () => {
    expect(await (await fetch(`${url}/32`)).json()).toEqual({ held: 32 });
    const big = await cli(['invoke', 'hog', '--data', '{"path":"/320"}']);
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/INVOKE_FAILED: hog failed \(oom\): ran out of memory: used \d+(\.\d+)? MB \(heap and Buffers\) of 128 MB/);
    // A new instance: the 352 MB the old one held are gone with it.
    expect(await (await fetch(`${url}/16`)).json()).toEqual({ held: 16 });
  });
});
