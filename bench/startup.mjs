// Whole-process start-up time of the built CLI: `sls-x --version` and `--help`, repeated.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/sls-x', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 30);

function measure(args) {
  const times = [];
  execFileSync(process.execPath, [bin, ...args]); // warm the file cache
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    execFileSync(process.execPath, [bin, ...args], { stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { median: +at(0.5).toFixed(1), p95: +at(0.95).toFixed(1), min: +times[0].toFixed(1) };
}

export function run() {
  const node = (() => {
    const times = [];
    for (let i = 0; i < runs; i++) {
      const t = process.hrtime.bigint();
      execFileSync(process.execPath, ['-e', '0']);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((a, b) => a - b);
    return +times[Math.floor(times.length / 2)].toFixed(1);
  })();
  return [
    { bench: 'startup --version', unit: 'ms', ...measure(['--version']), target: '< 100 ms median', nodeBaselineMedian: node },
    { bench: 'startup --help', unit: 'ms', ...measure(['--help']), target: '< 100 ms median', nodeBaselineMedian: node },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) for (const r of run()) console.log(JSON.stringify(r));
