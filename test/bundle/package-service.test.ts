import { execFileSync } from 'node:child_process';
import { azureHostSettings } from '../../src/bundle/package-files.js';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { packageService } from '../../src/bundle/package-service.js';
import type { SlsxEvent } from '../../src/core/events.js';
import { packageRoot } from '../../src/paths.js';
import { FIXTURE_SHIMS, fn, makeProject, service } from './helpers.js';
import { unpack, zipPaths } from '../support/unzip.js';

const API_TS = `
import { greet } from './lib/greet';
import { hostname } from 'node:os';
export interface Out { msg: string }
export const handler = async (input: unknown): Promise<Out> => ({ msg: greet('world'), input, host: typeof hostname() } as Out);
export const unused = () => 'this string should be tree-shaken away';
`;
const GREET_TS = `export const greet = (n: string): string => 'hello ' + n;\n`;
const WORKER_JS = `export async function work(input) { return { worked: input }; }\n`;
// A CommonJS dependency that requires a builtin: needs the createRequire banner in ESM output.
const CJS_DEP = `const path = require('path'); module.exports.joinAll = (...p) => path.posix.join(...p);\n`;
const JOBS_TS = `import { joinAll } from 'cjs-dep';\nexport const nightly = async () => joinAll('a', 'b');\n`;

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function project() {
  const p = makeProject({
    'src/api.ts': API_TS,
    'src/lib/greet.ts': GREET_TS,
    'src/worker.js': WORKER_JS,
    'src/jobs.ts': JOBS_TS,
    'node_modules/cjs-dep/package.json': '{"name":"cjs-dep","version":"1.0.0","main":"index.js"}',
    'node_modules/cjs-dep/index.js': CJS_DEP,
  });
  cleanup = p.cleanup;
  const svc = service(p.root, [fn('api', 'src/api.ts#handler'), fn('worker', 'src/worker.js#work'), fn('nightly', 'src/jobs.ts#nightly', { runtime: 'node20' })]);
  return { ...p, svc };
}

const opts = { shimDir: FIXTURE_SHIMS };

