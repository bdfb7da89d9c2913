import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unpack } from '../support/unzip.js';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { validateConfig } from '../../src/config/load-service.js';
import { detectHandlerExports, exportKinds } from '../../src/config/handler-exports.js';
import { packageService } from '../../src/bundle/package-service.js';
import { FIXTURE_SHIMS, fn, makeProject, service } from './helpers.js';

// Count esbuild builds: the point of issue 12.6 is how many there are.
// The shared runtime module's own build (entry `slsx-entry:_slsx`: only on a miss of the user
// cache, beside the functions' build; test/bundle/runtime-cache.test.ts) is not counted.
const builds = vi.hoisted(() => ({ count: 0 }));
vi.mock('esbuild', async (original) => {
  const real = await original<typeof import('esbuild')>();
  return {
    ...real,
    build: (...args: Parameters<typeof real.build>) => {
      const entries = JSON.stringify(args[0]?.entryPoints ?? []);
      if (!entries.includes('slsx-entry:_slsx')) builds.count++;
      return real.build(...args);
    },
  };
});

// Load the mock once up front: imports racing its async factory could get the real module.
beforeAll(async () => {
  await import('esbuild');
});

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const LITERALS = `
export const obj = { not: "a function" };
export const multi = {
  a: 1,
  b: "}",
  c: [1, 2],
};
export const str = "03:00";
export const num = 42;
export const neg = -1.5;
export const big = 10n;
export const arr = [1, 2];
export const yes = true;
export const nul = null;
export const und = undefined;
export const tpl = \`plain\`;
export let later = null as unknown;
later = () => 1;
export async function fn() { return 1; }
export class K {}
const inner = { x: 1 };
export { inner as renamed };
function wrap<T>(f: T): T { return f; }
export const called = wrap(async () => 1);
export const arrow = async (e: unknown) => e;
export const typed: Record<string, number> = { a: 1 };
export const method = { run() {} };
export const prop = "abc".length;
export const withTemplate = \`a\${1}\`;
export const compared = "a" === "b";
export const withRegex = { re: /}/ };
export const proxied = new Proxy(() => 1, {});
`;

describe('exportKinds: what an export is, from esbuild\'s output, without running it', () => {
  it('classifies literals and functions, and leaves anything computed or reassigned unknown', async () => {
    const p = makeProject({ 'src/a.ts': LITERALS, 'src/re.ts': "export { obj, fn as handler } from './a';\n", 'src/d.ts': 'export default { not: "a function" };\n', 'src/f.ts': 'export default async function (e: unknown) { return e; }\n' });
    cleanup = p.cleanup;
    const files = ['src/a.ts', 'src/re.ts', 'src/d.ts', 'src/f.ts'].map((f) => join(p.root, f));
    const found = await detectHandlerExports(files, p.root);
    expect(found.get(files[0])!.kinds).toEqual({
      obj: 'object',
      multi: 'object',
      str: 'string',
      num: 'number',
      neg: 'number',
      big: 'bigint',
      arr: 'object',
      yes: 'boolean',
      nul: 'null',
      und: 'undefined',
      tpl: 'string',
      fn: 'function',
      K: 'function',
      renamed: 'object',
      arrow: 'function',
      typed: 'object',
      compared: 'boolean', // esbuild folded it to `false`
      // later (assigned again), called, prop, withTemplate, withRegex, proxied, method (its
      // body spans lines after the object's brace): unknown, never a false alarm

    });
    expect(found.get(files[1])!.kinds).toEqual({ obj: 'object', handler: 'function' });
    expect(found.get(files[2])!.kinds).toEqual({ default: 'object' });
    expect(found.get(files[3])!.kinds).toEqual({ default: 'function' });
  });

  it('reads a CommonJS entry\'s one `exports.name = <literal>`, and nothing when module.exports is replaced', () => {
    const wrapper = (body: string) => `var require_x = __commonJS({\n  "src/x.cjs"(exports, module) {\n${body}\n  }\n});\nexport default require_x();\n`;
    expect(exportKinds(wrapper('    module.exports.handler = 42;'), ['handler'], true)).toEqual({ handler: 'number' });
    expect(exportKinds(wrapper('    exports.handler = {\n      a: 1\n    };'), ['handler'], true)).toEqual({ handler: 'object' });
    expect(exportKinds(wrapper('    exports.handler = null;\n    if (x) exports.handler = f;'), ['handler'], true)).toEqual({});
    expect(exportKinds(wrapper('    module.exports = { handler: 42 };'), ['handler'], true)).toEqual({});
  });
});

