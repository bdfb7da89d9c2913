// A bounded soak of the local cloud: HTTP load plus a queue kept busy, sampling the local cloud's
// resident memory and the size of its state (state.db + WAL) every few seconds, to show both stay
// bounded (record pruning in batches, WAL checkpoints, instances reclaimed). Short by default;
// BENCH_SOAK_SECONDS=600 is the 10-minute run. Loopback only, bounded in time.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, control, deploy, load, project, rssMb, sleep } from './local-common.mjs';

const size = (file) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

export async function run({ seconds = Number(process.env.BENCH_SOAK_SECONDS ?? 30) } = {}) {
  const yaml = [
    'service: benchsoak',
    'runtime: node20',
    'queues:',
    '  jobs: { maxRetries: 1, deadLetter: true }',
    'functions:',
    '  api:',
    '    handler: src/fns.api',
    '    events:',
    '      - http: GET /hello',
    '  worker:',
    '    handler: src/fns.worker',
    '    events:',
    '      - queue: { name: jobs, batchSize: 10 }',
  ].join('\n');
  const code = "export const api = async () => ({ ok: true, at: Date.now() });\nexport const worker = async () => {};\n";
  const root = await project({ 'faas.yaml': yaml, 'src/fns.mjs': code });
  try {
    const { url, pid } = await deploy(root);
    const port = Number(new URL(url).port);
    const api = await control(root);
    const db = join(root, '.sls-x', 'local', 'state.db');
    const samples = [];
    const started = Date.now();
    let requests = 0;
    while (Date.now() - started < seconds * 1000) {
      const slice = Math.min(5000, seconds * 1000 - (Date.now() - started));
      if (slice <= 0) break;
      await api.post('queues/send', { queue: 'jobs', messages: Array.from({ length: 100 }, (_, i) => ({ body: JSON.stringify({ i }) })) });
      const r = await load({ port, path: '/hello', connections: 4, durationMs: slice });
      requests += r.requests ?? 0;
      samples.push({ t: Math.round((Date.now() - started) / 1000), rssMb: await rssMb(pid), stateMb: Math.round(((size(db) + size(`${db}-wal`)) / 2 ** 20) * 10) / 10 });
      await sleep(10);
    }
    const first = samples[0] ?? { rssMb: 0, stateMb: 0 };
    const last = samples.at(-1) ?? first;
    const maxRss = Math.max(...samples.map((s) => s.rssMb ?? 0));
    const maxState = Math.max(...samples.map((s) => s.stateMb));
    return [
      { bench: `local soak ${seconds} s: HTTP requests served`, unit: 'requests', value: requests },
      { bench: `local soak ${seconds} s: max RSS (first ${first.rssMb} MB, last ${last.rssMb} MB)`, unit: 'MB', value: maxRss },
      { bench: `local soak ${seconds} s: max state.db + WAL (first ${first.stateMb} MB, last ${last.stateMb} MB)`, unit: 'MB', value: maxState },
    ];
  } finally {
    await cleanup(root);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) for (const r of await run()) console.log(JSON.stringify(r));