describe('packageService for aws', () => {
  it('writes one zip per function (its index.mjs and the shared runtime module _slsx.mjs), a manifest, and runnable ESM entries', async () => {
    const { root, svc } = project();
    const events: SlsxEvent[] = [];
    const artifacts = await packageService(svc, 'aws', { ...opts, events: (e) => events.push(e) });
    expect(artifacts.map((a) => a.name)).toEqual(['api', 'nightly', 'worker']);
    const dir = join(root, '.sls-x', 'build', 'aws');
    expect(readdirSync(dir).sort()).toEqual(['api.zip', 'manifest.json', 'nightly.zip', 'worker.zip']);
    for (const a of artifacts) {
      expect(a.zipPath).toBe(join(dir, `${a.name}.zip`));
      expect(a.entry).toBe('index.mjs');
      expect(a.size).toBe(readFileSync(a.zipPath).length);
      expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
      const listed = execFileSync('unzip', ['-Z1', a.zipPath], { encoding: 'utf8' }).trim().split('\n');
      expect(listed.sort()).toEqual(['_slsx.mjs', 'handler.mjs', 'index.mjs']);
      unpack(a.zipPath);
    }
    // api and worker (node22) are one build, nightly (node20) another: the shared runtime module
    // is the same bytes within a build; the handler's own code is in its handler.mjs only, which
    // index.mjs (not bundled: a few lines) wraps with the shim.
    const shared = (name: string) => readFileSync(join(dir, name, '_slsx.mjs'));
    expect(shared('api').equals(shared('worker'))).toBe(true);
    expect(shared('api').length).toBeGreaterThan(1000);
    expect(shared('api').toString('utf8')).not.toContain('hello');
    expect(readFileSync(join(dir, 'api', 'index.mjs'), 'utf8')).toContain('./_slsx.mjs');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.artifacts.map((a: { name: string; sha256: string; size: number }) => [a.name, a.sha256, a.size])).toEqual(artifacts.map((a) => [a.name, a.sha256, a.size]));
    expect(events.filter((e) => e.type === 'artifact').map((e) => e.type === 'artifact' && e.artifact.name)).toEqual(['api', 'nightly', 'worker']);

    const api = await import(pathToFileURL(join(dir, 'api', 'index.mjs')).href);
    const out = await api.handler({ raw: 1 }, {});
    expect(out.msg).toBe('hello world');
    // Only the name and target are baked in: the configuration comes from SLSX_FUNCTIONS at load time.
    expect(out.input.meta).toEqual({ functionName: 'api', target: 'aws' });
    const nightly = await import(pathToFileURL(join(dir, 'nightly', 'index.mjs')).href);
    expect(await nightly.handler({}, {})).toBe('a/b');
    const worker = await import(pathToFileURL(join(dir, 'worker', 'index.mjs')).href);
    expect((await worker.handler(7, {})).worked.event).toBe(7);

    expect(readFileSync(join(dir, 'api', 'index.mjs'), 'utf8')).toContain('./handler.mjs');
    const code = readFileSync(join(dir, 'api', 'handler.mjs'), 'utf8');
    expect(code).toContain('hello');
    expect(code).not.toContain('tree-shaken away'); // tree-shaken: the file's other export is left out
    expect(code.split('\n').length).toBeLessThan(5); // minified
  });

  it('gives byte-identical zips for the same input, and changes only the edited function', async () => {
    const { root, svc, write } = project();
    const first = await packageService(svc, 'aws', opts);
    const firstBytes = first.map((a) => readFileSync(a.zipPath));
    const events: SlsxEvent[] = [];
    const second = await packageService(svc, 'aws', { ...opts, events: (e) => events.push(e) });
    second.forEach((a, i) => expect(readFileSync(a.zipPath).equals(firstBytes[i])).toBe(true));
    expect(events.filter((e) => e.type === 'artifact').every((e) => e.type === 'artifact' && e.cached)).toBe(true);

    write('src/worker.js', WORKER_JS.replace('worked', 'done'));
    const third = await packageService(svc, 'aws', opts);
    const sha = (list: typeof first) => Object.fromEntries(list.map((a) => [a.name, a.sha256]));
    expect(sha(third).api).toBe(sha(first).api);
    expect(sha(third).nightly).toBe(sha(first).nightly);
    expect(sha(third).worker).not.toBe(sha(first).worker);
    expect(existsSync(join(root, '.sls-x', 'build', 'aws', 'worker.zip'))).toBe(true);
    expect(existsSync(join(root, '.sls-x', 'build', 'aws', 'worker'))).toBe(false); // zips only: local alone is unpacked
  });

  it('a function\'s zip depends on its own code only: adding, removing or building alone leaves the others\' bytes', async () => {
    const { root, svc, write } = project();
    const sha = (list: Array<{ name: string; sha256: string }>) => Object.fromEntries(list.map((a) => [a.name, a.sha256]));
    const all = sha(await packageService(svc, 'aws', { ...opts, cache: false }));
    // A new function that shares the project's modules and uses more of sls-x/runtime.
    write('src/extra.ts', "import { json, queue } from 'sls-x/runtime';\nimport { greet } from './lib/greet.js';\nexport const handler = async () => json(200, { m: greet('x'), q: typeof queue });\n");
    const more = sha(await packageService(service(root, [...svc.functions, fn('extra', 'src/extra.ts#handler')]), 'aws', { ...opts, cache: false }));
    expect({ api: more.api, worker: more.worker, nightly: more.nightly }).toEqual({ api: all.api, worker: all.worker, nightly: all.nightly });
    // One function alone (what `deploy --function` could build) is the same zip as in the full build.
    const alone = sha(await packageService(service(root, svc.functions.filter((f) => f.name === 'api')), 'aws', { ...opts, cache: false }));
    expect(alone.api).toBe(all.api);
  });

  it('leaves no absolute path of the build machine in the output, source maps included', async () => {
    const { root, svc } = project();
    const artifacts = await packageService(svc, 'aws', { ...opts, sourcemap: true });
    const dir = unpack(join(root, '.sls-x', 'build', 'aws', 'api.zip'));
    expect(readdirSync(dir).sort()).toEqual(['_slsx.mjs', '_slsx.mjs.map', 'handler.mjs', 'handler.mjs.map', 'index.mjs']);
    expect(readFileSync(join(dir, '_slsx.mjs'), 'utf8')).toMatch(/\/\/# sourceMappingURL=_slsx\.mjs\.map\s*$/);
    // The shim and runtime are the shared module: its map names sls-x's files.
    const sharedSources = JSON.parse(readFileSync(join(dir, '_slsx.mjs.map'), 'utf8')).sources as string[];
    expect(sharedSources.some((s) => s.startsWith('sls-x/'))).toBe(true);
    expect(sharedSources.some((s) => s.startsWith('src/'))).toBe(false);
    const map = JSON.parse(readFileSync(join(dir, 'handler.mjs.map'), 'utf8'));
    expect(map.sources).toContain('src/api.ts');
    expect(map.sources).toContain('src/lib/greet.ts');
    for (const a of artifacts) {
      const text = execFileSync('unzip', ['-p', a.zipPath], { encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 });
      for (const p of [root, packageRoot(), homedir(), FIXTURE_SHIMS]) expect(text).not.toContain(p);
    }
    expect(readFileSync(join(dir, 'handler.mjs'), 'utf8')).toMatch(/\/\/# sourceMappingURL=handler\.mjs\.map\s*$/);
  });

  it('gives the same bytes wherever the project lives (source maps included)', async () => {
    const files = { 'src/api.ts': API_TS, 'src/lib/greet.ts': GREET_TS };
    const a = makeProject(files);
    const b = makeProject(files);
    try {
      const [x] = await packageService(service(a.root, [fn('api', 'src/api.ts#handler')]), 'aws', { ...opts, sourcemap: true });
      const [y] = await packageService(service(b.root, [fn('api', 'src/api.ts#handler')]), 'aws', { ...opts, sourcemap: true });
      expect(a.root).not.toBe(b.root);
      expect(x.sha256).toBe(y.sha256);
    } finally {
      a.cleanup();
      b.cleanup();
    }
  });

  it('bakes no env values or secret names into the bundle', async () => {
    const p = makeProject({ 'src/api.ts': 'export const handler = async () => 1;\n' });
    cleanup = p.cleanup;
    const svc = service(p.root, [fn('api', 'src/api.ts#handler', { env: { TABLE_NAME: 'orders-plain-value' }, secrets: ['STRIPE_SECRET_KEY'] })]);
    const [a] = await packageService(svc, 'aws', opts);
    const text = execFileSync('unzip', ['-p', a.zipPath], { encoding: 'utf8' });
    expect(text).not.toContain('orders-plain-value');
    expect(text).not.toContain('STRIPE_SECRET_KEY');
    expect(text).toContain('"functionName":"api"');
  });
});

describe('packageService: what each handler file becomes', () => {
  it('a CommonJS handler file: index.mjs takes the handler from its module.exports, and it runs', async () => {
    const p = makeProject({ 'src/legacy.js': "const os = require('os');\nmodule.exports.handler = async (input) => ({ legacy: true, input, eol: typeof os.EOL });\n" });
    cleanup = p.cleanup;
    const [a] = await packageService(service(p.root, [fn('legacy', 'src/legacy.js#handler')]), 'aws', opts);
    const dir = unpack(a!.zipPath);
    expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).toContain('import mod from "./handler.mjs"');
    const mod = await import(pathToFileURL(join(dir, 'index.mjs')).href);
    const out = await mod.handler(5, {});
    expect(out).toMatchObject({ legacy: true, eol: 'string' });
    expect(out.input.event).toBe(5);
  });

  it('one file with several handlers: each function\'s zip holds only the code its own handler reaches', async () => {
    const p = makeProject({
      'src/handlers.ts': [
        "import { heavy } from './heavy';",
        "export const hello = async () => 'hello-only-' + 1;",
        "export const goodbye = async () => heavy();",
        "export const forTests = () => 'a-helper-exported-for-tests';",
        '',
      ].join('\n'),
      'src/heavy.ts': "export const heavy = () => 'the-heavy-module-' + 'x'.repeat(3);\n",
      'src/single.ts': "export const handler = async () => 'single';\n",
    });
    cleanup = p.cleanup;
    const svc = service(p.root, [fn('hello', 'src/handlers.ts#hello'), fn('goodbye', 'src/handlers.ts#goodbye'), fn('single', 'src/single.ts#handler')]);
    const arts = await packageService(svc, 'aws', opts);
    const code = (name: string) => readFileSync(join(unpack(arts.find((a) => a.name === name)!.zipPath), 'handler.mjs'), 'utf8');
    expect(code('hello')).toContain('hello-only-');
    expect(code('hello')).not.toContain('the-heavy-module-');
    expect(code('hello')).not.toContain('a-helper-exported-for-tests');
    expect(code('goodbye')).toContain('the-heavy-module-');
    expect(code('goodbye')).not.toContain('hello-only-');
    for (const name of ['hello', 'goodbye', 'single']) {
      const mod = await import(`${pathToFileURL(join(unpack(arts.find((a) => a.name === name)!.zipPath), 'index.mjs')).href}?${name}`);
      expect(typeof mod.handler).toBe('function');
    }
    // The same bytes again, from the cache or not.
    const again = await packageService(svc, 'aws', { ...opts, cache: false });
    expect(again.map((a) => a.sha256)).toEqual(arts.map((a) => a.sha256));
  });
});

