import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-service.js';
import { formatDiagnostic, FRAME_WIDTH } from '../../src/ui/format-diagnostic.js';
import { project, runCli, STUBS } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function setup(files: Record<string, string>) {
  const p = project(files);
  cleanups.push(p.cleanup);
  return p.dir;
}

type Diag = { severity: string; code: string; message: string; hint?: string; line?: number; col?: number };

describe('validate: every diagnostic says how to fix it, and no knock-on noise', () => {
  it('wrong types, bad values and bounds each come with a hint; invalid parts are not reported twice', async () => {
    const dir = setup({
      ...STUBS,
      'faas.yaml': [
        'service: 42', //                                              1
        'runtime: node20', //                                          2
        'defaults: { memory: [1], architecture: arm }', //             3
        'functions:', //                                               4
        '  api:', //                                                   5
        '    handler: 7', //                                           6
        '    concurrency: { max: -1, warm: "x" }', //                  7
        '    events:', //                                              8
        '      - http: 5', //                                          9
        '      - storage: { bucket: b, on: made }', //                10
        '      - foo: bar', //                                        11
        'queues: [a]', //                                             12
        'buckets: { b: {} }', //                                      13
      ].join('\n'),
    });
    const r = await runCli(['validate', '--json'], dir);
    expect(r.code).toBe(2);
    const diags = (JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics;
    expect(diags.map((d) => [d.line, d.col, d.code])).toEqual([
      [1, 10, 'wrong-type'],
      [3, 21, 'wrong-type'],
      [3, 40, 'invalid-value'],
      [6, 14, 'wrong-type'],
      [7, 25, 'invalid-value'],
      [7, 35, 'wrong-type'],
      [9, 15, 'wrong-type'],
      [10, 35, 'invalid-value'],
      [11, 9, 'unknown-key'],
      [12, 9, 'wrong-type'],
    ]);
    // no "the service has no functions" for a function whose body is invalid, no "empty event"
    // for an event whose only key was invalid
    for (const d of diags) expect(d.hint, `${d.code} at ${d.line}:${d.col} has a hint`).toBeTruthy();
    const at = (line: number, col: number) => diags.find((d) => d.line === line && d.col === col)!;
    expect(at(1, 10).hint).toContain('quote it');
    expect(at(7, 25).hint).toBe('Use a value of at least 1.');
    expect(at(10, 35).message).toBe('`functions.api.events[1].storage.on` must be one of `created`, `deleted`, got "made".');
    expect(at(12, 9).message).toBe('`queues` must be a mapping (`name: value` lines), got a list.');
    expect(at(12, 9).hint).toContain('queues: { name: value }');
  });

  it('a handler that does not build: at its `handler:` line, naming the source file:line:col to fix', async () => {
    const dir = setup({
      'src/api.ts': 'export const handler = async () => {\n  const x = ;\n};\n',
      'src/worker.ts': "import { nope } from './missing.js';\nexport const handler = async () => nope;\n",
      'faas.yaml': 'service: shop\nruntime: node20\nfunctions:\n  api:\n    handler: src/api.handler\n  worker:\n    handler: src/worker.handler\n',
    });
    const r = await runCli(['validate', '--json'], dir);
    expect(r.code).toBe(2);
    const diags = (JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics;
    expect(diags.map((d) => [d.line, d.col, d.code])).toEqual([
      [5, 14, 'handler-build'],
      [7, 14, 'handler-build'],
    ]);
    expect(diags[0]!.message).toContain('(src/api.ts:2:13)');
    expect(diags[0]!.hint).toBe('Fix the code at src/api.ts:2:13.');
    expect(diags[1]!.message).toContain('Could not resolve "./missing.js" (src/worker.ts:1:22)');
  });

  it('an event that really is empty is still reported', async () => {
    const dir = setup({ ...STUBS, 'faas.yaml': 'service: shop\nruntime: node20\nfunctions:\n  api:\n    handler: src/api.handler\n    events:\n      - {}\n' });
    const r = await runCli(['validate', '--json'], dir);
    const diags = (JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics;
    expect(diags.map((d) => [d.line, d.code])).toEqual([[7, 'invalid-event']]);
  });
});

describe('local-runtime: one warning per service, about the machine', () => {
  const fns = [
    'service: shop',
    'runtime: node22',
    'functions:',
    '  a: { handler: src/api.handler }',
    '  b: { handler: src/api.handler }',
    '  c: { handler: src/api.handler }',
  ];
  const local = async (dir: string, hostNode: string) =>
    (await validateConfig({ cwd: dir, env: {}, hostNode })).diagnostics.filter((d) => d.code === 'local-runtime');

  it('a shared runtime: one warning at `runtime:`, however many functions', async () => {
    const dir = setup({ ...STUBS, 'faas.yaml': fns.join('\n') });
    const warnings = await local(dir, '20.20.2');
    expect(warnings.map((w) => [w.line, w.col, w.target])).toEqual([[2, 10, 'local']]);
    expect(warnings[0]!.message).toBe("The local target runs functions on this machine's Node.js 20.20.2, older than node22.");
    expect(warnings[0]!.hint).toBe('Install Node.js 22 to test locally on the runtime you deploy, or set `runtime: node20`.');
    expect(await local(dir, '22.1.0')).toEqual([]);
  });

  it('runtimes set in several places: still one warning, at the newest, naming the functions', async () => {
    const dir = setup({ ...STUBS, 'faas.yaml': [...fns.slice(0, 4), '  b: { handler: src/api.handler, runtime: node24 }', '  c: { handler: src/api.handler, runtime: node20 }'].join('\n') });
    const warnings = await local(dir, '20.20.2');
    expect(warnings.map((w) => [w.line, w.col])).toEqual([[5, 43]]);
    expect(warnings[0]!.message).toContain('older than node22 and node24 (functions `a`, `b`)');
    expect(warnings[0]!.hint).toContain('Install Node.js 24');
  });

  it('the built-in default runtime: one warning at the top of the file', async () => {
    const dir = setup({ ...STUBS, 'faas.yaml': fns.filter((l) => !l.startsWith('runtime')).join('\n') });
    const warnings = await local(dir, '20.20.2');
    expect(warnings.map((w) => [w.line, w.col])).toEqual([[1, 1]]);
    expect(warnings[0]!.message).toContain('(the default runtime)');
  });
});

describe('names the clouds would reject', () => {
  it('each physical name is checked per target at the key that makes it, with the target named', async () => {
    const long = 'f'.repeat(50); // shop-dev- + 50 + 18 = 77 characters: over AWS's 64 and GCP's 63
    const dir = setup({
      ...STUBS,
      'faas.yaml': [
        'service: shop', //                                              1
        'runtime: node20', //                                            2
        'targets: { aws: {}, gcp: {}, azure: {} }', //                   3
        'functions:', //                                                 4
        `  ${long}x_too_long_for_aws: { handler: src/api.handler }`, //  5
        '  ok: { handler: src/api.handler }', //                         6
        'buckets:', //                                                   7
        `  ${'b'.repeat(60)}: {}`, //                                    8
        'queues:', //                                                    9
        '  Bad_Queue: {}', //                                           10
      ].join('\n'),
    });
    const r = await runCli(['validate', '--json'], dir);
    expect(r.code).toBe(2);
    const errors = (JSON.parse(r.stdout) as { diagnostics: Array<Diag & { target?: string }> }).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((e) => [e.line, e.col, e.code, e.target])).toEqual([
      [5, 3, 'limit-name', 'aws'],
      [5, 3, 'limit-name', 'gcp'],
      [8, 3, 'limit-name', 'aws'],
      [8, 3, 'limit-name', 'gcp'],
      [10, 3, 'invalid-name', undefined],
    ]);
    expect(errors[0]!.message).toBe(`Lambda function name \`shop-dev-${long}x_too_long_for_aws\` is ${9 + long.length + 18} characters; AWS Lambda allows at most 64.`);
    for (const e of errors) expect(e.hint).toBeTruthy();
  });
});

describe('azure function names as the Functions host registers them', () => {
  it('a function with several triggers is checked by its longest registration name (`<fn>-<kind>-<n>`), one trigger by its own', async () => {
    const name = `f${'x'.repeat(119)}`; // 120 characters: fits alone (127), not as `-schedule-1` (131)
    const dir = setup({
      ...STUBS,
      'faas.yaml': [
        'service: shop', //                                                  1
        'runtime: node20', //                                                2
        'target: azure', //                                                  3
        'functions:', //                                                     4
        `  ${name}:`, //                                                     5
        '    handler: src/api.handler', //                                   6
        '    events: [{ http: GET /a }, { schedule: rate(1 hour) }]', //     7
        `  ${name.replace('f', 'g')}:`, //                                   8
        '    handler: src/api.handler', //                                   9
        '    events: [{ http: GET /b }]', //                                10
      ].join('\n'),
    });
    const r = await runCli(['validate', '--json'], dir);
    const errors = (JSON.parse(r.stdout) as { diagnostics: Array<Diag & { target?: string }> }).diagnostics.filter((d) => d.code === 'limit-name');
    expect(errors.map((e) => [e.line, e.col, e.target])).toEqual([[5, 3, 'azure']]);
    expect(errors[0]!.message).toBe(`function name \`${name}-schedule-1\` is 131 characters; Azure Functions (Flex Consumption) allows at most 127.`);
    expect(r.code).toBe(2);
  });
});

describe('per-target limit errors each say how to fix them', () => {
  it('retries, /tmp size and memory out of range', async () => {
    const dir = setup({
      ...STUBS,
      'faas.yaml': 'service: shop\nruntime: node20\ntarget: aws\ntargets: { gcp: {} }\nqueues: { jobs: { maxRetries: 5000 } }\nfunctions:\n  api:\n    handler: src/api.handler\n    ephemeralStorage: 20000\n',
    });
    const r = await runCli(['validate', '--json'], dir);
    expect(r.code).toBe(2);
    const errors = (JSON.parse(r.stdout) as { diagnostics: Array<Diag & { target?: string }> }).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((e) => [e.code, e.target, e.line])).toEqual([
      ['limit-retries', 'aws', 5],
      ['limit-retries', 'gcp', 5],
      ['limit-ephemeral-storage', 'aws', 9],
    ]);
    expect(errors[0]!.hint).toBe('Set `maxRetries` to 999 or less.');
    expect(errors[2]!.hint).toBe('Set `ephemeralStorage` between 512 and 10240.');
  });
});

describe('code frames of long lines, and documents nested too deeply', () => {
  it('a long line is cut to a window around the column, the caret still under the character', () => {
    const line = `${'x'.repeat(500)}HERE${'y'.repeat(500)}`;
    const text = formatDiagnostic({ severity: 'error', code: 'c', message: 'm', file: 'f.json', line: 1, col: 501, lineText: line });
    const [, frame, caret] = text.split('\n');
    expect(frame!.length).toBeLessThan(FRAME_WIDTH + 10);
    expect(frame).toMatch(/^ {2}1 \| …x+HEREy+…$/);
    expect(frame![caret!.indexOf('^')]).toBe('H');
    // short lines are shown whole
    expect(formatDiagnostic({ severity: 'error', code: 'c', message: 'm', file: 'f', line: 2, col: 3, lineText: 'ab: c' }).split('\n')[1]).toBe('  2 | ab: c');
  });

  it('a document nested hundreds of levels deep: exit 2, a plain message, no flood', async () => {
    const dir = setup({ 'faas.yaml': `service: shop\nfunctions: ${'['.repeat(5000)}${']'.repeat(5000)}\n` });
    const r = await runCli(['validate'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error [yaml-syntax] The document is nested too deeply to read.');
    expect(r.stderr).toContain('error CONFIG_UNREADABLE');
    expect(Math.max(...r.stderr.split('\n').map((l) => l.length))).toBeLessThan(200);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
