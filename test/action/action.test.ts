import { execFileSync } from 'node:child_process';
import * as fsSync from 'node:fs';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { testTmp } from '../support/tmp.js';
import { actionArgv, readInputs } from '../../src/action/inputs.js';
import { runAction } from '../../src/action/run.js';
import { project, STUBS } from '../config/helpers.js';
import { pinnedProject } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');

describe('the GitHub Action', () => {
  it('declares every input it reads and runs the prebuilt bundle, with no install step', () => {
    const action = parse(readFileSync(join(root, 'action.yml'), 'utf8'));
    expect(Object.keys(action.inputs).sort()).toEqual(['args', 'command', 'comment', 'config', 'github-token', 'stage', 'target']);
    expect(Object.keys(action.outputs).sort()).toEqual(['comment-url', 'endpoints', 'result']);
    // A JavaScript action: GitHub's own node runs the committed bundle. No steps, no shell, no
    // npm: nothing is installed, so no dependency's install script ever runs in the job.
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/action.js' });
    expect(action.inputs['github-token'].default).toBe('${{ github.token }}');
    expect(action.inputs.comment.default).toBe('false');
    // The bundle and what it loads beside it are committed (not ignored), so `uses:` gets them.
    for (const file of ['dist/action.js', 'dist/action/esbuild-wasm/esbuild.wasm', 'dist/action/esbuild-wasm/lib/main.js', 'dist/action/shim-deps/node_modules/@azure/functions/dist/azure-functions.js']) {
      expect(existsSync(join(root, file)), file).toBe(true);
      expect(() => execFileSync('git', ['check-ignore', '-q', file], { cwd: root }), `${file} is git-ignored`).toThrow();
    }
    // Only what git ignores for build output stays ignored.
    expect(execFileSync('git', ['check-ignore', 'dist/src/cli/main.js'], { cwd: root, encoding: 'utf8' }).trim()).toBe('dist/src/cli/main.js');
  });

  it('maps inputs to one argv, each value one argument', () => {
    const inputs = readInputs({ INPUT_COMMAND: 'deploy', INPUT_TARGET: 'aws', INPUT_STAGE: 'dev; touch /tmp/x', INPUT_ARGS: '--concurrency 4\n\n' });
    expect(actionArgv(inputs)).toEqual(['deploy', '--target', 'aws', '--stage', 'dev; touch /tmp/x', '--json', '--concurrency 4']);
    expect(actionArgv(readInputs({ INPUT_COMMAND: 'cost-estimate' }))).toEqual(['cost', 'estimate', '--format', 'markdown']);
    expect(() => actionArgv(readInputs({ INPUT_COMMAND: 'destroy' }))).toThrow(/Unknown command 'destroy'/);
    expect(readInputs({ INPUT_COMMENT: 'True', 'INPUT_GITHUB-TOKEN': 'ghs_x' })).toMatchObject({ comment: true, githubToken: 'ghs_x' });
    expect(readInputs({ INPUT_COMMENT: 'false' }).comment).toBe(false);
    expect(readInputs({}).comment).toBe(false);
    expect(() => readInputs({ INPUT_COMMENT: 'yes' })).toThrow(/Input 'comment' is 'yes', not true or false/);
  });

  describe('running the bundled sls-x (in process)', () => {
    const { dir, cleanup } = project({ 'faas.yaml': 'service: shop\nfunctions:\n  api:\n    handler: src/api.handler\n', ...STUBS });
    afterAll(cleanup);
    const files = testTmp('slsx-action-');

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
  it('writes multi-line outputs behind a random UUID delimiter, fresh for every output', async () => {
    const { setOutput } = await import('../../src/action/run.js');
    const file = join(testTmp('slsx-action-out-'), 'out.txt');
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

describe('which sls-x the action runs', () => {
  const planReply = `${JSON.stringify({ plan: { version: 1, scope: { target: 'aws', service: 'shop', stage: 'dev' }, createdAt: '', observedHash: '', changes: [], warnings: [] } })}\n`;

  it("runs the project's own sls-x when its package.json lists sls-x and it is installed, with the job's env less the comment token", async () => {
    const { dir, calls } = pinnedProject({ plan: planReply });
    const output = join(dir, 'output.txt');
    writeFileSync(output, '');
    let log = '';
    const code = await runAction(
      { PATH: process.env.PATH, INPUT_COMMAND: 'plan', INPUT_TARGET: 'aws', 'INPUT_GITHUB-TOKEN': 'ghs_tokenvalue123', AWS_SECRET_ACCESS_KEY: 'aws-secret-value', GITHUB_OUTPUT: output },
      (s) => (log += s),
      { cwd: dir },
    );
    expect(code).toBe(0);
    expect(log).toContain("sls-x: running sls-x 0.0.9-project, the project's own (node_modules/sls-x, listed in package.json).");
    const [call, ...more] = readFileSync(calls, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(more).toEqual([]);
    expect(call.argv).toEqual(['plan', '--target', 'aws', '--json']);
    expect(realpathSync(call.cwd)).toBe(realpathSync(dir));
    // The cloud credentials reach sls-x (deploying needs them); the GitHub token does not.
    expect(call.env.AWS_SECRET_ACCESS_KEY).toBe('aws-secret-value');
    expect(call.env.CI).toBe('true');
    expect(JSON.stringify(call.env)).not.toContain('ghs_tokenvalue123');
    expect(readFileSync(output, 'utf8')).toContain('"service":"shop"');
  });

  it('runs the bundled sls-x, saying why, when the project does not list sls-x or has not installed it', async () => {
    const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
    const notInstalled = pinnedProject({}, { install: false });
    let log = '';
    expect(await runAction({ INPUT_COMMAND: 'validate', INPUT_TARGET: 'aws' }, (s) => (log += s), { cwd: notInstalled.dir })).toBe(2);
    expect(log).toContain(`sls-x: running sls-x ${version}, bundled with this action (package.json lists sls-x but node_modules/sls-x is not installed: run \`npm ci\` before this step to use it).`);
    expect(existsSync(notInstalled.calls)).toBe(false);

    // node_modules/sls-x without its .bin link is not an install npm made: bundled.
    const unlinked = pinnedProject({ validate: '{}' }, { link: false });
    log = '';
    await runAction({ INPUT_COMMAND: 'validate', INPUT_TARGET: 'aws' }, (s) => (log += s), { cwd: unlinked.dir });
    expect(log).toContain('bundled with this action (package.json lists sls-x but node_modules/sls-x is not installed');
    expect(existsSync(unlinked.calls)).toBe(false);

    const { dir, cleanup } = project({ 'package.json': JSON.stringify({ name: 'app', dependencies: { other: '1.0.0' } }), 'faas.yaml': 'service: shop\ntarget: aws\nfunctions:\n  api:\n    handler: src/api.handler\n', ...STUBS });
    log = '';
    const code = await runAction({ ...process.env, INPUT_COMMAND: 'validate' }, (s) => (log += s), { cwd: dir });
    cleanup();
    expect(log).toContain(`sls-x: running sls-x ${version}, bundled with this action (package.json does not list sls-x).`);
    expect(code).toBe(0);
    expect(log).toContain('"service": "shop"');
  });

  it('finds the package.json from the config folder up to the workspace (a monorepo service)', async () => {
    const ws = testTmp('slsx-action-ws-');
    const { calls } = pinnedProject({ validate: '{}\n' }, { at: join(ws, 'svc') });
    writeFileSync(join(ws, 'package.json'), JSON.stringify({ name: 'root', private: true }));
    let log = '';
    expect(await runAction({ PATH: process.env.PATH, INPUT_COMMAND: 'validate', INPUT_CONFIG: 'svc/faas.yaml' }, (s) => (log += s), { cwd: ws })).toBe(0);
    expect(log).toContain("the project's own (svc/node_modules/sls-x, listed in svc/package.json)");
    expect(readFileSync(calls, 'utf8')).toContain('"argv":["validate","--config","svc/faas.yaml","--json"]');
  });

  it('refuses the local target in the bundled sls-x with what to do instead', async () => {
    const { dir, cleanup } = project({ 'faas.yaml': 'service: shop\nfunctions:\n  api:\n    handler: src/api.handler\n', ...STUBS });
    let log = '';
    const code = await runAction({ ...process.env, INPUT_COMMAND: 'plan', INPUT_TARGET: 'local' }, (s) => (log += s), { cwd: dir });
    cleanup();
    expect(code).toBe(2);
    expect(log).toMatch(/::error title=sls-x TARGET_NOT_AVAILABLE::The local target does not run inside the prebuilt sls-x GitHub Action: its state store \(better-sqlite3\) is a native addon/);
    expect(log).toContain('target: aws');
  });
});

describe('the docs install sls-x and the action the ways that work today', () => {
  const docs = ['README.md', ...fsSync.readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const text = (f: string) => readFileSync(join(root, f), 'utf8');
  const yamlBlocks = (f: string) => [...text(f).matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]);

  it('pins the action by a release tag or a full commit SHA, never a branch', () => {
    const uses = docs.flatMap((f) => [...text(f).matchAll(/uses: sls-x\/sls-x@([^\s`]+)/g)].map((m) => `${f}: ${m[1]}`));
    expect(uses.length).toBeGreaterThan(3);
    for (const u of uses) expect(u).toMatch(/: (v\d+\.\d+\.\d+|[0-9a-f]{40})$/);
  });

  it('shows OIDC for AWS, Azure and GCP, each a workflow that parses, asks for id-token: write and stores no cloud secret', () => {
    const blocks = yamlBlocks('docs/github-action.md').map((b) => ({ raw: b, doc: parse(b) }));
    const login = (action: string) => {
      const found = blocks.filter((b) => b.raw.includes(`uses: ${action}@`));
      expect(found.length, action).toBeGreaterThan(0);
      const logins = found.map(({ doc, raw }) => {
        expect(doc.permissions['id-token']).toBe('write');
        const steps = Object.values(doc.jobs as Record<string, { steps: Array<{ uses?: string; with?: Record<string, string> }> }>)[0].steps;
        const i = steps.findIndex((s) => s.uses?.startsWith(`${action}@`));
        // The login comes before the sls-x step that needs it.
        expect(steps.findIndex((s) => s.uses?.startsWith('sls-x/sls-x@'))).toBeGreaterThan(i);
        expect(raw).not.toMatch(/secrets\.|client-secret|credentials_json|aws-secret-access-key/);
        return steps[i].with!;
      });
      return logins[0];
    };
    expect(login('aws-actions/configure-aws-credentials')['role-to-assume']).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(Object.keys(login('azure/login')).sort()).toEqual(['client-id', 'subscription-id', 'tenant-id']);
    expect(login('google-github-actions/auth').workload_identity_provider).toMatch(/^projects\/\d+\/locations\/global\/workloadIdentityPools\/.+\/providers\/.+$/);
  });

  it('installs sls-x from the repository or a packed tarball, never by a registry name that does not resolve', () => {
    const start = text('docs/getting-started.md');
    const install = start.slice(start.indexOf('## 1.'), start.indexOf('## 2.'));
    expect(install).toContain('npm install --save-dev "git+https://github.com/sls-x/sls-x.git#v0.1.0"');
    expect(install).toMatch(/npm pack[\s\S]*npm install --save-dev \.\.\/sls-x\/sls-x-0\.1\.0\.tgz/);
    for (const f of docs) {
      // `npm install sls-x`, `npm i -D sls-x@1`, `npx sls-x init` (outside a checkout): the registry has no sls-x.
      expect(text(f), f).not.toMatch(/npm (i|install|add)( -D| --save-dev)? sls-x(@|\s|$)/);
    }
    expect(install).not.toContain('npx sls-x init');
    expect(text('README.md')).toContain('git+https://github.com/sls-x/sls-x.git#v0.1.0');
  });
});
