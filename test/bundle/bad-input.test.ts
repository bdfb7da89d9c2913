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

  it('an export that does not exist: HANDLER_INVALID with a suggestion, found by the packaging build itself', async () => {
    const { err, root } = await failure({ 'src/bad.ts': GOOD }, 'src/bad.ts#handlr');
    expect(err.code).toBe('HANDLER_INVALID');
    expect(err.diagnostics).toHaveLength(1);
    expect(err.diagnostics[0]).toMatchObject({ code: 'handler-export-missing', path: 'functions.bad.handler', file: 'faas.yaml', hint: 'Did you mean `handler`?' });
    expect(err.message).toBe('Function `bad`: src/bad.ts has no export named `handlr`.');
    nothingWritten(root);
  });

  it('a missing export points at the `handler:` line of faas.yaml, and the previous build is left as it was', async () => {
    const p = makeProject({ 'src/good.ts': GOOD, 'src/bad.ts': 'export const other = async () => 1;\n', 'faas.yaml': 'service: demo\nfunctions:\n  good:\n    handler: src/good.handler\n  bad:\n    handler: src/bad.handler\n' });
    cleanup = p.cleanup;
    const svc = service(p.root, [fn('good', 'src/good.ts#handler')]);
    const [a] = await packageService(svc, 'aws', { shimDir: FIXTURE_SHIMS });
    const before = readFileSync(a.zipPath);
    svc.functions.push(fn('bad', 'src/bad.ts#handler'));
    const err = (await packageService(svc, 'aws', { shimDir: FIXTURE_SHIMS, cwd: p.root }).catch((e: unknown) => e)) as SlsxError;
    expect(err.code).toBe('HANDLER_INVALID');
    expect(err.diagnostics[0]).toMatchObject({ code: 'handler-export-missing', file: 'faas.yaml', line: 6, col: 14, lineText: '    handler: src/bad.handler', hint: 'It exports: other.' });
    const text = renderError(err, false);
    expect(text).toContain('faas.yaml:6:14: error [handler-export-missing]');
    expect(text).not.toMatch(/\n\s+at /);
    const dir = join(p.root, '.sls-x', 'build');
    expect(readdirSync(dir)).toEqual(['aws']); // no temp folder left behind
    expect(readdirSync(join(dir, 'aws')).sort()).toEqual(['good.zip', 'manifest.json']);
    expect(readFileSync(join(dir, 'aws', 'good.zip')).equals(before)).toBe(true);
  });

  it('missing exports of several functions and a bad import in user code: every problem at once, the import error as esbuild said it', async () => {
    const p = makeProject({ 'src/a.ts': GOOD, 'src/b.ts': GOOD, 'src/lib.ts': 'export const one = 1;\n', 'src/c.ts': "import { two } from './lib';\nexport const handler = async () => two;\n" });
    cleanup = p.cleanup;
    const svc = service(p.root, [fn('a', 'src/a.ts#handlr'), fn('b', 'src/b.ts#handle'), fn('c', 'src/c.ts#handler')]);
    const err = (await packageService(svc, 'aws', { shimDir: FIXTURE_SHIMS, cwd: p.root }).catch((e: unknown) => e)) as SlsxError;
    expect(err.code).toBe('BUNDLE_FAILED');
    expect(err.diagnostics.map((d) => [d.code, d.path ?? `${d.file}:${d.line}:${d.col}`]).sort()).toEqual([
      ['handler-export-missing', 'functions.a.handler'],
      ['handler-export-missing', 'functions.b.handler'],
      ['missing-export', 'src/c.ts:1:10'],
    ]);
    // Without the user-code error, the same two are a HANDLER_INVALID of their own.
    svc.functions.pop();
    const only = (await packageService(svc, 'aws', { shimDir: FIXTURE_SHIMS, cwd: p.root }).catch((e: unknown) => e)) as SlsxError;
    expect(only.code).toBe('HANDLER_INVALID');
    expect(only.message).toBe('2 handler exports are invalid.');
    nothingWritten(p.root);
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

  it('packaging runs no handler code: a module that throws at import, or writes a file, packages without a word', async () => {
    const p = makeProject({});
    cleanup = p.cleanup;
    const target = join(p.root, 'written.txt');
    p.write('src/env.ts', "if (!process.env.DB_URL) throw new Error('DB_URL is not set');\nexport const handler = async () => 1;\n");
    p.write('src/spy.ts', `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(target)}, 'x');\nexport const handler = async () => 1;\n`);
    const svc = service(p.root, [fn('env', 'src/env.ts#handler'), fn('spy', 'src/spy.ts#handler')]);
    const events: SlsxEvent[] = [];
    const artifacts = await packageService(svc, 'aws', { shimDir: FIXTURE_SHIMS, events: (e) => events.push(e) });
    expect(artifacts).toHaveLength(2);
    expect(events.filter((e) => e.type === 'warn')).toEqual([]);
    expect(existsSync(target)).toBe(false);
  });
});
