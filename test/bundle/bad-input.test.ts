import { existsSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageService } from '../../src/bundle/package-service.js';
import type { SlsxEvent } from '../../src/core/events.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { renderError } from '../../src/cli/render-error.js';
import { FIXTURE_SHIMS, fn, makeProject, service } from './helpers.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const GOOD = 'export const handler = async () => ({ ok: true });\n';

async function failure(files: Record<string, string>, handler: string, prebuild = false): Promise<{ err: SlsxError; root: string; before?: Buffer }> {
  const p = makeProject({ 'src/good.ts': GOOD, ...files });
  cleanup = p.cleanup;
  const svc = service(p.root, [fn('good', 'src/good.ts#handler')]);
  let before: Buffer | undefined;
  if (prebuild) {
    const [a] = await packageService(svc, 'aws', { shimDir: FIXTURE_SHIMS });
    before = readFileSync(a.zipPath);
  }
  svc.functions.push(fn('bad', handler));
  const err = await packageService(svc, 'aws', { shimDir: FIXTURE_SHIMS, cwd: p.root }).then(
    () => {
      throw new Error('expected packageService to fail');
    },
    (e: unknown) => e as SlsxError,
  );
  expect(err).toBeInstanceOf(SlsxError);
  expect(err.exitCode).toBe(2);
  return { err, root: p.root, before };
}

function nothingWritten(root: string): void {
  expect(existsSync(join(root, '.sls-x'))).toBe(false);
}

