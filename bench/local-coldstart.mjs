// Cold start of a small function on the local target: the instance's init (thread start + module
// load) and the client-side latency of the cold request. Instances are reclaimed by a short idle
// timeout between samples, so every sample is a real cold start. Target: < 50 ms.
import { cleanup, deploy, project, sleep, stats } from './local-common.mjs';

const YAML = `
service: benchcold
runtime: node20
targets:
  local: { idleTimeout: 100ms }
functions:
  small:
    handler: src/small.handler
    memory: 128
    events:
      - http: GET /small
`;

const CODE = `
const table = new Map(Array.from({ length: 100 }, (_, i) => [i, 'v' + i]));
export const handler = async (req) => ({ n: table.size, path: req.path });
`;

export async function run({ samples = Number(process.env.BENCH_RUNS ?? 20) } = {}) {
  const root = await project({ 'faas.yaml': YAML, 'src/small.mjs': CODE });
  try {
    const { url, adapter, service, ctx } = await deploy(root);
    const client = [];
    for (let i = 0; i < samples; i++) {
      await sleep(450); // idle timeout 100 ms + the reclaim sweep (every 250 ms)
      const t = performance.now();
      const res = await fetch(`${url}/small`);
      await res.arrayBuffer();
      client.push(performance.now() - t);
    }
    const records = (await adapter.invocations(service, { fn: 'small' }, ctx)).filter((r) => r.coldStart);
    const init = stats(records.map((r) => r.initMs));
    const c = stats(client);
    return [
      { bench: 'local cold start: init (thread + module load)', unit: 'ms', median: init.median, p95: init.p95, samples: init.count, target: '< 50 ms' },
      { bench: 'local cold start: client latency of the cold request', unit: 'ms', median: c.median, p95: c.p95, samples: c.count, coldSamples: records.length },
    ];
  } finally {
    await cleanup(root);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) for (const r of await run()) console.log(JSON.stringify(r));
