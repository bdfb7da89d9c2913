import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { validateConfig } from '../../src/config/load-service.js';
import { project, runCli, STUBS } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function setup(yaml: string, files: Record<string, string> = {}): string {
  const p = project({ ...STUBS, ...files, 'faas.yaml': yaml });
  cleanups.push(p.cleanup);
  return p.dir;
}
const validate = (dir: string, env: NodeJS.ProcessEnv = {}) => validateConfig({ cwd: dir, env, hostNode: '22.12.0' });
const shown = (ds: Array<{ severity: string; code: string; line?: number; col?: number; target?: string }>) => ds.map((d) => [d.severity, d.code, d.line, d.col, ...(d.target ? [d.target] : [])]);

describe('build: in faas.yaml', () => {
  it('merges the function\'s build over the service\'s: scalars per key, external added to, define and loader per entry', async () => {
    const dir = setup(
      [
        'service: shop',
        'build:',
        '  external: [pg-native]',
        '  minify: false',
        "  define: { DEBUG: 'false', process.env.NODE_ENV: '\"production\"' }",
        '  loader: { .txt: text }',
        'functions:',
        '  api:',
        '    handler: src/api.handler',
        '    build:',
        "      external: ['!pg-native', sharp]",
        '      sourcemap: true',
        "      define: { DEBUG: 'true' }",
        '      loader: { .sql: text }',
        '  worker:',
        '    handler: src/worker.handler',
      ].join('\n'),
    );
    const { service, diagnostics } = await validate(dir);
    expect(diagnostics).toEqual([]);
    const [api, worker] = service!.functions;
    expect(api!.build).toEqual({
      external: ['pg-native', '!pg-native', 'sharp'],
      minify: false,
      sourcemap: true,
      define: { DEBUG: 'true', 'process.env.NODE_ENV': '"production"' },
      loader: { '.txt': 'text', '.sql': 'text' },
    });
    expect(worker!.build).toEqual({ external: ['pg-native'], minify: false, define: { DEBUG: 'false', 'process.env.NODE_ENV': '"production"' }, loader: { '.txt': 'text' } });
    expect(service!.build).toEqual(worker!.build);
  });

  it('no build: anywhere: nothing added to the model (the targets\' defaults apply)', async () => {
    const { service } = await validate(setup('service: shop\nfunctions:\n  api:\n    handler: src/api.handler\n'));
    expect(service!.build).toBeUndefined();
    expect(service!.functions[0]!.build).toBeUndefined();
  });

  it('unknown keys and wrong types: each at its line:col with a fix, exit 2', async () => {
    const dir = setup(
      [
        'service: shop', //                                    1
        'build:', //                                           2
        '  minfy: true', //                                    3
        '  minify: yes please', //                             4
        '  define: { DEBUG: true }', //                        5
        '  loader: { .txt: texty }', //                        6
        '  external: pg-native', //                            7
        'functions:', //                                       8
        '  api:', //                                           9
        '    handler: src/api.handler', //                    10
        '    build: { sourcemap: 1, external: ["a b"] }', //   11
      ].join('\n'),
    );
    const { diagnostics } = await validate(dir);
    expect(shown(diagnostics)).toEqual([
      ['error', 'unknown-key', 3, 3],
      ['error', 'wrong-type', 4, 11],
      ['error', 'wrong-type', 5, 20],
      ['error', 'invalid-value', 6, 19],
      ['error', 'wrong-type', 7, 13],
      ['error', 'wrong-type', 11, 25],
      ['error', 'invalid-value', 11, 39],
    ]);
    const at = (line: number, col: number) => diagnostics.find((d) => d.line === line && d.col === col)!;
    expect(at(3, 3).hint).toBe('Did you mean `minify`?');
    expect(at(5, 20).message).toBe('`build.define.DEBUG` must be a string, got true.');
    expect(at(5, 20).hint).toContain('quote it');
    expect(at(6, 19).hint).toBe('Did you mean `text`?');
    expect(at(11, 39).message).toContain('a pattern with one `*`');
    for (const d of diagnostics) expect(d.hint, `${d.code} at ${d.line}:${d.col}`).toBeTruthy();

    const cli = await runCli(['validate'], dir);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('faas.yaml:3:3: error [unknown-key]');
    expect(cli.stderr).not.toMatch(/\n\s+at /);
  });

  it('define keys and values esbuild would refuse, and a bare name that was meant as a string', async () => {
    const dir = setup(
      [
        'service: shop',
        'build:',
        '  define:',
        "    a-b: '1'", //                                     4
        '    MODE: hello world', //                            5
        '    ENV_NAME: production', //                         6
        "    GLOBAL: globalThis.x", //                         7
        "    QUOTED: \"'single'\"", //                         8
        'functions:',
        '  api: { handler: src/api.handler }',
      ].join('\n'),
    );
    const { diagnostics } = await validate(dir);
    expect(shown(diagnostics)).toEqual([
      ['error', 'invalid-define', 4, 5],
      ['error', 'invalid-define', 5, 11],
      ['warning', 'define-identifier', 6, 15],
    ]);
    expect(diagnostics[1]!.hint).toBe('The value is code: a string needs its own quotes inside the YAML string, e.g. `MODE: \'"hello world"\'`.');
    expect(diagnostics[2]!.hint).toBe('For the string, quote it inside the YAML string: `ENV_NAME: \'"production"\'`.');
  });

  it('never compiles a secret into the code: secret-looking keys and `process.env.<a secret>` are refused, the value never shown', async () => {
    const dir = setup(
      [
        'service: shop',
        'build:',
        '  define:',
        "    STRIPE_API_KEY: '\"sk_live_abcdefghijklmnop\"'", // 4
        'functions:',
        '  api:',
        '    handler: src/api.handler',
        '    secrets: [DB_URL]',
        '    build:',
        '      define:',
        "        process.env.DB_URL: '\"${env:DB_URL}\"'", // 11
        "        process.env[\"DB_URL\"]: '\"x\"'", //     12
      ].join('\n'),
    );
    const { diagnostics } = await validate(dir, { DB_URL: 'postgres://user:hunter2@db' });
    expect(shown(diagnostics)).toEqual([
      ['error', 'build-define-secret', 4, 5],
      ['error', 'build-define-secret', 11, 9],
      ['error', 'build-define-secret', 12, 9],
    ]);
    expect(diagnostics[0]!.hint).toContain('list `STRIPE_API_KEY` under the function\'s `secrets:`');
    const text = JSON.stringify(diagnostics);
    expect(text).not.toContain('sk_live_abcdefghijklmnop');
    expect(text).not.toContain('hunter2');
  });

  it('loader keys are extensions; on azure a per-function build is said not to apply, and required externals stay out', async () => {
    const dir = setup(
      [
        'service: shop',
        'target: azure',
        'build:',
        "  external: ['!@azure/functions-core']", //         4
        '  loader: { txt: text }', //                        5
        'functions:',
        '  api:',
        '    handler: src/api.handler',
        '    build: { minify: false }', //                   9
      ].join('\n'),
    );
    const { diagnostics } = await validate(dir);
    expect(shown(diagnostics)).toEqual([
      ['warning', 'build-external-required', 4, 14, 'azure'],
      ['error', 'invalid-loader', 5, 13],
      ['warning', 'build-per-function', 9, 5, 'azure'],
    ]);
    expect(diagnostics[1]!.hint).toBe('Write `.txt`.');
  });

  it('the build loader reaches the config\'s own handler check: a handler importing a .sql file validates', async () => {
    const files = { 'src/api.ts': "import text from './query.sql';\nexport const handler = async () => text;\n", 'src/query.sql': 'select 1' };
    const without = await validate(setup('service: shop\nfunctions:\n  api: { handler: src/api.handler }\n', files));
    expect(without.diagnostics.map((d) => d.code)).toEqual(['handler-build']);
    const withLoader = await validate(setup('service: shop\nfunctions:\n  api: { handler: src/api.handler, build: { loader: { .sql: text } } }\n', files));
    expect(withLoader.diagnostics).toEqual([]);
  });

  it('the example in docs/faas-yaml.md validates and merges as the doc says', async () => {
    const doc = readFileSync(join(packageRoot(), 'docs/faas-yaml.md'), 'utf8');
    const example = /## Bundling: `build:`[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
    const dir = setup(`service: shop\n${example}`, { 'src/report.ts': 'export const handler = async () => 1;\n' });
    const { service, diagnostics } = await validate(dir);
    expect(diagnostics).toEqual([]);
    expect(service!.functions[0]!.build).toEqual({
      external: ['pg-native', 'sharp'],
      minify: false,
      sourcemap: false,
      define: { 'process.env.NODE_ENV': '"production"', DEBUG: 'true' },
      loader: { '.sql': 'text', '.png': 'binary' },
    });
  });
});
