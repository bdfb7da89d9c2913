// Warm HTTP throughput through the local gateway for a trivial handler, and the latency the
// gateway adds (client-side latency, and gateway latency minus handler duration from the records).
// Targets (2-core machine): >= 5,000 req/s, p99 added latency < 5 ms.
import { cleanup, deploy, load, project, stats } from './local-common.mjs';

const YAML = `
service: benchgw
runtime: node20
functions:
  hello:
    handler: src/hello.handler
    memory: 256
    concurrency: { max: CONC, warm: CONC }
    events:
      - http: GET /hello
`;

export async function run({ connections = Number(process.env.BENCH_CONNECTIONS ?? 4), durationMs = Number(process.env.BENCH_MS ?? 5000) } = {}) {
  const root = await project({ 'faas.yaml': YAML.replaceAll('CONC', String(connections)), 'src/hello.mjs': 'export const handler = async () => ({ ok: true });\n' });
  try {
    const { url, adapter, service, ctx } = await deploy(root);
    const port = Number(new URL(url).port);
    await load({ port, path: '/hello', connections, durationMs: 1000 }); // warm-up (JIT, instances)
    const since = Date.now();
    const r = await load({ port, path: '/hello', connections, durationMs });
    const records = (await adapter.invocations(service, { fn: 'hello' }, ctx)).filter((x) => x.startedAt >= since && x.outcome === 'ok');
    const added = stats(records.map((x) => x.latencyMs - x.durationMs));
    return [
      { bench: 'local gateway warm throughput', unit: 'req/s', value: r.rps, connections, requests: r.requests, statuses: r.statuses, target: '>= 5000 req/s' },
      { bench: 'local gateway client latency', unit: 'ms', median: r.latency.median, p95: r.latency.p95, p99: r.latency.p99, connections },
      { bench: 'local gateway added latency (gateway - handler)', unit: 'ms', median: added.median, p95: added.p95, p99: added.p99, samples: added.count, target: 'p99 < 5 ms' },
    ];
  } finally {
    await cleanup(root);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) for (const r of await run()) console.log(JSON.stringify(r));