describe('handler exports at validate: one esbuild build for every handler file', () => {
  const yaml = (fns: Record<string, string>) => `service: shop\nruntime: node20\nfunctions:\n${Object.entries(fns).map(([n, h]) => `  ${n}:\n    handler: ${h}\n`).join('')}`;

  it('builds once however many handlers, and still reports each missing export at its `handler:` line with a hint', async () => {
    const files: Record<string, string> = { 'src/lib.ts': 'export const x = 1;\n' };
    const fns: Record<string, string> = {};
    for (let i = 0; i < 12; i++) {
      files[`src/f${i}.ts`] = `import { x } from './lib';\nexport const handler = async () => x + ${i};\n`;
      fns[`f${i}`] = `src/f${i}.handler`;
    }
    fns.typo = 'src/f0.handlr';
    const p = makeProject({ ...files, 'faas.yaml': yaml(fns) });
    cleanup = p.cleanup;
    builds.count = 0;
    const { diagnostics } = await validateConfig({ cwd: p.root, env: {}, hostNode: '20.20.0' });
    expect(builds.count).toBe(1);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'handler-export-missing', file: 'faas.yaml', line: 29, col: 14, hint: 'Did you mean `src/f0.handler`?' });
  });

  it('an export that is plainly not a function is an error at validate, at faas.yaml:line:col with the fix', async () => {
    const p = makeProject({
      'src/jobs.ts': 'export const nightly = "03:00";\n',
      'src/conf.ts': 'export default { retries: 3 };\n',
      'src/old.cjs': 'module.exports.handler = 42;\n',
      'src/ok.ts': "const wrap = <T,>(f: T): T => f;\nexport const handler = wrap(async () => 1);\n",
      'faas.yaml': yaml({ jobs: 'src/jobs.nightly', conf: 'src/conf.default', old: 'src/old.handler', ok: 'src/ok.handler' }),
    });
    cleanup = p.cleanup;
    const { diagnostics } = await validateConfig({ cwd: p.root, env: {}, hostNode: '20.20.0' });
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((e) => [e.code, e.line, e.col, e.message])).toEqual([
      ['handler-not-function', 5, 14, 'Export `nightly` of `src/jobs.ts` is a string, not a function.'],
      ['handler-not-function', 7, 14, 'Export `default` of `src/conf.ts` is an object, not a function.'],
      ['handler-not-function', 9, 14, 'Export `handler` of `src/old.cjs` is a number, not a function.'],
    ]);
    expect(errors[0]!.hint).toBe('Export a function: `export const nightly = async (input, ctx) => { ... }`.');
    expect(errors[1]!.hint).toBe('Export a function: `export default async function (input, ctx) { ... }`.');
  });

  it('a file that does not build: each handler it breaks says so; the others are still checked', async () => {
    const p = makeProject({
      'src/good.ts': 'export const handler = async () => 1;\n',
      'src/bad.ts': 'export const handler = async () => {\n  const x = ;\n};\n',
      'faas.yaml': yaml({ good: 'src/good.handlr', bad: 'src/bad.handler' }),
    });
    cleanup = p.cleanup;
    const { diagnostics } = await validateConfig({ cwd: p.root, env: {}, hostNode: '20.20.0' });
    expect(diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.line])).toEqual([
      ['handler-export-missing', 5],
      ['handler-build', 7],
    ]);
  });
});

