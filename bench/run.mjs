// `npm run bench`: every benchmark under bench/, one JSON line per figure, then a summary table.
import { readdirSync } from 'node:fs';
import os from 'node:os';

const only = process.argv[2];
const files = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs' && (!only || f.includes(only))).sort();
const results = [];
console.log(`# machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
for (const file of files) {
  const mod = await import(new URL(file, import.meta.url));
  if (typeof mod.run !== 'function') continue;
  for (const r of await mod.run()) {
    results.push(r);
    console.log(JSON.stringify(r));
  }
}
console.table(results.map(({ bench, unit, median, p95, value, target }) => ({ bench, unit, median, p95, value, target })));
