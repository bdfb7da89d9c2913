import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { actionFiles, differences, writeAction } from '../../scripts/build-action.mjs';
import { runCli } from '../support/cli.js';
import { pinnedProject } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');

/**
 * The repository as `uses: <owner>/sls-x@<tag>` downloads it: every file git would commit (tracked,
 * plus new files that are not ignored), and nothing else: no node_modules, no dist/src.
 */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slsx-action-checkout-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    if (!existsSync(join(root, f))) continue; // deleted in the work tree
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(root, f), join(dir, f));
  }
  return dir;
}

/** A service with a TypeScript handler importing sls-x/runtime, a queue worker, for every cloud. */
function service(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slsx-action-svc-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'faas.yaml'), 'service: shop\nfunctions:\n  api:\n    handler: src/api.handler\n    events:\n      - http: GET /items/{id}\n  worker:\n    handler: src/worker.handler\n    events:\n      - queue: orders\nqueues:\n  orders: {}\n');
  writeFileSync(join(dir, 'src', 'api.ts'), "import { json, type HttpHandler } from 'sls-x/runtime';\nexport const handler: HttpHandler = async (req) => json({ id: req.pathParams.id });\n");
  writeFileSync(join(dir, 'src', 'worker.ts'), 'export const handler = async (batch: unknown) => { console.log(batch); };\n');
  return dir;
}

const sha256s = (dir: string, target: string): Record<string, string> =>
  Object.fromEntries((JSON.parse(readFileSync(join(dir, '.sls-x', 'build', target, 'manifest.json'), 'utf8')).artifacts as Array<{ name: string; sha256: string }>).map((a) => [a.name, a.sha256]));

describe('the prebuilt action (dist/action.js)', () => {
  it('is exactly what the sources build: rebuilding gives the committed bytes', async () => {
    const files = await actionFiles();
    const stale = differences(files);
    // When this fails: run `npm run build:action` and commit dist/action.js and dist/action/.
    expect(stale, 'run `npm run build:action` and commit dist/action.js and dist/action/').toEqual([]);
    // esbuild-wasm is the esbuild the CLI depends on, compiled to WebAssembly: same version.
    const wasm = JSON.parse(files.get('dist/action/esbuild-wasm/package.json')!.toString());
    expect(wasm.version).toBe(JSON.parse(readFileSync(join(root, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version);
    expect(files.get('dist/action/esbuild-wasm/esbuild.wasm')!.equals(readFileSync(join(root, 'node_modules', 'esbuild-wasm', 'esbuild.wasm')))).toBe(true);
  }, 120_000);

  it('the up-to-date check fails on a changed, a missing or an extra file', async () => {
    const files = await actionFiles();
    const dir = mkdtempSync(join(tmpdir(), 'slsx-action-stale-'));
    writeAction(files, dir);
    expect(differences(files, dir)).toEqual([]);
    const bundle = readFileSync(join(dir, 'dist', 'action.js'));
    bundle[bundle.length - 2] ^= 1;
    writeFileSync(join(dir, 'dist', 'action.js'), bundle);
    rmSync(join(dir, 'dist', 'action', 'shim-deps', 'node_modules', 'cookie', 'index.js'));
    writeFileSync(join(dir, 'dist', 'action', 'leftover.js'), '');
    expect(differences(files, dir).sort()).toEqual(['missing: dist/action/shim-deps/node_modules/cookie/index.js', 'not built from the sources (extra): dist/action/leftover.js', 'out of date: dist/action.js']);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  describe('run from a checkout with no node_modules (as `uses:` gets it)', () => {
    const repo = checkout();
    afterAll(() => rmSync(repo, { recursive: true, force: true }));
    const action = (cwd: string, env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [join(repo, 'dist', 'action.js')], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, encoding: 'utf8', timeout: 120_000 });

    it('is a checkout without installed dependencies', () => {
      expect(existsSync(join(repo, 'node_modules'))).toBe(false);
      expect(existsSync(join(repo, 'dist', 'src'))).toBe(false);
      expect(existsSync(join(repo, 'dist', 'action.js'))).toBe(true);
    });

    it('packages for aws, azure and gcp to the same bytes as the sls-x CLI (esbuild-wasm and the vendored shim dependencies)', async () => {
      for (const target of ['aws', 'azure', 'gcp']) {
        const viaAction = service();
        const viaCli = service();
        const run = action(viaAction, { INPUT_COMMAND: 'package', INPUT_TARGET: target });
        expect(run.status, `${target}: ${run.stdout}\n${run.stderr}`).toBe(0);
        expect(run.stdout).toContain('bundled with this action');
        const cli = await runCli(['package', '--target', target, '--json'], viaCli, { env: {} });
        expect(cli.code, cli.stderr).toBe(0);
        const want = sha256s(viaCli, target);
        expect(Object.keys(want).length).toBeGreaterThan(0);
        expect(sha256s(viaAction, target), target).toEqual(want);
        rmSync(viaAction, { recursive: true, force: true });
        rmSync(viaCli, { recursive: true, force: true });
      }
    }, 240_000);

    it('validates and reports a handler error with its place, through esbuild-wasm', () => {
      const dir = service();
      writeFileSync(join(dir, 'src', 'api.ts'), 'export const handler = async ( => 1;\n');
      const run = action(dir, { INPUT_COMMAND: 'validate', INPUT_TARGET: 'aws' });
      expect(run.status).toBe(2);
      expect(run.stdout).toMatch(/src\/api\.ts/);
      rmSync(dir, { recursive: true, force: true });
    }, 120_000);

    it("runs the project's pinned sls-x instead, without the comment token", () => {
      const { dir, calls } = pinnedProject({ validate: '{"ok":true}\n' });
      const output = join(dir, 'out.txt');
      writeFileSync(output, '');
      const run = action(dir, { INPUT_COMMAND: 'validate', 'INPUT_GITHUB-TOKEN': 'ghs_bundle_token_value', AWS_SESSION_TOKEN: 'session', GITHUB_OUTPUT: output });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain("sls-x: running sls-x 0.0.9-project, the project's own");
      const call = JSON.parse(readFileSync(calls, 'utf8').trim());
      expect(call.argv).toEqual(['validate', '--json']);
      expect(call.env.AWS_SESSION_TOKEN).toBe('session');
      expect(JSON.stringify(call.env)).not.toContain('ghs_bundle_token_value');
      expect(readFileSync(output, 'utf8')).toContain('{"ok":true}');
      rmSync(dir, { recursive: true, force: true });
    });

    it('refuses the local target where it needs better-sqlite3, with what to do instead (the config default, no input)', () => {
      const dir = service();
      const run = action(dir, { INPUT_COMMAND: 'plan' });
      expect(run.status, run.stderr).toBe(2);
      const out = JSON.parse(run.stdout.slice(run.stdout.indexOf('{')));
      expect(out.code).toBe('TARGET_NOT_AVAILABLE');
      expect(out.message).toContain('its state store (better-sqlite3) is a native addon the action does not carry');
      expect(out.hint).toContain('npm ci');
      rmSync(dir, { recursive: true, force: true });
    }, 120_000);
  });
});
