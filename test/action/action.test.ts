import * as fsSync from 'node:fs';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { actionArgv, readInputs } from '../../src/action/inputs.js';
import { runAction } from '../../src/action/run.js';
import { project, STUBS } from '../config/helpers.js';

const root = join(import.meta.dirname, '..', '..');

describe('the GitHub Action', () => {
  it('declares every input it reads and runs the built entry', () => {
    const action = parse(readFileSync(join(root, 'action.yml'), 'utf8'));
    expect(Object.keys(action.inputs).sort()).toEqual(['args', 'command', 'config', 'stage', 'target']);
    const step = action.runs.steps.find((s: { id?: string }) => s.id === 'slsx');
    // Inputs reach the script through env only: never interpolated into the shell text.
    expect(step.run).not.toMatch(/\$\{\{/);
    expect(step.run).toContain('dist/src/action/run.js');
    expect(Object.keys(step.env).sort()).toEqual(['INPUT_ARGS', 'INPUT_COMMAND', 'INPUT_CONFIG', 'INPUT_STAGE', 'INPUT_TARGET']);
  });

  it('maps inputs to one argv, each value one argument', () => {
    const inputs = readInputs({ INPUT_COMMAND: 'deploy', INPUT_TARGET: 'aws', INPUT_STAGE: 'dev; touch /tmp/x', INPUT_ARGS: '--concurrency 4\n\n' });
    expect(actionArgv(inputs)).toEqual(['deploy', '--target', 'aws', '--stage', 'dev; touch /tmp/x', '--json', '--concurrency 4']);
    expect(actionArgv(readInputs({ INPUT_COMMAND: 'cost-estimate' }))).toEqual(['cost', 'estimate', '--format', 'markdown']);
    expect(() => actionArgv(readInputs({ INPUT_COMMAND: 'destroy' }))).toThrow(/Unknown command 'destroy'/);
  });

  describe('running sls-x (built CLI)', () => {
    const { dir, cleanup } = project({ 'faas.yaml': 'service: shop\nfunctions:\n  api:\n    handler: src/api.handler\n', ...STUBS });
    afterAll(cleanup);
    const files = mkdtempSync(join(tmpdir(), 'slsx-action-'));

    it('posts the cost table to the job summary and sets the result output', async () => {
      const summary = join(files, 'summary.md');
      const output = join(files, 'output.txt');
      writeFileSync(summary, '');
      writeFileSync(output, '');
      let log = '';
      const code = await runAction({ ...process.env, INPUT_COMMAND: 'cost-estimate', INPUT_ARGS: '--requests=3M\n--duration=120ms\n--memory=1536', GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output }, (s) => (log += s));
      expect(code).toBe(0);
      expect(readFileSync(summary, 'utf8')).toMatch(/\|.*AWS Lambda x86.*\|/);
      expect(readFileSync(output, 'utf8')).toMatch(/^result<<slsx_[0-9a-f-]{36}\n/);
      expect(log).toContain('AWS Lambda');
    });

    it('passes a hostile stage as data: sls-x refuses it, nothing is executed', async () => {
      const marker = join(files, 'pwned');
      let log = '';
      const code = await runAction({ ...process.env, INPUT_COMMAND: 'validate', INPUT_CONFIG: join(dir, 'faas.yaml'), INPUT_STAGE: `dev$(touch ${marker})`, GITHUB_OUTPUT: join(files, 'o2.txt') }, (s) => (log += s));
      expect(code).toBe(2);
      expect(existsSync(marker)).toBe(false);
      expect(log).toMatch(/stage/i);
    });
  });
});

describe('the GitHub Action keeps credentials and outputs safe (issue 8.6)', () => {
  it('runs the install step with no install scripts and none of the job environment', async () => {
    const { execFileSync } = await import('node:child_process');
    const { chmodSync, mkdirSync } = await import('node:fs');
    const action = parse(readFileSync(join(root, 'action.yml'), 'utf8'));
    const install = action.runs.steps.find((s: { name?: string }) => s.name === 'Install sls-x');
    const work = mkdtempSync(join(tmpdir(), 'slsx-action-install-'));
    const bin = join(work, 'bin');
    mkdirSync(bin);
    const record = join(work, 'calls.txt');
    // A stand-in npm that records its arguments and every environment variable it was given.
    writeFileSync(join(bin, 'npm'), `#!/bin/sh\n{ echo "ARGS $*"; env; echo "--"; } >> "${record}"\n`);
    chmodSync(join(bin, 'npm'), 0o755);
    execFileSync('bash', ['-c', install.run], {
      cwd: work,
      env: {
        PATH: `${bin}:${process.env.PATH}`, HOME: work, RUNNER_TEMP: work,
        AWS_SECRET_ACCESS_KEY: 'aws-secret-value', AWS_SESSION_TOKEN: 'aws-session-value',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-value', AZURE_CLIENT_SECRET: 'azure-secret-value',
        GITHUB_TOKEN: 'gh-token-value',
      },
    });
    const calls = readFileSync(record, 'utf8');
    expect(calls).toMatch(/ARGS ci .*--ignore-scripts/);
    expect(calls).toMatch(/ARGS run build/);
    for (const secret of ['aws-secret-value', 'aws-session-value', 'oidc-request-value', 'azure-secret-value', 'gh-token-value']) {
      expect(calls).not.toContain(secret);
    }
    // Every npm call got the emptied environment (PATH/HOME/RUNNER_TEMP only, plus what the shell adds).
    for (const block of calls.split('--\n').filter((b) => b.trim())) {
      const names = block.split('\n').slice(1).filter(Boolean).map((l) => l.split('=')[0]);
      expect(names.filter((n) => !['PATH', 'HOME', 'RUNNER_TEMP', 'PWD', 'SHLVL', '_', 'OLDPWD'].includes(n))).toEqual([]);
    }
  });

  it('writes multi-line outputs behind a random UUID delimiter, fresh for every output', async () => {
    const { setOutput } = await import('../../src/action/run.js');
    const file = join(mkdtempSync(join(tmpdir(), 'slsx-action-out-')), 'out.txt');
    writeFileSync(file, '');
    setOutput({ GITHUB_OUTPUT: file }, 'result', 'line one\nslsx_abc\nendpoints<<x');
    setOutput({ GITHUB_OUTPUT: file }, 'endpoints', '[]');
    const text = readFileSync(file, 'utf8');
    const delimiters = [...text.matchAll(/^(result|endpoints)<<(slsx_.+)$/gm)].map((m) => m[2]);
    expect(delimiters).toHaveLength(2);
    for (const d of delimiters) expect(d).toMatch(/^slsx_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(delimiters[0]).not.toBe(delimiters[1]);
    // The value comes back whole: the heredoc closes only at its own delimiter.
    const start = text.indexOf(`result<<${delimiters[0]}\n`) + `result<<${delimiters[0]}\n`.length;
    expect(text.slice(start, text.indexOf(`\n${delimiters[0]}\n`, start))).toBe('line one\nslsx_abc\nendpoints<<x');
  });

  it('never interpolates ${{ }} expressions into a run: script in the docs or the action', () => {
    const { readdirSync } = fsSync;
    const offenders: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) node.forEach((n) => walk(n, where));
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'run' && typeof v === 'string' && v.includes('${{')) offenders.push(`${where}: ${v}`);
          walk(v, where);
        }
      }
    };
    const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    let blocks = 0;
    for (const f of files) {
      for (const m of readFileSync(join(root, f), 'utf8').matchAll(/```ya?ml\n([\s\S]*?)```/g)) {
        if (!m[1].includes('run:')) continue;
        blocks++;
        walk(parse(m[1]), f);
      }
    }
    walk(parse(readFileSync(join(root, 'action.yml'), 'utf8')), 'action.yml');
    expect(blocks).toBeGreaterThan(0);
    expect(offenders).toEqual([]);
  });
});
