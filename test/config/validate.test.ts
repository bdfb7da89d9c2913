import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, project, runCli, STUBS } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function setup(files: Record<string, string | Buffer>) {
  const p = project(files);
  cleanups.push(p.cleanup);
  return p.dir;
}

type Diag = { lineText?: string; severity: string; code: string; message: string; hint?: string; line?: number; col?: number; target?: string; path?: string };
async function diagnostics(dir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const r = await runCli(['validate', '--json', ...args], dir, env);
  const body = JSON.parse(r.stdout) as { code?: string; ok?: boolean; diagnostics: Diag[]; functions?: Array<{ name: string; handler: { file: string } }> };
  return { code: r.code, body, errors: body.diagnostics.filter((d) => d.severity === 'error'), warnings: body.diagnostics.filter((d) => d.severity === 'warning') };
}

describe('sls-x validate', () => {
  it('accepts the valid fixture, resolves handler files, and reports per-target warnings', async () => {
    const { code, body, warnings } = await diagnostics(join(FIXTURES, 'valid'));
    expect(code).toBe(0);
    expect(body.ok).toBe(true);
    expect(body.functions!.map((f) => f.handler.file)).toEqual(['src/api.ts', 'src/worker.ts', 'src/jobs.mjs', 'src/images.cjs']);
    expect(warnings.map((w) => [w.code, w.target])).toEqual([
      ['single-message-delivery', 'gcp'],
      ['storage-filter-in-function', 'gcp'],
    ]);
    const human = await runCli(['validate'], join(FIXTURES, 'valid'));
    expect(human.code).toBe(0);
    expect(human.stdout).toBe('faas.yaml is valid: service shop, stage dev, 4 functions, 1 queue, 1 bucket; checked for local, aws, gcp (2 warnings).\n');
    expect(human.stderr).toContain('warning [single-message-delivery] (gcp)');
  });

  it('reports every problem at once, each with line, column and a hint', async () => {
    const dir = setup({
      ...STUBS,
      'faas.yaml': [
        'service: shop', //                                          1
        'targets: { aws: { region: eu-west-1 } }', //                2
        'queues: { orders: {} }', //                                 3
        'functions:', //                                             4
        '  api:', //                                                 5
        '    handler: src/api.handlr', //                            6
        '    memroy: 512', //                                        7
        '    events:', //                                            8
        '      - http: GET /orders/{id}', //                         9
        '      - http: GET /orders/{name}', //                      10
        '      - queue: ordrs', //                                  11
        '      - storage: uploads', //                              12
        '      - schedule: cron(0 25 * * *)', //                    13
        '  escape:', //                                             14
        '    handler: ../outside.handler', //                       15
        '  missing:', //                                            16
        '    handler: src/nothere.handler', //                      17
        '    memory: 20000', //                                     18
        '    env: { DB_PASSWORD: hunter2-very-secret, URL: "${env:API_URL}" }', // 19
      ].join('\n'),
    });
    const { code, body, errors } = await diagnostics(dir);
    expect(code).toBe(2);
    expect(body.code).toBe('CONFIG_INVALID');
    expect(errors.map((e) => [e.line, e.col, e.code, e.target])).toEqual([
      [6, 14, 'handler-export-missing', undefined],
      [7, 5, 'unknown-key', undefined],
      [10, 15, 'duplicate-route', undefined],
      [11, 16, 'undeclared-queue', undefined],
      [12, 18, 'undeclared-bucket', undefined],
      [13, 19, 'invalid-schedule', undefined],
      [15, 14, 'handler-outside-project', undefined],
      [17, 14, 'handler-not-found', undefined],
      [18, 13, 'limit-memory', 'aws'],
      [19, 25, 'secret-literal', undefined],
      [19, 52, 'env-not-set', undefined],
    ]);
    const by = (c: string) => errors.find((e) => e.code === c)!;
    expect(by('unknown-key').hint).toBe('Did you mean `memory`?');
    expect(by('handler-export-missing').hint).toBe('Did you mean `src/api.handler`?');
    expect(by('undeclared-queue').hint).toContain('Did you mean `orders`?');
    expect(by('invalid-schedule').message).toContain('hour field `25` has 25, outside 0-23');
    expect(by('duplicate-route').message).toContain('`GET /orders/{id}` of function `api`');
    expect(JSON.stringify(body)).not.toContain('hunter2');
    expect(by('secret-literal').lineText).toContain('DB_PASSWORD: ********');
    const human = await runCli(['validate'], dir);
    expect(human.stderr).toContain('secret-literal');
    expect(human.stderr + human.stdout).not.toContain('hunter2');
  });

  it('refuses a handler that is a symlink to a file outside the project', async () => {
    const outside = setup({ 'evil.ts': 'export const handler = async () => 1;\n' });
    const dir = setup({ 'faas.yaml': 'service: shop\nfunctions:\n  api:\n    handler: src/link.handler\n' });
    symlinkSync(join(outside, 'evil.ts'), join(dir, 'src-link.ts'));
    writeFileSync(join(dir, 'faas.yaml'), 'service: shop\nfunctions:\n  api:\n    handler: src-link.handler\n');
    const { errors } = await diagnostics(dir);
    expect(errors.map((e) => e.code)).toEqual(['handler-outside-project']);
    expect(errors[0]!.message).toContain('symlink');
  });

  it('checks each target the service deploys to and names it', async () => {
    const dir = setup({
      ...STUBS,
      'faas.yaml': `service: shop
target: aws
targets: { azure: { region: westeurope }, gcp: {} }
queues: { orders: {} }
functions:
  worker:
    handler: src/worker.handler
    timeout: 20m
    events:
      - queue: { name: orders, batchSize: 100 }
      - schedule: rate(7 minutes)
      - schedule: { expression: "cron(0 9 1 * MON)", timezone: Europe/Paris }
`,
    });
    const { errors } = await diagnostics(dir);
    expect(errors.map((e) => `${e.target}:${e.code}@${e.line}`)).toEqual([
      'aws:limit-timeout@8',
      'gcp:limit-timeout@8',
      'aws:limit-batch-size@10',
      'azure:limit-batch-size@10',
      'aws:limit-visibility-timeout@4',
      'azure:unsupported-schedule@11',
      'gcp:unsupported-schedule@11',
      'aws:unsupported-schedule@12',
      'azure:unsupported-schedule@12',
    ].sort((a, b) => Number(a.split('@')[1]) - Number(b.split('@')[1])));
    expect(errors.find((e) => e.target === 'aws' && e.code === 'limit-batch-size')!.hint).toContain('batchWindow');
  });

  it('rates with an exact cron pass on targets without rates', async () => {
    const dir = setup({
      ...STUBS,
      'faas.yaml': 'service: shop\ntarget: gcp\ntargets: { azure: {} }\nfunctions:\n  job:\n    handler: src/worker.handler\n    events: [ { schedule: "rate(15 minutes)" }, { schedule: "rate(6 hours)" } ]\n',
    });
    const { code, errors } = await diagnostics(dir);
    expect(errors).toEqual([]);
    expect(code).toBe(0);
  });

  it('interpolates ${env:...}, ${stage} and ${service}, with types for whole plain values', async () => {
    const dir = setup({
      ...STUBS,
      'faas.yaml': 'service: shop\nfunctions:\n  api:\n    handler: src/api.handler\n    memory: ${env:MEM, 1024}\n    env: { NAME: "${service}-${stage}", LEVEL: ${env:LEVEL, info}, LIT: "$${keep}" }\n',
    });
    const { code, body } = await diagnostics(dir, ['--stage', 'prod'], { LEVEL: 'debug' });
    expect(code).toBe(0);
    const fn = body.functions![0] as unknown as { memory: number; env: Record<string, string> };
    expect(fn.memory).toBe(1024);
    expect(fn.env).toEqual({ NAME: 'shop-prod', LEVEL: 'debug', LIT: '${keep}' });
  });

  it('finds .faasrc.json and package.json#faas, with positions inside them', async () => {
    const rc = setup({ ...STUBS, '.faasrc.json': '{\n  "service": "shop",\n  "functions": { "api": { "handler": "src/api.handler", "memroy": 1 } }\n}\n' });
    const a = await diagnostics(rc);
    expect(a.errors.map((e) => [e.code, e.line, e.col])).toEqual([['unknown-key', 3, 57]]);
    const pkg = setup({ ...STUBS, 'package.json': '{\n  "name": "x",\n  "faas": {\n    "service": "Shop",\n    "functions": { "api": { "handler": "src/api.handler" } }\n  }\n}\n' });
    const b = await diagnostics(pkg);
    expect(b.errors.map((e) => [e.code, e.line, e.col])).toEqual([['invalid-name', 4, 16]]);
  });
});

