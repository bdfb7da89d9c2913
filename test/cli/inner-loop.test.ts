import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject } from '../local/helpers.js';
import { runCli, type CliRun } from '../support/cli.js';
import { completionScript } from '../../src/cli/completion.js';
import { commands } from '../../src/cli/commands/index.js';
import { lineFilter } from '../../src/cli/commands/logs.js';

const YAML = `
service: loop
runtime: node20
targets:
  local: { port: 0, idleTimeout: 10m }
queues:
  jobs: { maxRetries: 2, deadLetter: true }
buckets:
  files: {}
tables:
  notes: { key: slug }
functions:
  api:
    handler: src/api.handler
    tables: [ notes ]
    events:
      - http: POST /echo
  nightly:
    handler: src/api.nightly
    events:
      - schedule: cron(0 3 * * *)
  worker:
    handler: src/api.worker
    events:
      - queue: { name: jobs }
`;

const CODE = `
export const handler = async (req, ctx) => { ctx.log.info('echo', { size: (req.body ?? '').length }); ctx.log.warn('slow path taken'); return { got: req.json() }; };
export const nightly = async () => {};
export const worker = async () => {};
`;

describe('the inner loop on the local target: info, invoke from stdin, logs --filter', () => {
  const project = tempProject({ 'faas.yaml': YAML, 'src/api.mjs': CODE });
  const cli = (argv: string[], stdin?: string): Promise<CliRun> => runCli(argv, project.root, { env: { ...process.env, CI: '1' }, stdin });
  afterAll(() => project.cleanup());

  it('info before deploying lists the config and says nothing is deployed', async () => {
    const out = await cli(['info']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('service loop · stage dev · target local · not deployed');
    expect(out.stdout).toContain('Nothing is deployed for this stage yet: run `sls-x deploy`');
    expect(out.stdout).toMatch(/queues:\n {2}jobs {2}\(dead-letter after 2 retries\)/);
  });

  describe('after deploy', () => {
    beforeAll(async () => {
      const out = await cli(['deploy']);
      expect(out.code, out.stderr).toBe(0);
    }, 60_000);

    it('info prints endpoints, functions, queues, buckets and schedules; --json has the same', async () => {
      const out = await cli(['info']);
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/target local · deployed \(\d+ resources\)/);
      expect(out.stdout).toMatch(/endpoints:\n {2}POST {3}http:\/\/127\.0\.0\.1:\d+\/echo {2}\(api\)/);
      expect(out.stdout).toMatch(/functions:\n {2}api .*src\/api\.mjs#handler .*← http POST \/echo/);
      expect(out.stdout).toMatch(/buckets:\n {2}files/);
      expect(out.stdout).toMatch(/tables:\n {2}notes {2}\(key slug\) {2}← api/);
      expect(out.stdout).toMatch(/schedules:\n {2}nightly {2}cron\(0 3 \* \* \*\)/);
      const json = JSON.parse((await cli(['info', '--json'])).stdout);
      expect(json).toMatchObject({ service: 'loop', stage: 'dev', target: 'local', deployed: true });
      expect(json.resources).toBeGreaterThan(0);
      expect(json.endpoints).toEqual([{ method: 'POST', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/echo$/), function: 'api' }]);
      expect(json.functions.map((f: { name: string }) => f.name)).toEqual(['api', 'nightly', 'worker']);
      expect(json.queues).toEqual([{ name: 'jobs', deadLetter: true, maxRetries: 2 }]);
      expect(json.tables).toEqual([{ name: 'notes', key: 'slug', usedBy: ['api'] }]);
      expect(json.schedules).toEqual([{ function: 'nightly', expression: 'cron(0 3 * * *)', timezone: 'UTC', enabled: true }]);
    });

    it('invoke --data - reads the payload from standard input; an empty one is a usage error', async () => {
      const out = await cli(['invoke', 'api', '--data', '-', '--json'], JSON.stringify({ method: 'POST', path: '/echo', body: '{"n":7}' }));
      expect(out.code, out.stderr).toBe(0);
      const { result } = JSON.parse(out.stdout);
      expect(JSON.parse(result.body)).toEqual({ got: { n: 7 } });
      const viaFile = await cli(['invoke', 'api', '--file', '-', '--json'], JSON.stringify({ method: 'POST', path: '/echo', body: '{"n":8}' }));
      expect(JSON.parse(JSON.parse(viaFile.stdout).result.body)).toEqual({ got: { n: 8 } });
      const empty = await cli(['invoke', 'api', '--data', '-'], '  \n');
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain('Standard input was empty');
      const bad = await cli(['invoke', 'api', '--data', '-'], '{nope');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('standard input is not valid JSON');
    });

    it('logs --filter keeps only matching lines, as text or /regex/', async () => {
      const all = (await cli(['logs', 'api', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(all.some((l) => l.message === 'echo') && all.some((l) => l.message === 'slow path taken')).toBe(true);
      const slow = (await cli(['logs', 'api', '--json', '--filter', 'slow'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(slow.length).toBeGreaterThan(0);
      expect(slow.every((l) => l.message === 'slow path taken')).toBe(true);
      const byData = (await cli(['logs', 'api', '--json', '--filter', '/"size":\\d+/'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(byData.length).toBeGreaterThan(0);
      expect(byData.every((l) => l.message === 'echo')).toBe(true);
      const none = await cli(['logs', 'api', '--filter', 'no such text']);
      expect(none.code).toBe(0);
      expect(none.stderr).toContain('No logs for api matching no such text.');
      const badRe = await cli(['logs', 'api', '--filter', '/(/']);
      expect(badRe.code).toBe(2);
      expect(badRe.stderr).toContain('not a valid regular expression');
    });
  });
});

describe('logs --filter (pure)', () => {
  it('matches the message or the data, as text or as /regex/flags', () => {
    const line = { time: 0, function: 'api', level: 'info' as const, message: 'Order placed', data: { id: 42 } };
    expect(lineFilter('placed')(line)).toBe(true);
    expect(lineFilter('PLACED')(line)).toBe(false);
    expect(lineFilter('/placed/i')(line)).toBe(true);
    expect(lineFilter('"id":42')(line)).toBe(true);
    expect(lineFilter('"id":43')(line)).toBe(false);
    expect(lineFilter(undefined)(line)).toBe(true);
  });
});

describe('sls-x completion', () => {
  const complete = (script: string, words: string[]): string[] => {
    const cword = words.length - 1;
    const program = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${cword}; _sls_x; printf '%s\\n' "\${COMPREPLY[@]}"`;
    return execFileSync('bash', ['-c', program], { encoding: 'utf8' }).split('\n').filter(Boolean);
  };

  it('bash: completes commands, subcommands, flags and target names in a real bash', () => {
    const script = completionScript('bash', commands);
    expect(complete(script, ['sls-x', 'de'])).toEqual(['deploy', 'dev']);
    expect(complete(script, ['sls-x', 'queue', ''])).toEqual(['send', 'dlq', '--help']);
    expect(complete(script, ['sls-x', 'logs', '--f'])).toEqual(['--follow', '--filter']);
    expect(complete(script, ['sls-x', 'deploy', '--target', 'a'])).toEqual(['aws', 'azure']);
    expect(complete(script, ['sls-x', 'init', '--template', 'x', '--t'])).toEqual(['--template']);
    expect(complete(script, ['sls-x', 'completion', ''])).toEqual(['bash', 'zsh', 'fish', '--help']);
  });

  it('every command in the definitions is offered at the top level', () => {
    const script = completionScript('bash', commands);
    expect(complete(script, ['sls-x', '']).sort()).toEqual([...commands.map((c) => c.name), '--help', '--version'].sort());
  });

  it('zsh and fish scripts come from the same definitions; an unknown shell is a usage error', async () => {
    expect(completionScript('zsh', commands)).toContain('bashcompinit');
    const fish = completionScript('fish', commands);
    expect(fish).toContain("complete -c sls-x -n '__fish_use_subcommand' -a 'deploy'");
    expect(fish).toContain("complete -c sls-x -n '__fish_seen_subcommand_from logs' -l filter");
    const out = await runCli(['completion', 'tcsh'], process.cwd());
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("Unknown shell 'tcsh'");
    const ok = await runCli(['completion', 'bash'], process.cwd());
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('complete -F _sls_x sls-x');
  });
});
