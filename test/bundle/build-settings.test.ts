import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { effectiveBuild } from '../../src/bundle/build-options.js';
import { packageService } from '../../src/bundle/package-service.js';
import type { SlsxEvent } from '../../src/core/events.js';
import type { BuildSpec } from '../../src/model/service.js';
import { FIXTURE_SHIMS, fn, makeProject, service } from './helpers.js';
import { unpack } from '../support/unzip.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const build = (over: Partial<BuildSpec> = {}): BuildSpec => ({ external: [], define: {}, loader: {}, ...over });
const opts = { shimDir: FIXTURE_SHIMS };
/** The function's folder as its cloud sees it: local writes it unpacked, the clouds get zips only (extracted here). */
const dir = (root: string, target: string, name: string): string => (target === 'local' ? join(root, '.sls-x', 'build', target, name) : unpack(join(root, '.sls-x', 'build', target, `${name}.zip`)));
/** The bundled user code: `handler.mjs` beside the wrapper index.mjs of a per-function package; azure's one app bundle is its index.mjs. */
const code = (root: string, target: string, name: string): string => readFileSync(join(dir(root, target, name), target === 'azure' ? 'index.mjs' : 'handler.mjs'), 'utf8');
const load = async (root: string, target: string, name: string) => import(`${pathToFileURL(join(dir(root, target, name), 'index.mjs')).href}?t=${Date.now()}`);

// A package in node_modules that is easy to spot in a bundle.
const PKG = (name: string) => ({
  [`node_modules/${name}/package.json`]: JSON.stringify({ name, version: '1.0.0', type: 'module', main: 'index.js' }),
  [`node_modules/${name}/index.js`]: `export const marker = () => 'inside-${name.replace(/\W/g, '-')}';\n`,
});

describe('effectiveBuild: faas.yaml\'s build over each target\'s defaults', () => {
  it('aws leaves the AWS SDK v3 out, other targets bundle everything; `!name` takes a default out; required externals stay', () => {
    expect(effectiveBuild(undefined, 'aws')).toEqual({ external: ['@aws-sdk/*'], minify: true, sourcemap: false, define: {}, loader: {} });
    expect(effectiveBuild(undefined, 'local')).toEqual({ external: [], minify: true, sourcemap: true, define: {}, loader: {} });
    expect(effectiveBuild(undefined, 'gcp').external).toEqual(['@google-cloud/functions-framework']);
    expect(effectiveBuild(build({ external: ['pg-native'] }), 'aws').external).toEqual(['@aws-sdk/*', 'pg-native']);
    expect(effectiveBuild(build({ external: ['pg-native', '!@aws-sdk/*'] }), 'aws').external).toEqual(['pg-native']);
    expect(effectiveBuild(build({ external: ['pg-native', '!pg-native', 'sharp'] }), 'local').external).toEqual(['sharp']);
    expect(effectiveBuild(build({ external: ['!@azure/functions-core'] }), 'azure').external).toEqual(['@azure/functions-core']);
    // --sourcemap wins over the config, the config over the target's default
    expect(effectiveBuild(build({ sourcemap: false }), 'local').sourcemap).toBe(false);
    expect(effectiveBuild(build({ sourcemap: false }), 'local', true).sourcemap).toBe(true);
    expect(effectiveBuild(build({ sourcemap: true }), 'aws').sourcemap).toBe(true);
  });
});

