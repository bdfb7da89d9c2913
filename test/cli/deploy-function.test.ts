import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const YAML = (memory: number) => `service: fast
functions:
  api:
    handler: src/api.handler
    events:
      - http: GET /a
  other:
    handler: src/other.handler
    memory: ${memory}
    events:
      - http: GET /b
`;

describe('sls-x deploy --function on the local target', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slsx-deploy-fn-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'faas.yaml'), YAML(256));
  writeFileSync(join(dir, 'src', 'api.mjs'), "export const handler = async () => ({ v: 1 });\n");
  writeFileSync(join(dir, 'src', 'other.mjs'), "export const handler = async () => ({ other: 1 });\n");
  afterAll(async () => {
    await runCli(['remove'], dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies only that function\'s change, and the new code answers; the rest waits for a full deploy', async () => {
    expect((await runCli(['deploy'], dir)).code).toBe(0);
    writeFileSync(join(dir, 'src', 'api.mjs'), "export const handler = async () => ({ v: 2 });\n");
    writeFileSync(join(dir, 'faas.yaml'), YAML(512));
    const one = await runCli(['deploy', '--function', 'api'], dir);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/~ update {2}function:api +sha256 changed \(code changed\)/);
    expect(one.stdout).not.toContain('function:other');
    expect(one.stderr).toContain('--function api: only function:api (code and configuration) is planned and applied');
    const url = /GET +(http:\/\/\S+)\/a/.exec(one.stdout)?.[1];
    expect(url).toBeTruthy();
    expect(await (await fetch(`${url}/a`)).json()).toEqual({ v: 2 });
    const rest = await runCli(['plan'], dir);
    expect(rest.stdout).toMatch(/~ update {2}function:other +memory: 256 -> 512/);
    expect(rest.stdout).not.toContain('function:api ');
  });
});