describe('discovery', () => {
  it('finds .faasrc (no extension) and faas.yml, and -c paths show as typed', async () => {
    const rc = setup({ ...STUBS, '.faasrc': 'service: shop\nfunctions: { api: { handler: src/api.handlr } }\n' });
    expect((await diagnostics(rc)).errors.map((e) => e.code)).toEqual(['handler-export-missing']);
    const yml = setup({ ...STUBS, 'faas.yml': 'service: shop\nruntime: node20\nfunctions: { api: { handler: src/api.handler } }\n' });
    expect((await diagnostics(yml)).code).toBe(0);
    const nested = setup({ ...STUBS, 'conf/faas.yaml': 'service: shop\nfunctions: { api: { handler: src/api.handler, memroy: 1 } }\n', 'conf/src/api.ts': STUBS['src/api.ts'] });
    const { errors } = await diagnostics(nested, ['-c', 'conf/faas.yaml']);
    expect(errors.map((e) => `${(e as { file?: string }).file}:${e.line}:${e.col}`)).toEqual(['conf/faas.yaml:2:47']);
  });

  it('searches parent folders up to the project root', async () => {
    const dir = setup({ ...STUBS, 'faas.yaml': 'service: shop\nruntime: node20\nfunctions: { api: { handler: src/api.handler } }\n', 'sub/deeper/.keep': '' });
    const r = await runCli(['validate'], join(dir, 'sub/deeper'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\.\.\/\.\.\/faas\.yaml is valid|faas\.yaml is valid/);
  });
});

describe('rendered diagnostics', () => {
  it('an unknown key and a missing handler file', async () => {
    const dir = setup({ 'faas.yaml': 'service: shop\nruntime: node20\nfunctions:\n  api:\n    handler: src/api.handler\n    timeot: 10s\n' });
    const r = await runCli(['validate'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatchInlineSnapshot(`
      "faas.yaml:5:14: error [handler-not-found] Handler file \`src/api\` was not found (tried .ts, .mts, .tsx, .js, .mjs, .cjs).
        5 |     handler: src/api.handler
          |              ^
        hint: Create src/api.ts exporting \`handler\`, or fix the path (relative to the folder of the config file).

      faas.yaml:6:5: error [unknown-key] Unknown key \`timeot\` in \`functions.api\`.
        6 |     timeot: 10s
          |     ^
        hint: Did you mean \`timeout\`?

      error CONFIG_INVALID: faas.yaml has 2 errors.
        hint: Fix each problem at the position shown, then run \`sls-x validate\` again.
      "
    `);
  });

  it('a target limit', async () => {
    const dir = setup({ ...STUBS, 'faas.yaml': 'service: shop\nruntime: node20\ntarget: azure\nfunctions:\n  api:\n    handler: src/api.handler\n    memory: 8GB\n' });
    const r = await runCli(['validate'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatchInlineSnapshot(`
      "faas.yaml:7:13: error [limit-memory] (azure) Function \`api\` memory 8192 MB is outside Azure Functions (Flex Consumption)'s 512-4096 MB.
        7 |     memory: 8GB
          |             ^
        hint: Set \`memory\` between 512 and 4096.

      error CONFIG_INVALID: faas.yaml has 1 error.
        hint: Fix each problem at the position shown, then run \`sls-x validate\` again.
      "
    `);
  });

  it('an unset environment variable', async () => {
    const dir = setup({ ...STUBS, 'faas.yaml': 'service: shop\nruntime: node20\nfunctions:\n  api:\n    handler: src/api.handler\n    env:\n      URL: https://${env:API_HOST}/v1\n' });
    const r = await runCli(['validate'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatchInlineSnapshot(`
      "faas.yaml:7:20: error [env-not-set] Environment variable API_HOST is not set (used as \`\${env:API_HOST}\`).
        7 |       URL: https://\${env:API_HOST}/v1
          |                    ^
        hint: Set it before running sls-x, in \`.env\` or \`.env.dev\` beside the config, or give a default: \`\${env:API_HOST, value}\`.

      error CONFIG_INVALID: faas.yaml has 1 error.
        hint: Fix each problem at the position shown, then run \`sls-x validate\` again.
      "
    `);
  });
});
