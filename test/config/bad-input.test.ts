import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { project, runCli, STUBS } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup(files: Record<string, string | Buffer>) {
  const p = project(files);
  cleanups.push(p.cleanup);
  return p.dir;
}

/** Run validate with --json and parse the error body; also check the human run prints no stack. */
async function failing(dir: string, extra: string[] = []) {
  const before = readdirSync(dir, { recursive: true }).sort();
  const human = await runCli(['validate', ...extra], dir);
  const json = await runCli(['validate', '--json', ...extra], dir);
  expect(human.code).toBe(2);
  expect(json.code).toBe(2);
  expect(human.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
  expect(readdirSync(dir, { recursive: true }).sort()).toEqual(before); // nothing written
  return { human, body: JSON.parse(json.stdout) as { code: string; message: string; hint?: string; diagnostics: Array<Record<string, unknown>> } };
}

describe('bad input: clear message, exit 2, no stack, nothing written', () => {
  it('malformed YAML gives CONFIG_UNREADABLE with the position of the error', async () => {
    const dir = setup({ 'faas.yaml': 'service: shop\nfunctions:\n  api:\n    handler: [src/api.handler\n  other: 1\n', ...STUBS });
    const { body, human } = await failing(dir);
    expect(body.code).toBe('CONFIG_UNREADABLE');
    // the parser notices the unclosed `[` where the next key starts
    expect(body.diagnostics[0]).toMatchObject({ code: 'yaml-syntax', file: 'faas.yaml', line: 5, col: 3 });
    expect(body.diagnostics[0]!.message).toContain('end with a ]');
    expect(human.stderr).toContain('faas.yaml:5:3: error [yaml-syntax]');
  });

  it('a duplicate key is a syntax error, not a silent override', async () => {
    const dir = setup({ 'faas.yaml': 'service: shop\nservice: other\nfunctions: {}\n' });
    const { body } = await failing(dir);
    expect(body.diagnostics[0]).toMatchObject({ code: 'yaml-syntax', line: 2, col: 1 });
    expect(body.diagnostics[0]!.message).toContain('unique');
  });

  it('wrong types are each reported at their value', async () => {
    const dir = setup({ 'faas.yaml': 'service: shop\nfunctions:\n  api:\n    handler: src/api.handler\n    memory: lots\n    events: yes\n', ...STUBS });
    const { body } = await failing(dir);
    expect(body.code).toBe('CONFIG_INVALID');
    const errors = body.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.line, d.col])).toEqual([
      ['invalid-value', 5, 13],
      ['wrong-type', 6, 13],
    ]);
    expect(errors[0]!.message).toBe('`functions.api.memory`: expected a size like `512`, `512MB` or `2GB` (a bare number is MB), got "lots".');
    expect(errors[1]!.message).toContain('must be a list');
  });

  it('an empty file', async () => {
    const dir = setup({ 'faas.yaml': '\n\n' });
    const { body } = await failing(dir);
    expect(body.code).toBe('CONFIG_INVALID');
    expect(body.diagnostics[0]).toMatchObject({ code: 'empty-config', line: 1, col: 1 });
    expect(body.diagnostics[0]!.hint).toContain('service:');
  });

  it('a file of comments only, and a file that is a list', async () => {
    expect((await failing(setup({ 'faas.yaml': '# nothing yet\n' }))).body.diagnostics[0]!.code).toBe('empty-config');
    expect((await failing(setup({ 'faas.yaml': '- a\n- b\n' }))).body.diagnostics[0]!.code).toBe('not-a-mapping');
  });

  it('a 10 MB file is refused before parsing', async () => {
    const dir = setup({ 'faas.yaml': `service: shop\n# ${'x'.repeat(10 * 1024 * 1024)}\n` });
    const { body } = await failing(dir);
    expect(body.code).toBe('CONFIG_UNREADABLE');
    expect(body.message).toMatch(/10\.0 MB.*over 1 MB/);
  });

  it('binary junk (NUL bytes) and invalid UTF-8', async () => {
    const nul = await failing(setup({ 'faas.yaml': Buffer.from([0x73, 0x65, 0x00, 0x01, 0x02, 0xff]) }));
    expect(nul.body).toMatchObject({ code: 'CONFIG_UNREADABLE' });
    expect(nul.body.message).toContain('binary');
    const latin1 = await failing(setup({ 'faas.yaml': Buffer.from('service: caf\xe9\n', 'latin1') }));
    expect(latin1.body.code).toBe('CONFIG_UNREADABLE');
    expect(latin1.body.message).toContain('not valid UTF-8');
  });

  it('a missing file given with -c', async () => {
    const dir = setup({});
    const { body } = await failing(dir, ['-c', 'nope.yaml']);
    expect(body.code).toBe('CONFIG_NOT_FOUND');
    expect(body.message).toBe('Config file nope.yaml does not exist.');
  });

  it('a folder given as the config', async () => {
    const dir = setup({ 'conf/faas.yaml': 'service: x\n' });
    const { body } = await failing(dir, ['-c', 'conf']);
    expect(body.code).toBe('CONFIG_UNREADABLE');
    expect(body.message).toBe('conf is a folder, not a config file.');
    expect(body.hint).toContain('-c conf/faas.yaml');
  });

  it('no config anywhere', async () => {
    const dir = setup({ 'package.json': '{"name":"x"}' });
    const { body } = await failing(dir);
    expect(body.code).toBe('CONFIG_NOT_FOUND');
    expect(body.hint).toContain('sls-x init');
  });

  it('an unknown --target is a usage error', async () => {
    const dir = setup({ 'faas.yaml': 'service: shop\nfunctions: { api: { handler: src/api.handler } }\n', ...STUBS });
    const { body } = await failing(dir, ['--target', 'azur']);
    expect(body.code).toBe('USAGE');
  });

  it('YAML alias bombs are refused', async () => {
    const lines = ['service: shop', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const { body } = await failing(setup({ 'faas.yaml': `${lines.join('\n')}\nfunctions: {}\n` }));
    expect(['yaml-aliases', 'yaml-syntax']).toContain(body.diagnostics[0]!.code);
  });
});
