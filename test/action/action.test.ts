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
      expect(readFileSync(output, 'utf8')).toMatch(/^result<<slsx_\w+\n/);
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