describe('handler exports remembered between clean checks that were packaged (.sls-x/cache/handler-exports.json)', () => {
  const yaml = 'service: shop\nruntime: node20\nfunctions:\n  a:\n    handler: src/a.handler\n  b:\n    handler: src/b.handler\n';

  it('an unchanged project builds nothing; a changed import rebuilds and is judged again; errors are never remembered', async () => {
    const p = makeProject({ 'src/lib.ts': 'export const x = 1;\n', 'src/a.ts': "export { x as handler } from './lib';\n", 'src/b.ts': 'export const handler = async () => 2;\n', 'faas.yaml': yaml });
    cleanup = p.cleanup;
    // validate, then package what it loaded when it is clean (the cache is written by packaging)
    const check = async () => {
      builds.count = 0;
      const { diagnostics, service } = await validateConfig({ cwd: p.root, env: {}, hostNode: '20.20.0' });
      const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}@${d.line}`);
      const validateBuilds = builds.count;
      if (errors.length === 0) await packageService(service!, 'aws', { shimDir: FIXTURE_SHIMS });
      return { builds: validateBuilds, errors };
    };
    // a re-exports a number from lib: an error, so nothing is written.
    expect(await check()).toEqual({ builds: 1, errors: ['handler-not-function@5'] });
    expect(existsSync(join(p.root, '.sls-x'))).toBe(false);
    p.write('src/lib.ts', 'export const x = async () => 1;\n');
    // validate alone writes nothing
    await validateConfig({ cwd: p.root, env: {}, hostNode: '20.20.0' });
    expect(existsSync(join(p.root, '.sls-x'))).toBe(false);
    expect(await check()).toEqual({ builds: 1, errors: [] });
    expect(existsSync(join(p.root, '.sls-x', 'cache', 'handler-exports.json'))).toBe(true);
    expect(await check()).toEqual({ builds: 0, errors: [] });
    // lib.ts is an input of a only: a is built again (and found wrong), b comes from the cache.
    p.write('src/lib.ts', 'export const x = "not a function";\n');
    expect(await check()).toEqual({ builds: 1, errors: ['handler-not-function@5'] });
    p.write('src/lib.ts', 'export const x = async () => 3;\n');
    expect(await check()).toEqual({ builds: 1, errors: [] });
    expect(await check()).toEqual({ builds: 0, errors: [] });
    // A missing export is found from the cached export list too.
    p.write('faas.yaml', yaml.replace('src/b.handler', 'src/b.handlr'));
    expect(await check()).toEqual({ builds: 0, errors: ['handler-export-missing@7'] });
  });
});

describe('packaging: one esbuild build, none when nothing changed', () => {
  it('several handlers in one file, found by the config check: still one build, each bundle tree-shaken to its handler', async () => {
    const p = makeProject({
      'faas.yaml': 'service: multi\nruntime: node22\nfunctions:\n  hello:\n    handler: src/handlers.hello\n  goodbye:\n    handler: src/handlers.goodbye\n',
      'src/handlers.ts': "export const hello = async () => 'only-hello';\nexport const goodbye = async () => 'only-goodbye';\n",
    });
    cleanup = p.cleanup;
    const { loadService } = await import('../../src/config/load-service.js');
    const { service: svc } = await loadService({ cwd: p.root, env: {}, target: 'aws' });
    builds.count = 0;
    const arts = await packageService(svc, 'aws');
    expect(builds.count).toBe(1);
    const code = (name: string) => readFileSync(join(unpack(arts.find((a) => a.name === name)!.zipPath), 'handler.mjs'), 'utf8');
    expect(code('hello')).toContain('only-hello');
    expect(code('hello')).not.toContain('only-goodbye');
    expect(code('goodbye')).not.toContain('only-hello');
  });

  it('N functions are one build cold, zero warm; no second build checks the handlers', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 8; i++) files[`src/f${i}.ts`] = `export const handler = async () => ${i};\n`;
    const p = makeProject(files);
    cleanup = p.cleanup;
    const svc = service(p.root, Array.from({ length: 8 }, (_, i) => fn(`f${i}`, `src/f${i}.ts#handler`)));
    builds.count = 0;
    await packageService(svc, 'aws', { shimDir: FIXTURE_SHIMS });
    expect(builds.count).toBe(1);
    await packageService(svc, 'aws', { shimDir: FIXTURE_SHIMS });
    expect(builds.count).toBe(1);
  });
});
