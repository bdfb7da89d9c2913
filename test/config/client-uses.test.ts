import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { project, runCli } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const YAML = `service: shop
queues:
  orders: {}
buckets:
  receipts: {}
functions:
  api:
    handler: src/api.handler
    sends: [orders]
    events:
      - http: POST /orders
  worker:
    handler: src/worker.handler
    events:
      - queue: orders
`;

const API = `import { queue as q, json } from 'sls-x/runtime';
import { audit } from './audit.js';
export const handler = async () => {
  await q('orders').send({ ok: true });
  await audit();
  return json(202, {});
};
`;
const AUDIT = `import { queue } from 'sls-x/runtime';
export async function audit() {
  const name = 'dyn';
  await queue(name).send('not seen statically');
  await queue('audit').send('x');
}
`;
const WORKER = `import { bucket } from 'sls-x/runtime';
export const handler = async (msgs) => {
  for (const m of msgs) await bucket("receipts").put(m.id, m.body);
};
`;

describe('validate: queue and bucket client calls must be declared for the function', () => {
  it('warns at the call (file:line:col, through imports and aliases) and at the function in faas.yaml; declared ones pass', async () => {
    const p = project({ 'faas.yaml': YAML, 'src/api.ts': API, 'src/audit.ts': AUDIT, 'src/worker.js': WORKER });
    cleanups.push(p.cleanup);
    const r = await runCli(['validate', '--json'], p.dir);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout) as { diagnostics: Array<{ severity: string; code: string; message: string; hint?: string; line?: number; col?: number; file?: string }> };
    const found = body.diagnostics.filter((d) => d.code.startsWith('client-'));
    expect(found.map((d) => [d.code, d.message])).toEqual([
      ['client-queue-undeclared', '`src/audit.ts:5:9` sends to queue `audit`, but function `api` does not declare it in `sends:` and no such queue is declared under `queues:`.'],
      ['client-bucket-undeclared', '`src/worker.js:3:31` uses bucket `receipts`, but function `worker` does not declare it in `buckets:`.'],
    ]);
    // The faas.yaml side: where the declaration goes.
    expect(found.map((d) => d.line)).toEqual([9, 12]);
    expect(found[1]!.hint).toBe('Add `{ name: receipts, access: readwrite }` (or read / write) to `buckets:` of `worker`.');
    const human = await runCli(['validate'], p.dir);
    expect(human.stdout + human.stderr).toContain('src/audit.ts:5:9');

    // Declared: no warning.
    writeFileSync(join(p.dir, 'faas.yaml'), YAML.replace('sends: [orders]', 'sends: [orders]').replace("      - queue: orders\n", "      - queue: orders\n    buckets: [ { name: receipts, access: write } ]\n").replace('queues:\n  orders: {}', 'queues:\n  orders: {}\n  audit: {}').replace('sends: [orders]', 'sends: [orders, audit]'));
    const again = JSON.parse((await runCli(['validate', '--json'], p.dir)).stdout) as { diagnostics: Array<{ code: string }> };
    expect(again.diagnostics.filter((d) => d.code.startsWith('client-'))).toEqual([]);
  });

  it('every target has the clients: the same code validates for azure, aws, gcp and local', async () => {
    const p = project({ 'faas.yaml': YAML.replace('sends: [orders]', 'sends: [orders, audit]').replace('queues:\n  orders: {}', 'queues:\n  orders: {}\n  audit: {}'), 'src/api.ts': API, 'src/audit.ts': AUDIT, 'src/worker.js': 'export const handler = async () => {};\n' });
    cleanups.push(p.cleanup);
    for (const target of ['azure', 'aws', 'gcp', 'local']) {
      const r = await runCli(['validate', '--json', '--target', target], p.dir);
      const body = JSON.parse(r.stdout) as { diagnostics: Array<{ severity: string; code: string }> };
      expect(body.diagnostics.filter((d) => d.code.startsWith('client-')), target).toEqual([]);
      expect(r.code, target).toBe(0);
    }
  });
});
