// The prebuilt GitHub Action's start-up: whole `node dist/action.js` processes, as the runner starts
// them, in a small service (a TypeScript HTTP handler and a queue worker) with no node_modules:
//   action load        an unknown command: loading the 23 MB bundle and refusing, nothing else
//   action validate    `validate` for aws: config, handler scan through esbuild-wasm, JSON out
//   action package     `package` for aws: both functions bundled through esbuild-wasm and zipped
//   cli validate       the same validate through the installed CLI (bin/sls-x, native esbuild), for scale
// Plus the sizes of what the action ships. With BENCH_ACTION_NPM_CI=1 it also times the install the
// action used to run before every job (npm ci --ignore-scripts, build, better-sqlite3 rebuild) in a
// copy of the repository, once, with whatever npm cache this machine has.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_ACTION_RUNS ?? 5);

function service() {
  const dir = mkdtempSync(join(tmpdir(), 'slsx-bench-action-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'faas.yaml'), 'service: shop\ntarget: aws\nfunctions:\n  api:\n    handler: src/api.handler\n    events:\n      - http: GET /items/{id}\n  worker:\n    handler: src/worker.handler\n    events:\n      - queue: orders\nqueues:\n  orders: {}\n');
  writeFileSync(join(dir, 'src', 'api.ts'), "import { json, type HttpHandler } from 'sls-x/runtime';\nexport const handler: HttpHandler = async (req) => json({ id: req.pathParams.id });\n");
  writeFileSync(join(dir, 'src', 'worker.ts'), 'export const handler = async (batch: unknown) => { console.log(batch); };\n');
  return dir;
}

function measure(label, argv, env, cwd, expectCode) {
  const times = [];
  for (let i = 0; i <= runs; i++) {
    rmSync(join(cwd, '.sls-x'), { recursive: true, force: true });
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, argv, { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== expectCode) throw new Error(`${label}: exit ${r.status}, expected ${expectCode}\n${r.stdout}\n${r.stderr}`);
    if (i > 0) times.push(ms); // the first run warms the file cache
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { bench: label, unit: 'ms', median: +at(0.5).toFixed(0), p95: +at(0.95).toFixed(0), min: +times[0].toFixed(0), runs };
}

function oldInstallPath() {
  const copy = mkdtempSync(join(tmpdir(), 'slsx-bench-npmci-'));
  try {
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const f of files) {
      if (f.startsWith('dist/') || !existsSync(join(root, f))) continue;
      mkdirSync(dirname(join(copy, f)), { recursive: true });
      cpSync(join(root, f), join(copy, f));
    }
    const t = process.hrtime.bigint();
    const step = (args) => execFileSync('npm', args, { cwd: copy, stdio: 'ignore', env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    step(['ci', '--no-audit', '--no-fund', '--ignore-scripts']);
    step(['run', 'build']);
    step(['rebuild', 'better-sqlite3', '--no-audit', '--no-fund']);
    return { bench: 'action old install path (npm ci --ignore-scripts + build + rebuild better-sqlite3), once', unit: 'ms', value: +(Number(process.hrtime.bigint() - t) / 1e6).toFixed(0), note: 'this machine\'s npm cache; a runner starts with none' };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

export function run() {
  const action = join(root, 'dist', 'action.js');
  const dir = service();
  try {
    const size = (f) => statSync(join(root, f)).size;
    const results = [
      measure('action load (unknown command, refused)', [action], { INPUT_COMMAND: 'bench-none' }, dir, 2),
      measure('action validate --target aws', [action], { INPUT_COMMAND: 'validate', INPUT_TARGET: 'aws' }, dir, 0),
      measure('action package --target aws (2 functions)', [action], { INPUT_COMMAND: 'package', INPUT_TARGET: 'aws' }, dir, 0),
      measure('cli validate --target aws (native esbuild)', [join(root, 'bin', 'sls-x'), 'validate', '--target', 'aws', '--json'], {}, dir, 0),
      { bench: 'action size: dist/action.js', unit: 'MiB', value: +(size('dist/action.js') / 2 ** 20).toFixed(2) },
      { bench: 'action size: dist/action/esbuild-wasm/esbuild.wasm', unit: 'MiB', value: +(size('dist/action/esbuild-wasm/esbuild.wasm') / 2 ** 20).toFixed(2) },
    ];
    if (process.env.BENCH_ACTION_NPM_CI === '1') results.push(oldInstallPath());
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) for (const r of run()) console.log(JSON.stringify(r));
