#!/usr/bin/env node
// Builds the prebuilt GitHub Action: `npm run build:action` writes, `npm run build:action -- --check`
// compares with what is on disk (exit 1 and the differing files when stale). What it makes, all
// committed (action.yml runs dist/action.js with no install step):
//
//   dist/action.js                  src/action/entry.ts and everything it reaches (the CLI, the cloud
//                                   SDKs), bundled by esbuild into one ES module, not minified
//   dist/action/licenses.txt        the licences of every package inside dist/action.js
//   dist/action/esbuild-wasm/       the esbuild-wasm package files the JS API needs, copied unchanged
//                                   from node_modules (same version as esbuild: checked here)
//   dist/action/shim-deps/node_modules/  the packages the cloud shims bundle into user code (found from
//                                   an esbuild metafile of each shim), copied unchanged; the folder is
//                                   named node_modules because esbuild treats such paths as packages
//                                   (legal comments name them so): the zips come out byte-identical
//
// In the bundle, four modules are replaced (src/action/stubs/): `esbuild` (esbuild-wasm beside the
// bundle), the local target's adapter and `better-sqlite3` (its native store): both refused with a
// clear error, and the ink deploy view (CI is never interactive). The output depends only on the sources and on the
// lockfile's node_modules: the same inputs give the same bytes (test/action/bundle.test.ts checks it).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = 'dist/action';
const BUNDLE = 'dist/action.js';
/** The esbuild-wasm files its node API reads: lib/main.js spawns `node bin/esbuild`, which loads the rest. */
const WASM_FILES = ['package.json', 'LICENSE.md', 'lib/main.js', 'bin/esbuild', 'esbuild.wasm', 'wasm_exec.js', 'wasm_exec_node.js'];
/** Cloud shims whose dependencies the action must carry (local is refused in the action). */
const SHIM_TARGETS = ['aws', 'azure', 'gcp'];

const posix = (p) => p.split(sep).join('/');
const readJson = (file) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));

/** Module replacements for the bundle: an import of `name` resolves to the stub file. */
function stubs() {
  const map = {
    esbuild: 'src/action/stubs/esbuild.ts',
    'better-sqlite3': 'src/action/stubs/better-sqlite3.ts',
  };
  return {
    name: 'sls-x-action-stubs',
    setup(build) {
      build.onResolve({ filter: /^(esbuild|better-sqlite3)$/ }, (args) => {
        // The stubs themselves import the real esbuild types only: nothing to redirect there.
        if (args.importer.includes(`${sep}src${sep}action${sep}stubs${sep}`)) return undefined;
        return { path: join(ROOT, map[args.path]) };
      });
      build.onResolve({ filter: /[\\/]ui[\\/]deploy-view\.js$/ }, () => ({ path: join(ROOT, 'src/action/stubs/deploy-view.ts') }));
      build.onResolve({ filter: /[\\/]providers[\\/]local[\\/]index\.js$/ }, () => ({ path: join(ROOT, 'src/action/stubs/local-adapter.ts') }));
    },
  };
}

export async function bundle(extra = {}) {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['src/action/entry.ts'],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // CommonJS dependencies call `require` (node builtins, their own JSON); an ES module has none.
    banner: { js: "import { createRequire as __slsxActionRequire } from 'node:module'; const require = __slsxActionRequire(import.meta.url);" },
    // cosmiconfig's TypeScript loader: optional, never used for faas.yaml, not a dependency of sls-x.
    external: ['typescript'],
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [stubs()],
    write: false,
    metafile: true,
    logLevel: 'silent',
    ...extra,
  });
  return { bytes: Buffer.from(result.outputFiles[0].contents), metafile: result.metafile, warnings: result.warnings };
}

