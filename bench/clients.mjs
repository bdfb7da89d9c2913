// The queue and bucket clients (issue 9): what using them adds to a function's zip per target (the
// target driver, ~2 kB, is in every zip: the shim installs it), and the
// latency of their first and later calls on the local target (a send, a put, a get).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, deploy, project } from './local-common.mjs';

const YAML = `
service: benchclients
runtime: node20
queues:
  jobs: {}
buckets:
  files: {}
functions:
  plain:
    handler: src/plain.handler
    events:
      - http: GET /plain
  clients:
    handler: src/clients.handler
    sends: [jobs]
    buckets: [ { name: files, access: readwrite } ]
    events:
      - http: GET /clients
  sink:
    handler: src/plain.sink
    events:
      - queue: jobs
`;

const PLAIN = `export const handler = async () => ({ ok: true });\nexport const sink = async () => {};\n`;
const CLIENTS = `import { bucket, json, queue } from 'sls-x/runtime';
let n = 0;
export const handler = async () => {
  const t0 = performance.now();
  await queue('jobs').send({ n: ++n });
  const t1 = performance.now();
  await bucket('files').put('k/' + n, 'x'.repeat(1024));
  const t2 = performance.now();
  await bucket('files').get('k/' + n);
  const t3 = performance.now();
  return json(200, { sendMs: t1 - t0, putMs: t2 - t1, getMs: t3 - t2 });
};
`;

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x) => Math.round(x * 100) / 100;

export async function run({ calls = Number(process.env.BENCH_CLIENT_CALLS ?? 100) } = {}) {
  const root = await project({ 'faas.yaml': YAML, 'src/plain.mjs': PLAIN, 'src/clients.mjs': CLIENTS });
  const out = [];
  try {
    const { loadService } = await import(dist('src/config/load-service.js'));
    const { packageService } = await import(dist('src/bundle/package-service.js'));
    for (const target of ['aws', 'gcp', 'local']) {
      const { service } = await loadService({ cwd: root, env: process.env, target });
      const arts = await packageService(service, target);
      const size = (name) => statSync(arts.find((a) => a.name === name).zipPath).size;
      out.push({ bench: `clients: zip added on ${target}`, unit: 'bytes', value: size('clients') - size('plain'), target, plain: size('plain'), withClients: size('clients') });
    }
    const { url } = await deploy(root);
    const first = await (await fetch(`${url}/clients`)).json();
    const later = [];
    for (let i = 0; i < calls; i++) later.push(await (await fetch(`${url}/clients`)).json());
    for (const op of ['send', 'put', 'get']) {
      out.push({ bench: `clients: local ${op} (first call, then median of ${calls})`, unit: 'ms', value: round(first[`${op}Ms`]), median: round(median(later.map((r) => r[`${op}Ms`]))), p95: round([...later.map((r) => r[`${op}Ms`])].sort((a, b) => a - b)[Math.floor(calls * 0.95)]), target: 'local' });
    }
  } finally {
    await cleanup(root);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) for (const r of await run()) console.log(JSON.stringify(r));
