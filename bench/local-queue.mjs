// Drain rate of a local queue: 10,000 messages sent at once, consumed in batches of 10 by a
// trivial handler with up to 4 instances; time from send to an empty queue.
import { cleanup, control, deploy, project, sleep } from './local-common.mjs';

const YAML = `
service: benchq
runtime: node20
queues:
  jobs: { visibilityTimeout: 30s, maxRetries: 2, deadLetter: true }
functions:
  worker:
    handler: src/worker.handler
    concurrency: { max: 4, warm: 0 }
    events:
      - queue: { name: jobs, batchSize: 10 }
`;

export async function run({ messages = Number(process.env.BENCH_MESSAGES ?? 10_000) } = {}) {
  const root = await project({ 'faas.yaml': YAML, 'src/worker.mjs': 'let n = 0;\nexport const handler = async (msgs) => { n += msgs.length; };\n' });
  try {
    await deploy(root);
    const api = await control(root);
    const bodies = Array.from({ length: messages }, (_, i) => ({ body: JSON.stringify({ i }) }));
    const t = performance.now();
    await api.post('queues/send', { queue: 'jobs', messages: bodies });
    const sentMs = performance.now() - t;
    let depth = messages;
    for (let i = 0; i < 6000 && depth > 0; i++) {
      await sleep(10);
      depth = (await api.get('health')).queues.find((q) => q.name === 'jobs').depth;
    }
    const seconds = (performance.now() - t) / 1000;
    return [
      { bench: 'local queue drain (10 per batch, 4 instances)', unit: 'msg/s', value: Math.round(messages / seconds), messages, seconds: +seconds.toFixed(2), sendMs: Math.round(sentMs), drained: depth === 0 },
    ];
  } finally {
    await cleanup(root);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) for (const r of await run()) console.log(JSON.stringify(r));