describe('build settings reach esbuild (real builds)', () => {
  it('minify: false keeps the code readable (and it still runs); the default minifies it smaller', async () => {
    const src = "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nexport const handler = async () => {\n  const longVariableName = require('node:path').posix.join('a', 'b');\n  return longVariableName;\n};\n";
    const p = makeProject({ 'src/a.ts': src, 'src/b.ts': src });
    cleanup = p.cleanup;
    const svc = service(p.root, [fn('small', 'src/a.ts#handler'), fn('plain', 'src/b.ts#handler', { build: build({ minify: false }) })]);
    await packageService(svc, 'aws', opts);
    const small = code(p.root, 'aws', 'small');
    const plain = code(p.root, 'aws', 'plain');
    expect(plain).toContain('longVariableName');
    expect(small).not.toContain('longVariableName');
    expect(small.length).toBeLessThan(plain.length);
    expect(plain.split('\n').length).toBeGreaterThan(5);
    // The createRequire banner does not clash with the module's own `require`, minified or not.
    expect(await (await load(p.root, 'aws', 'plain')).handler({}, {})).toBe('a/b');
    expect(await (await load(p.root, 'aws', 'small')).handler({}, {})).toBe('a/b');
  });

  it('define replaces the expression at build time', async () => {
    const p = makeProject({ 'src/a.ts': "declare const FLAG: boolean;\nexport const handler = async () => ({ mode: process.env.NODE_ENV, flag: FLAG });\n" });
    cleanup = p.cleanup;
    const svc = service(p.root, [fn('api', 'src/a.ts#handler', { build: build({ define: { 'process.env.NODE_ENV': '"production"', FLAG: 'true' } }) })]);
    await packageService(svc, 'aws', opts);
    expect(code(p.root, 'aws', 'api')).not.toContain('NODE_ENV');
    const out = await (await load(p.root, 'aws', 'api')).handler({}, {});
    expect(out).toEqual({ mode: 'production', flag: true });
  });

  it('external packages stay imports: @aws-sdk/* on aws by default, bundled elsewhere; a listed package; `!` bundles a default one', async () => {
    const p = makeProject({
      ...PKG('@aws-sdk/client-fake'),
      ...PKG('pg-native'),
      'src/a.ts': "import { marker } from '@aws-sdk/client-fake';\nimport { marker as pg } from 'pg-native';\nexport const handler = async () => marker() + pg();\n",
    });
    cleanup = p.cleanup;
    const svc = service(p.root, [
      fn('dflt', 'src/a.ts#handler'),
      fn('listed', 'src/a.ts#handler', { build: build({ external: ['pg-native'] }) }),
      fn('bundled', 'src/a.ts#handler', { build: build({ external: ['!@aws-sdk/*'] }) }),
    ]);
    await packageService(svc, 'aws', opts);
    const importsOf = (c: string) => [...c.matchAll(/from\s*"([^"]+)"/g)].map((m) => m[1]).filter((s) => !s.startsWith('node:') && s !== './_slsx.mjs'); // the shared runtime module is always imported
    expect(importsOf(code(p.root, 'aws', 'dflt'))).toEqual(['@aws-sdk/client-fake']);
    expect(code(p.root, 'aws', 'dflt')).toContain('inside-pg-native');
    expect(importsOf(code(p.root, 'aws', 'listed')).sort()).toEqual(['@aws-sdk/client-fake', 'pg-native']);
    expect(importsOf(code(p.root, 'aws', 'bundled'))).toEqual([]);
    expect(code(p.root, 'aws', 'bundled')).toContain('inside--aws-sdk-client-fake');
    // The folder has node_modules: the external import resolves and the function runs.
    expect(await (await load(p.root, 'aws', 'listed')).handler({}, {})).toBe('inside--aws-sdk-client-fakeinside-pg-native');

    await packageService(service(p.root, [fn('api', 'src/a.ts#handler')]), 'local', opts);
    expect(importsOf(code(p.root, 'local', 'api'))).toEqual([]);
  });

  it('loader: a .sql file imported as text is in the bundle', async () => {
    const p = makeProject({ 'src/query.sql': 'select 42 as answer', 'src/a.ts': "import query from './query.sql';\nexport const handler = async () => query;\n" });
    cleanup = p.cleanup;
    const without = await packageService(service(p.root, [fn('api', 'src/a.ts#handler')]), 'aws', opts).catch((e: unknown) => e as Error);
    expect((without as { code?: string }).code).toBe('BUNDLE_FAILED');
    await packageService(service(p.root, [fn('api', 'src/a.ts#handler', { build: build({ loader: { '.sql': 'text' } }) })]), 'aws', opts);
    expect(await (await load(p.root, 'aws', 'api')).handler({}, {})).toBe('select 42 as answer');
  });

  it('sourcemap: true adds handler.mjs.map to a cloud zip; false leaves it out of a local one', async () => {
    const p = makeProject({ 'src/a.ts': 'export const handler = async () => 1;\n' });
    cleanup = p.cleanup;
    const [aws] = await packageService(service(p.root, [fn('api', 'src/a.ts#handler', { build: build({ sourcemap: true }) })]), 'aws', opts);
    expect(execFileSync('unzip', ['-Z1', aws!.zipPath], { encoding: 'utf8' }).trim().split('\n')).toEqual(['_slsx.mjs', '_slsx.mjs.map', 'handler.mjs', 'handler.mjs.map', 'index.mjs']);
    const [local] = await packageService(service(p.root, [fn('api', 'src/a.ts#handler', { build: build({ sourcemap: false }) })]), 'local', opts);
    expect(execFileSync('unzip', ['-Z1', local!.zipPath], { encoding: 'utf8' }).trim().split('\n')).toEqual(['_slsx.mjs', 'handler.mjs', 'index.mjs']);
  });

  it('azure builds the one app package with the service\'s build settings', async () => {
    const p = makeProject({ 'src/a.ts': 'export const handler = async () => process.env.NODE_ENV;\n' });
    cleanup = p.cleanup;
    const svc = service(p.root, [fn('api', 'src/a.ts#handler', { build: build({ define: { 'process.env.NODE_ENV': '"per-function"' } }) })], { build: build({ define: { 'process.env.NODE_ENV': '"app-wide"' } }) });
    await packageService(svc, 'azure', opts);
    const app = code(p.root, 'azure', 'app');
    expect(app).toContain('app-wide');
    expect(app).not.toContain('per-function');
  });
});

