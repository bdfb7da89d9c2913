import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { zipPaths } from '../support/unzip.js';

const API = `import type { HttpRequest } from 'sls-x/runtime';

function explode(id: string): never {
  throw new Error(\`no order \${id}\`);
}

export const handler = async (req: HttpRequest) => {
  return explode(req.path);
};
`;

describe('local stack traces point at the TypeScript source (source maps on by default for local)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slsx-sourcemaps-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'faas.yaml'), 'service: sm\nruntime: node20\nfunctions:\n  api:\n    handler: src/api.handler\n    events:\n      - http: GET /a\n');
  writeFileSync(join(dir, 'src', 'api.ts'), API);
  afterAll(async () => {
    await runCli(['remove'], dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('in the local cloud and with invoke --local: the error names src/api.ts with its line and column', async () => {
    for (const argv of [['invoke', 'api', '--local'], ['invoke', 'api']]) {
      if (argv.length === 2) expect((await runCli(['deploy'], dir)).code).toBe(0);
      const r = await runCli(argv, dir);
      expect(r.code).toBe(2);
      expect(r.stderr, argv.join(' ')).toMatch(/at explode \(\S*src\/api\.ts:4:9\)/);
      expect(r.stderr).toMatch(/at handler \(\S*src\/api\.ts:8:10\)/);
    }
  });

  it('the cloud packages stay without source maps unless asked', async () => {
    const r = await runCli(['package', '--target', 'aws'], dir);
    expect(r.code).toBe(0);
    const { readdirSync } = await import('node:fs');
    const inZip = zipPaths(join(dir, '.sls-x', 'build', 'aws', 'api.zip'));
    expect(inZip).toContain('index.mjs');
    expect(inZip.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(readdirSync(join(dir, '.sls-x', 'build', 'local', 'api'))).toContain('handler.mjs.map');
  });
});