describe('packageService on bad handlers', () => {
  it('a syntax error: BUNDLE_FAILED at the file:line:col esbuild reports, nothing written', async () => {
    const { err, root } = await failure({ 'src/bad.ts': 'export const handler = async () => {\n  return { ok: true ;\n};\n' }, 'src/bad.ts#handler');
    expect(err.code).toBe('BUNDLE_FAILED');
    expect(err.diagnostics[0]).toMatchObject({ severity: 'error', file: 'src/bad.ts', line: 2, col: 21, code: 'syntax-error' });
    const text = renderError(err, false);
    expect(text).toContain('src/bad.ts:2:21: error [syntax-error]');
    expect(text).toContain('  2 |   return { ok: true ;');
    expect(text).not.toMatch(/\n\s+at /); // no stack
    nothingWritten(root);
  });

  it('a missing import: BUNDLE_FAILED naming the import and where it is', async () => {
    const { err, root } = await failure({ 'src/bad.ts': "import { x } from './nope';\nimport y from 'not-installed-pkg';\nexport const handler = async () => x + y;\n" }, 'src/bad.ts#handler');
    expect(err.code).toBe('BUNDLE_FAILED');
    expect(err.diagnostics.map((d) => [d.file, d.line, d.code])).toEqual([
      ['src/bad.ts', 1, 'unresolved-import'],
      ['src/bad.ts', 2, 'unresolved-import'],
    ]);
    expect(err.diagnostics[1].hint).toContain('npm install not-installed-pkg');
    nothingWritten(root);
  });

  it('an export that does not exist: HANDLER_INVALID with a suggestion, found statically', async () => {
    const { err, root } = await failure({ 'src/bad.ts': GOOD }, 'src/bad.ts#handlr');
    expect(err.code).toBe('HANDLER_INVALID');
    expect(err.diagnostics[0]).toMatchObject({ code: 'handler-export-missing', path: 'functions.bad.handler', hint: 'Did you mean `handler`?' });
    nothingWritten(root);
  });

  it('an export that is not a function: HANDLER_INVALID, and the previous build is left as it was', async () => {
    const { err, root, before } = await failure({ 'src/bad.ts': 'export const handler = { not: "a function" };\n' }, 'src/bad.ts#handler', true);
    expect(err.code).toBe('HANDLER_INVALID');
    expect(err.diagnostics[0].code).toBe('handler-not-function');
    expect(err.message).toContain('is an object, not a function');
    const dir = join(root, '.sls-x', 'build');
    expect(readdirSync(dir)).toEqual(['aws']); // no temp folder left behind
    expect(readdirSync(join(dir, 'aws')).sort()).toEqual(['good', 'good.zip', 'manifest.json']);
    expect(readFileSync(join(dir, 'aws', 'good.zip')).equals(before!)).toBe(true);
  });

  it('a default export that is not a function: the hint shows valid `export default` syntax', async () => {
    const { err, root } = await failure({ 'src/bad.ts': 'export default { not: "a function" };\n' }, 'src/bad.ts#default');
    expect(err.diagnostics[0]).toMatchObject({ code: 'handler-not-function', hint: 'Export a function: `export default async function (input, ctx) { ... }`.' });
    nothingWritten(root);
  });

  it('a CommonJS export that is not a function is found by the probe too', async () => {
    const { err } = await failure({ 'src/bad.cjs': 'module.exports.handler = 42;\n' }, 'src/bad.cjs#handler');
    expect(err.code).toBe('HANDLER_INVALID');
    expect(err.message).toContain('is a number, not a function');
  });

  it('a handler file outside the project: HANDLER_INVALID before anything is read', async () => {
    const { err, root } = await failure({}, '../outside.ts#handler');
    expect(err.code).toBe('HANDLER_INVALID');
    expect(err.diagnostics[0].code).toBe('handler-outside-project');
    nothingWritten(root);
  });

  it('a symlink to a file outside the project: HANDLER_INVALID', async () => {
    const outside = makeProject({ 'secret.ts': GOOD });
    try {
      const p = makeProject({ 'src/good.ts': GOOD });
      cleanup = p.cleanup;
      symlinkSync(join(outside.root, 'secret.ts'), join(p.root, 'src', 'link.ts'));
      const svc = service(p.root, [fn('bad', 'src/link.ts#handler')]);
      await expect(packageService(svc, 'aws', { shimDir: FIXTURE_SHIMS })).rejects.toMatchObject({ code: 'HANDLER_INVALID', message: expect.stringContaining('link to a file outside') });
      nothingWritten(p.root);
    } finally {
      outside.cleanup();
    }
  });

  it('a missing handler file: HANDLER_INVALID', async () => {
    const { err } = await failure({}, 'src/missing.ts#handler');
    expect(err.code).toBe('HANDLER_INVALID');
    expect(err.diagnostics[0].code).toBe('handler-missing');
  });

  it('a module that throws at import (e.g. wants an env var) is a warning, not an error: it may work in the cloud', async () => {
    const p = makeProject({ 'src/env.ts': "if (!process.env.DB_URL) throw new Error('DB_URL is not set');\nexport const handler = async () => 1;\n" });
    cleanup = p.cleanup;
    const svc = service(p.root, [fn('env', 'src/env.ts#handler')]);
    const events: SlsxEvent[] = [];
    const artifacts = await packageService(svc, 'aws', { shimDir: FIXTURE_SHIMS, events: (e) => events.push(e) });
    expect(artifacts).toHaveLength(1);
    expect(events).toContainEqual({ type: 'warn', message: expect.stringContaining('DB_URL is not set') });
  });

  it('the probe runs user code with an empty environment and cannot write files', async () => {
    const p = makeProject({});
    cleanup = p.cleanup;
    const target = join(p.root, 'written.txt');
    p.write(
      'src/spy.ts',
      [
        "import { writeFileSync } from 'node:fs';",
        "const envEmpty = Object.keys(process.env).length === 0;",
        'let wrote = false;',
        `try { writeFileSync(${JSON.stringify(target)}, 'x'); wrote = true; } catch { /* blocked by the permission model */ }`,
        // A function only when the sandbox held: otherwise the check fails the build.
        'export const handler = envEmpty && !wrote ? async () => 1 : 42;',
      ].join('\n'),
    );
    process.env.SLSX_TEST_SECRET = 'must-not-leak';
    try {
      const svc = service(p.root, [fn('spy', 'src/spy.ts#handler')]);
      await expect(packageService(svc, 'aws', { shimDir: FIXTURE_SHIMS })).resolves.toHaveLength(1);
    } finally {
      delete process.env.SLSX_TEST_SECRET;
    }
    expect(existsSync(target)).toBe(false);
  });
});