describe('packageService for gcp, local and azure', () => {
  it('gcp: index.mjs (the wrapper), handler.mjs plus a package.json with main and the functions-framework dependency, left external', async () => {
    const { root, svc } = project();
    await packageService(svc, 'gcp', opts);
    const dir = unpack(join(root, '.sls-x', 'build', 'gcp', 'api.zip'));
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('index.mjs');
    expect(pkg.dependencies['@google-cloud/functions-framework']).toMatch(/^\^4/);
    // The shim imports it, in the shared runtime module.
    const code = zipPaths(join(root, '.sls-x', 'build', 'gcp', 'api.zip')).filter((x) => x.endsWith('.mjs')).map((x) => readFileSync(join(dir, x), 'utf8')).join('\n');
    expect(code).toMatch(/from"@google-cloud\/functions-framework"/);
    expect(zipPaths(join(root, '.sls-x', 'build', 'gcp', 'api.zip'))).toEqual(['_slsx.mjs', 'handler.mjs', 'index.mjs', 'package.json']);
  });

  it('local: the entry default-exports createLocalHandler(user, meta)', async () => {
    const { root, svc } = project();
    await packageService(svc, 'local', opts);
    const mod = await import(pathToFileURL(join(root, '.sls-x', 'build', 'local', 'api', 'index.mjs')).href);
    expect(mod.default.meta.target).toBe('local');
    expect((await mod.default.invoke('x')).msg).toBe('hello world');
  });

  it('azure: one Function App package registering every function; the config\'s host settings are app settings, not host.json', async () => {
    const { root, svc } = project();
    svc.queues = [{ name: 'orders', visibilityTimeoutMs: 60_000, maxRetries: 3, deadLetter: true, retentionMs: 86_400_000 }];
    svc.functions[1].events = [{ kind: 'queue', queue: 'orders', batchSize: 10, batchWindowMs: 0 }];
    svc.functions[2].timeoutMs = 300_000;
    const events: SlsxEvent[] = [];
    const artifacts = await packageService(svc, 'azure', { ...opts, events: (e) => events.push(e) });
    expect(artifacts).toHaveLength(1);
    expect(artifacts[0]).toMatchObject({ name: 'app', functions: ['api', 'worker', 'nightly'], entry: 'index.mjs' });
    const dir = unpack(join(root, '.sls-x', 'build', 'azure', 'app.zip'));
    expect(zipPaths(join(root, '.sls-x', 'build', 'azure', 'app.zip')).includes('_slsx.mjs')).toBe(false); // one package: the runtime is inside its index.mjs
    const host = JSON.parse(readFileSync(join(dir, 'host.json'), 'utf8'));
    expect(host).toEqual({
      version: '2.0',
      extensionBundle: { id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' },
      logging: { logLevel: { default: 'Information' } },
    });
    expect(azureHostSettings(svc, svc.functions).settings).toEqual({
      AzureFunctionsJobHost__functionTimeout: '00:05:00',
      AzureFunctionsJobHost__extensions__queues__maxDequeueCount: '4',
      AzureFunctionsJobHost__extensions__queues__batchSize: '10',
      AzureFunctionsJobHost__extensions__queues__visibilityTimeout: '00:01:00',
    });
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).main).toBe('index.mjs');
    expect(events.some((e) => e.type === 'warn')).toBe(false);
    // @azure/functions is bundled; its worker-provided core stays external (so it runs in test mode here).
    await import(pathToFileURL(join(dir, 'index.mjs')).href);
    const registered = (globalThis as { __registered?: Array<{ meta: { functionName: string; target: string } }> }).__registered ?? [];
    expect(registered.map((r) => r.meta.functionName)).toEqual(['api', 'worker', 'nightly']);
    expect(registered.every((r) => r.meta.target === 'azure')).toBe(true);
  });

  it('azure: says so when queues ask for settings one Function App cannot give each of them', async () => {
    const { svc } = project();
    svc.queues = [
      { name: 'a', visibilityTimeoutMs: 30_000, maxRetries: 2, deadLetter: true, retentionMs: 1 },
      { name: 'b', visibilityTimeoutMs: 30_000, maxRetries: 5, deadLetter: true, retentionMs: 1 },
    ];
    svc.functions[0].events = [{ kind: 'queue', queue: 'a', batchSize: 10, batchWindowMs: 0 }];
    svc.functions[1].events = [{ kind: 'queue', queue: 'b', batchSize: 10, batchWindowMs: 0 }];
    const warnings: string[] = [];
    await packageService(svc, 'azure', { ...opts, events: (e) => e.type === 'warn' && warnings.push(e.message) });
    expect(warnings).toEqual([expect.stringMatching(/maxDequeueCount \(6\)/)]);
  });
});