/** TARGET_PROFILES from src/bundle/target-profile.ts (its externals decide what a shim bundles). */
async function targetProfiles() {
  const out = await esbuild.build({ absWorkingDir: ROOT, entryPoints: ['src/bundle/target-profile.ts'], bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent' });
  return (await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].contents).toString('base64')}`)).TARGET_PROFILES;
}

/** The package folder (relative to ROOT) of a node_modules input path, or undefined. */
function packageDir(input) {
  const parts = posix(input).split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  return parts.slice(0, at + (parts[at + 1]?.startsWith('@') ? 3 : 2)).join('/');
}

/** Every file the cloud shims pull out of node_modules, plus each package's package.json and licence. */
async function shimDependencyFiles() {
  const profiles = await targetProfiles();
  const files = new Set();
  for (const target of SHIM_TARGETS) {
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: [`templates/shims/${target}.ts`],
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      alias: { 'sls-x/runtime': join(ROOT, 'src/runtime/index.ts') },
      external: profiles[target].external,
    });
    for (const input of Object.keys(result.metafile.inputs)) {
      const pkg = packageDir(input);
      if (!pkg) continue;
      files.add(posix(input));
      files.add(`${pkg}/package.json`);
      for (const f of readdirSync(join(ROOT, pkg))) if (/^(licen[cs]e|notice)/i.test(f)) files.add(`${pkg}/${f}`);
    }
  }
  return [...files].sort();
}

/**
 * The licences of every package inside the bundle (name@version, the package.json `license`, then
 * its LICENSE / NOTICE files as shipped), sorted by name: what redistributing them in one file owes.
 */
function licenses(metafile) {
  const found = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const dir = packageDir(input);
    if (!dir) continue;
    const pkg = readJson(`${dir}/package.json`);
    const id = `${pkg.name}@${pkg.version}`;
    if (found.has(id)) continue;
    const files = readdirSync(join(ROOT, dir)).filter((f) => /^(licen[cs]e|notice|copying)/i.test(f)).sort();
    const license = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'no license field');
    found.set(id, [`${id} (${license})`, ...files.map((f) => `\n${readFileSync(join(ROOT, dir, f), 'utf8').trim()}\n`)].join('\n'));
  }
  const ids = [...found.keys()].sort();
  const head = `Third-party packages bundled into dist/action.js (${ids.length}), with their licences as shipped. Generated by scripts/build-action.mjs.\n`;
  return Buffer.from(`${[head, ...ids.map((id) => found.get(id))].join('\n' + '-'.repeat(72) + '\n')}\n`);
}

/** Everything the action is made of: path relative to the repository -> bytes. */
export async function actionFiles() {
  const esbuildVersion = readJson('node_modules/esbuild/package.json').version;
  const wasmVersion = readJson('node_modules/esbuild-wasm/package.json').version;
  if (esbuildVersion !== wasmVersion) {
    throw new Error(`esbuild-wasm ${wasmVersion} is not esbuild ${esbuildVersion}: pin esbuild-wasm (devDependencies) to exactly the esbuild version, so the action bundles handlers to the same bytes.`);
  }
  const files = new Map();
  const { bytes, metafile, warnings } = await bundle();
  if (warnings.length > 0) throw new Error(`esbuild warned while bundling the action:\n${(await esbuild.formatMessages(warnings, { kind: 'warning' })).join('\n')}`);
  files.set(BUNDLE, bytes);
  files.set(`${DIST}/licenses.txt`, licenses(metafile));
  for (const f of WASM_FILES) files.set(`${DIST}/esbuild-wasm/${f}`, readFileSync(join(ROOT, 'node_modules/esbuild-wasm', f)));
  for (const f of await shimDependencyFiles()) files.set(`${DIST}/shim-deps/node_modules/${f.slice(f.lastIndexOf('node_modules/') + 'node_modules/'.length)}`, readFileSync(join(ROOT, f)));
  return files;
}

/** Every file under dist/action/ on disk (relative to `root`), plus the bundle when it is there. */
function filesOnDisk(root) {
  const found = [];
  const walk = (dir) => {
    if (!existsSync(join(root, dir))) return;
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else found.push(rel);
    }
  };
  walk(DIST);
  if (existsSync(join(root, BUNDLE))) found.push(BUNDLE);
  return found.sort();
}

/** What differs between `files` and the tree at `root`: missing, changed or extra files. */
export function differences(files, root = ROOT) {
  const out = [];
  for (const [rel, bytes] of files) {
    const file = join(root, rel);
    if (!existsSync(file)) out.push(`missing: ${rel}`);
    else if (!readFileSync(file).equals(bytes)) out.push(`out of date: ${rel}`);
  }
  for (const rel of filesOnDisk(root)) if (!files.has(rel)) out.push(`not built from the sources (extra): ${rel}`);
  return out;
}

/** Write `files` under `root`, removing whatever else is under dist/action/. */
export function writeAction(files, root = ROOT) {
  rmSync(join(root, DIST), { recursive: true, force: true });
  for (const [rel, bytes] of files) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), bytes);
  }
}

const mib = (n) => `${(n / 2 ** 20).toFixed(2)} MiB`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = await actionFiles();
  if (process.argv.includes('--check')) {
    const diff = differences(files);
    for (const d of diff) console.error(d);
    if (diff.length > 0) {
      console.error('The committed GitHub Action is not what the sources build: run `npm run build:action` and commit dist/action.js and dist/action/.');
      process.exit(1);
    }
    console.log('dist/action.js and dist/action/ are up to date with the sources.');
  } else {
    writeAction(files);
    const size = (prefix) => [...files].filter(([k]) => k.startsWith(prefix)).reduce((n, [, b]) => n + b.length, 0);
    console.log(`${BUNDLE}: ${mib(files.get(BUNDLE).length)}; ${DIST}/esbuild-wasm: ${mib(size(`${DIST}/esbuild-wasm/`))}; ${DIST}/shim-deps: ${mib(size(`${DIST}/shim-deps/`))} (${[...files.keys()].filter((k) => k.startsWith(`${DIST}/shim-deps/`)).length} files)`);
    for (const f of [...files.keys()].filter((k) => statSync(join(ROOT, k)).size !== files.get(k).length)) throw new Error(`write failed: ${f}`);
  }
}
