import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, scratch } from '../init/helpers.js';
import { readZip } from '../../src/bundle/zip-writer.js';
import { zipPaths } from '../support/unzip.js';

const EXAMPLE = new URL('../../examples/shop/', import.meta.url).pathname;

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

/** A copy of examples/shop in a scratch folder, so tests never write into the repository. */
function shop(): string {
  const s = scratch();
  cleanup = s.cleanup;
  const dir = join(s.dir, 'shop');
  cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !src.includes('.sls-x') });
  return dir;
}

describe('sls-x package (CLI)', () => {
  it('packages examples/shop for every target: one line per artifact with size and short sha, and totals', async () => {
    const dir = shop();
    const out = await cli(['package', '-c', 'shop/faas.yaml', '--target', 'all'], join(dir, '..'));
    expect(out.code).toBe(0);
    expect(out.stderr).not.toMatch(/\berror\b/); // warnings only (e.g. what gcp cannot filter)
    for (const target of ['aws', 'gcp', 'local']) {
      expect(out.stdout).toContain(`shop (stage dev) for ${target} -> shop/.sls-x/build/${target}/`);
      for (const fn of ['api', 'worker', 'nightly', 'thumbnail']) expect(existsSync(join(dir, '.sls-x', 'build', target, `${fn}.zip`))).toBe(true);
    }
    expect(existsSync(join(dir, '.sls-x', 'build', 'azure', 'app.zip'))).toBe(true);
    expect(out.stdout).toMatch(/^ {2}packaged api +\d+(\.\d)? kB +sha256 [0-9a-f]{12}$/m);
    expect(out.stdout).toMatch(/^ {2}total \d+(\.\d)? kB in 4 artifacts$/m);
    expect(out.stdout).toMatch(/^ {2}total \d+(\.\d)? kB in 1 artifact$/m);
    expect(out.stdout).toMatch(/^Packaged 13 artifacts for 4 targets, .* in total\.$/m);
    // host.json holds nothing from the config (timeout and queue settings are app settings).
    const host = JSON.parse(readZip(readFileSync(join(dir, '.sls-x', 'build', 'azure', 'app.zip'))).get('host.json')!.toString('utf8'));
    expect(host.extensions).toBeUndefined();
    expect(host.functionTimeout).toBeUndefined();
  });

  it('--json prints the artifacts', async () => {
    const dir = shop();
    const out = await cli(['package', '--target', 'aws', '--json'], dir);
    expect(out.code).toBe(0);
    const artifacts = JSON.parse(out.stdout) as Array<{ name: string; target: string; sha256: string; size: number; zipPath: string }>;
    expect(artifacts.map((a) => a.name).sort()).toEqual(['api', 'nightly', 'thumbnail', 'worker']);
    for (const a of artifacts) {
      expect(a.target).toBe('aws');
      expect(readFileSync(a.zipPath).length).toBe(a.size);
    }
  });

  it('defaults to the config\'s target (local) and adds source maps with --sourcemap', async () => {
    const dir = shop();
    const out = await cli(['package', '--sourcemap'], dir);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('shop (stage dev) for local -> .sls-x/build/local/');
    // The handler's own map names the project's files; the shared runtime module's, sls-x's.
    const fnDir = join(dir, '.sls-x', 'build', 'local', 'api');
    const sources = (m: string) => (JSON.parse(readFileSync(join(fnDir, m), 'utf8')) as { sources: string[] }).sources;
    expect(sources('handler.mjs.map')).toEqual(expect.arrayContaining(['src/api.ts', 'src/orders.ts']));
    expect(sources('_slsx.mjs.map').some((s) => s.startsWith('sls-x/'))).toBe(true);
    // The zip holds what the folder holds.
    expect(zipPaths(join(dir, '.sls-x', 'build', 'local', 'api.zip'))).toEqual(['_slsx.mjs', '_slsx.mjs.map', 'handler.mjs', 'handler.mjs.map', 'index.mjs']);
  });

  it('a config error writes nothing and exits 2', async () => {
    const dir = shop();
    const yaml = readFileSync(join(dir, 'faas.yaml'), 'utf8').replace('memory: 512', 'memroy: 512');
    writeFileSync(join(dir, 'faas.yaml'), yaml);
    const out = await cli(['package', '--target', 'all'], dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('error CONFIG_INVALID');
    expect(existsSync(join(dir, '.sls-x'))).toBe(false);
  });

  it('a handler with a syntax error: exit 2, esbuild position shown, no stack, nothing written', async () => {
    const dir = shop();
    writeFileSync(join(dir, 'src', 'jobs.ts'), "export const nightly = async () => {\n  const x = ;\n};\n");
    const out = await cli(['package', '--target', 'aws'], dir);
    expect(out.code).toBe(2);
    // The config check builds handlers too and reports it first, pointing at both places.
    expect(out.stderr).toContain('src/jobs.ts:2:13');
    expect(out.stderr).toMatch(/error (CONFIG_INVALID|BUNDLE_FAILED)/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, '.sls-x'))).toBe(false);
  });

  it('an export that is not a function: exit 2, found by the config check before anything is built', async () => {
    const dir = shop();
    writeFileSync(join(dir, 'src', 'jobs.ts'), 'export const nightly = "03:00";\n');
    const out = await cli(['package', '--target', 'gcp'], dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('error [handler-not-function] Export `nightly` of `src/jobs.ts` is a string, not a function.');
    expect(out.stderr).toContain('hint: Export a function: `export const nightly = async (input, ctx) => { ... }`.');
    expect(out.stderr).toContain('error CONFIG_INVALID');
    // at the function's `handler:` line of faas.yaml, with the line shown
    const line = readFileSync(join(dir, 'faas.yaml'), 'utf8').split('\n').findIndex((l) => l.includes('handler: src/jobs.nightly')) + 1;
    expect(out.stderr).toContain(`faas.yaml:${line}:14: error [handler-not-function]`);
    expect(out.stderr).toContain(`${line} |     handler: src/jobs.nightly`);
    expect(out.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, '.sls-x'))).toBe(false);
  });

  it('an unknown target: exit 2 listing the targets', async () => {
    const dir = shop();
    const out = await cli(['package', '--target', 'heroku'], dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('aws, azure, gcp, local, all');
  });
});