describe('packageService with ESM code that makes its own require', () => {
  it('does not clash with the createRequire banner', async () => {
    const p = makeProject({
      'src/api.mjs': "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nconst { sep } = require('node:path');\nexport const handler = async () => sep;\n",
    });
    cleanup = p.cleanup;
    const svc = service(p.root, [fn('api', 'src/api.mjs#handler')]);
    const events: SlsxEvent[] = [];
    await packageService(svc, 'aws', { shimDir: FIXTURE_SHIMS, events: (e) => events.push(e) });
    expect(events.filter((e) => e.type === 'warn')).toEqual([]); // the export check could load it too
    const mod = await import(pathToFileURL(join(unpack(join(p.root, '.sls-x', 'build', 'aws', 'api.zip')), 'index.mjs')).href);
    expect(await mod.handler({}, {})).toBe('/');
  });
});

describe('packageService legal comments', () => {
  it('moves license comments out of the code into handler.mjs.LEGAL.txt inside the zip', async () => {
    const p = makeProject({
      'node_modules/licensed/package.json': '{"name":"licensed","version":"1.0.0","type":"module","main":"index.js"}',
      'node_modules/licensed/index.js': '/*! licensed v1.0.0 | @license MIT */\nexport const one = () => 1;\n',
      'src/api.ts': "import { one } from 'licensed';\nexport const handler = async () => one();\n",
    });
    cleanup = p.cleanup;
    const [a] = await packageService(service(p.root, [fn('api', 'src/api.ts#handler')]), 'aws', opts);
    expect(execFileSync('unzip', ['-Z1', a.zipPath], { encoding: 'utf8' }).trim().split('\n')).toEqual(['_slsx.mjs', 'handler.mjs', 'handler.mjs.LEGAL.txt', 'index.mjs']);
    expect(execFileSync('unzip', ['-p', a.zipPath, 'handler.mjs.LEGAL.txt'], { encoding: 'utf8' })).toContain('@license MIT');
    expect(execFileSync('unzip', ['-p', a.zipPath, 'handler.mjs'], { encoding: 'utf8' })).not.toContain('@license');
  });
});
