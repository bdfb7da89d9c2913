import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-service.js';
import { parseDotenv } from '../../src/config/dotenv.js';
import { project, runCli, STUBS } from './helpers.js';

const made: Array<() => void> = [];
afterAll(() => made.forEach((c) => c()));
const setup = (files: Record<string, string>): string => {
  const p = project({ ...STUBS, ...files });
  made.push(p.cleanup);
  return p.dir;
};
const load = async (dir: string, stage?: string, env: NodeJS.ProcessEnv = {}) => {
  const r = await validateConfig({ cwd: dir, env, ...(stage ? { stage } : {}) });
  return { fn: r.service?.functions[0], service: r.service, errors: r.diagnostics.filter((d) => d.severity === 'error') };
};

const PARAMS = `service: shop
params:
  default: { dbHost: localhost, replicas: 256 }
  prod: { dbHost: db.internal, replicas: 1024 }
custom:
  timeouts: { api: 20 }
functions:
  api:
    handler: src/api.handler
    timeout: \${self:custom.timeouts.api}
    memory: \${param:replicas}
    env:
      DB: "\${param:dbHost}"
      URL: "https://\${param:dbHost}:\${self:custom.timeouts.api}/\${stage}"
`;

describe('params, ${self:...} and .env files (issue 11.2)', () => {
  it('${param:NAME} takes the stage value, else the default; whole plain values keep their type', async () => {
    const dir = setup({ 'faas.yaml': PARAMS });
    const dev = await load(dir, 'dev');
    expect(dev.errors).toEqual([]);
    expect(dev.fn!.env).toEqual({ DB: 'localhost', URL: 'https://localhost:20/dev' });
    expect(dev.fn!.memory).toBe(256);
    expect(dev.fn!.timeoutMs).toBe(20_000);
    const prod = await load(dir, 'prod');
    expect(prod.fn!.env).toEqual({ DB: 'db.internal', URL: 'https://db.internal:20/prod' });
    expect(prod.fn!.memory).toBe(1024);
  });

  it('a param with no value for the stage is an error at its line:col, with the fix', async () => {
    const dir = setup({ 'faas.yaml': 'service: shop\nparams:\n  prod: { key: x }\nfunctions:\n  api:\n    handler: src/api.handler\n    env: { K: "${param:key}", D: "${param:other, fallback}" }\n' });
    const { errors, fn } = await load(dir, 'dev');
    expect(errors.map((e) => [e.code, e.line, e.col])).toEqual([['param-not-set', 7, 16]]);
    expect(errors[0]!.message).toContain('Param `key` has no value for stage `dev`');
    expect(errors[0]!.hint).toContain('params: { dev: { key: ... } }');
    expect((await load(dir, 'prod')).fn!.env).toEqual({ K: 'x', D: 'fallback' });
    expect(fn).toBeDefined();
  });

  it('${self:...} follows references in the target, and refuses missing paths, mappings and cycles', async () => {
    const dir = setup({
      'faas.yaml': [
        'service: shop',
        'custom:',
        '  a: "${self:custom.b}"',
        '  b: "${env:B, from-b}"',
        '  loop1: "${self:custom.loop2}"',
        '  loop2: "${self:custom.loop1}"',
        'functions:',
        '  api:',
        '    handler: src/api.handler',
        '    env: { A: "${self:custom.a}", M: "${self:custom.nope}", N: "${self:custom}", L: "${self:custom.loop1}" }',
        '',
      ].join('\n'),
    });
    const { errors } = await load(dir, 'dev');
    const messages = errors.map((e) => e.message);
    expect(messages.some((m) => m.includes('`custom.nope` does not exist in this file'))).toBe(true);
    expect(messages.some((m) => m.includes('`custom` is a mapping or list, not a single value'))).toBe(true);
    expect(messages.some((m) => m.includes('refers back to itself'))).toBe(true);
    const ok = setup({ 'faas.yaml': 'service: shop\ncustom:\n  a: "${self:custom.b}"\n  b: "${env:B, from-b}"\nfunctions:\n  api:\n    handler: src/api.handler\n    env: { A: "${self:custom.a}", LIT: "$${self:custom.a}" }\n' });
    const good = await load(ok, 'dev', { B: 'set' });
    expect(good.errors).toEqual([]);
    expect(good.fn!.env).toEqual({ A: 'set', LIT: '${self:custom.a}' });
  });

  it('.env and .env.<stage> feed ${env:...}; the process environment wins; the stage file only for its stage', async () => {
    const dir = setup({
      'faas.yaml': 'service: shop\nfunctions:\n  api:\n    handler: src/api.handler\n    env: { HOST: "${env:API_HOST}", LEVEL: "${env:LEVEL, info}", ONLY: "${env:ONLY_PROD, none}" }\n',
      '.env': '# shared\nAPI_HOST=dev.example.com\nLEVEL=debug\n',
      '.env.prod': 'API_HOST="prod.example.com"\nONLY_PROD=yes # a comment\n',
    });
    expect((await load(dir, 'dev')).fn!.env).toEqual({ HOST: 'dev.example.com', LEVEL: 'debug', ONLY: 'none' });
    expect((await load(dir, 'prod')).fn!.env).toEqual({ HOST: 'prod.example.com', LEVEL: 'debug', ONLY: 'yes' });
    expect((await load(dir, 'prod', { API_HOST: 'shell.example.com' })).fn!.env.HOST).toBe('shell.example.com');
    const missing = setup({ 'faas.yaml': 'service: shop\nfunctions:\n  api:\n    handler: src/api.handler\n    env: { HOST: "${env:API_HOST}" }\n' });
    const { errors } = await load(missing, 'qa');
    expect(errors[0]!.hint).toContain('in `.env` or `.env.qa` beside the config');
  });

  it('a secret-looking value from .env is never printed by validate', async () => {
    const dir = setup({
      'faas.yaml': 'service: shop\nfunctions:\n  api:\n    handler: src/api.handler\n    env: { DB_PASSWORD: "${env:DB_PASSWORD}" }\n',
      '.env': 'DB_PASSWORD=hunter2-very-secret\n',
    });
    const out = await runCli(['validate'], dir);
    expect(out.stdout + out.stderr).not.toContain('hunter2-very-secret');
    const json = await runCli(['validate', '--json'], dir);
    expect(json.stdout + json.stderr).not.toContain('hunter2-very-secret');
  });

  it('an env name like constructor is not read from the prototype', async () => {
    const dir = setup({ 'faas.yaml': 'service: shop\nfunctions:\n  api:\n    handler: src/api.handler\n    env: { C: "${env:constructor, none}" }\n' });
    expect((await load(dir, 'dev')).fn!.env).toEqual({ C: 'none' });
  });

  it('parses .env text: export, quotes, escapes, comments', () => {
    const env = parseDotenv('export A=1\nB="x\\ny" # c\nC=\'lit\\n\'\nD=plain # comment\n# E=no\nnot a line\n__proto__=p\n');
    expect(Object.entries(env)).toEqual([['A', '1'], ['B', 'x\ny'], ['C', 'lit\\n'], ['D', 'plain'], ['__proto__', 'p']]);
    expect(Object.getPrototypeOf(env)).toBe(null);
  });
});