describe('build settings and the package cache', () => {
  it('a change of build settings rebuilds (the settings are in the key); the same settings reuse; fresh builds give the same sha256', async () => {
    const p = makeProject({ 'src/a.ts': 'export const handler = async () => process.env.NODE_ENV;\n' });
    cleanup = p.cleanup;
    const run = async (b?: BuildSpec, cache = true) => {
      const events: SlsxEvent[] = [];
      const [a] = await packageService(service(p.root, [fn('api', 'src/a.ts#handler', b ? { build: b } : {})]), 'aws', { ...opts, cache, events: (e) => events.push(e) });
      const reused = events.some((e) => e.type === 'artifact' && e.reused);
      return { sha: a!.sha256, reused };
    };
    const first = await run();
    expect(first.reused).toBe(false);
    expect(await run()).toEqual({ sha: first.sha, reused: true });

    const prod = build({ define: { 'process.env.NODE_ENV': '"production"' } });
    const withDefine = await run(prod);
    expect(withDefine.reused).toBe(false);
    expect(withDefine.sha).not.toBe(first.sha);
    expect(code(p.root, 'aws', 'api')).toContain('production');
    expect(await run(prod)).toEqual({ sha: withDefine.sha, reused: true });

    const plain = await run(build({ define: prod.define, minify: false }));
    expect(plain.reused).toBe(false);
    expect(plain.sha).not.toBe(withDefine.sha);
    const ext = await run(build({ define: prod.define, external: ['pg-native'] }));
    expect(ext.reused).toBe(false); // same bytes (nothing imports pg-native), but the settings changed

    // Determinism: a build without the cache gives the bytes the cached one had.
    expect(await run(prod, false)).toEqual({ sha: withDefine.sha, reused: false });
    expect(await run(undefined, false)).toEqual({ sha: first.sha, reused: false });
    expect(existsSync(join(p.root, '.sls-x', 'cache', 'package-aws.json'))).toBe(true);
  });
});
