/**
 * The portable queue and bucket clients on the local target, end to end through the real
 * bundler and local cloud: an HTTP function enqueues with `queue('orders').send`, the worker
 * writes a receipt with `bucket('receipts').put`, that write is a storage event for a third
 * function, which reads it back with `bucket('receipts').get`. Binary and JSON bodies round-trip
 * byte for byte; an undeclared queue or a write to a read-only bucket is refused, naming the fix.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy, fn, http, queue, service, tempProject, waitFor } from './helpers.js';

const CODE = `
import { appendFileSync } from 'node:fs';
import { bucket, json, queue } from 'sls-x/runtime';

export async function api(req) {
  const id = req.pathParams.id;
  const sent = await queue('orders').send({ id, total: 42 }, { attributes: { source: 'api' } });
  const bin = await queue('orders').send(new Uint8Array([0, 255, 1, 128, 10]), { attributes: { binary: 'yes' } });
  const batch = await queue('orders').sendBatch(Array.from({ length: 12 }, (_, i) => ({ body: 'b' + i, attributes: { batch: 'yes' } })));
  return json(202, { sent: sent.id, bin: bin.id, batch: batch.sent.length, failed: batch.failed.length });
}

export async function link(req) {
  const url = await bucket('receipts').signedUrl(req.query.key, { method: req.query.method, expiresIn: 60 });
  return json(200, { url });
}

export async function undeclared() {
  try {
    await queue('audit').send('x');
    return json(200, { ok: true });
  } catch (err) {
    return json(500, { error: err.message });
  }
}

export async function worker(messages) {
  for (const m of messages) {
    if (m.attributes.batch) { appendFileSync(process.env.OUT, JSON.stringify({ kind: 'batch', body: m.body }) + '\\n'); continue; }
    if (m.attributes.binary) {
      await bucket('receipts').put('bin/' + m.id, m.bytes());
      appendFileSync(process.env.OUT, JSON.stringify({ kind: 'binary', bytes: [...m.bytes()], attributes: m.attributes }) + '\\n');
      continue;
    }
    const order = m.json();
    await bucket('receipts').put('receipts/' + order.id + '.json', { id: order.id, total: order.total, paid: true });
  }
}

export async function audit(events) {
  for (const e of events) {
    if (!e.key.startsWith('receipts/')) continue;
    const obj = await bucket('receipts').get(e.key);
    const listed = await bucket('receipts').list({ prefix: 'receipts/' });
    let refused = '';
    try { await bucket('receipts').put('nope.txt', 'x'); } catch (err) { refused = err.message; }
    appendFileSync(process.env.OUT, JSON.stringify({ kind: 'receipt', key: e.key, receipt: obj.json(), size: obj.size, listed: listed.objects.map((o) => o.key), refused }) + '\\n');
  }
}
`;

function lines(file: string): Array<Record<string, any>> {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}

describe('queue and bucket clients on local: HTTP -> queue.send -> worker -> bucket.put -> storage trigger -> bucket.get', () => {
  const project = tempProject({ 'src/app.mjs': CODE });
  const out = join(project.root, 'out.jsonl');
  const svc = service(project.root, {
    queues: [queue('orders'), queue('audit')],
    buckets: [{ name: 'receipts' }],
    functions: [
      fn('api', 'src/app.mjs#api', [http('POST', '/orders/{id}')], { sends: ['orders'] }),
      fn('undeclared', 'src/app.mjs#undeclared', [http('GET', '/undeclared')], { sends: ['orders'] }),
      fn('link', 'src/app.mjs#link', [http('GET', '/link')], { buckets: [{ name: 'receipts', access: 'readwrite' }] }),
      fn('worker', 'src/app.mjs#worker', [{ kind: 'queue', queue: 'orders', batchSize: 10, batchWindowMs: 0 }], { env: { OUT: out }, buckets: [{ name: 'receipts', access: 'write' }] }),
      fn('audit', 'src/app.mjs#audit', [{ kind: 'storage', bucket: 'receipts', on: ['created'] }], { env: { OUT: out }, buckets: [{ name: 'receipts', access: 'read' }] }),
    ],
  });
  let base = '';
  beforeAll(async () => {
    base = ((await deploy(svc)).outputs.localCloud as { url: string }).url;
  }, 120_000);
  afterAll(() => project.cleanup());

  it('one request flows through the queue, the worker, the bucket and the storage trigger', async () => {
    const res = await fetch(`${base}/orders/A-1`, { method: 'POST' });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { sent: string; bin: string; batch: number; failed: number };
    expect(body.batch).toBe(12); // chunked by 10, every one accepted
    expect(body.failed).toBe(0);

    const receipt = await waitFor(() => lines(out).find((l) => l.kind === 'receipt'), 'the receipt read back by the storage trigger');
    expect(receipt.key).toBe('receipts/A-1.json');
    expect(receipt.receipt).toEqual({ id: 'A-1', total: 42, paid: true });
    expect(receipt.listed).toEqual(['receipts/A-1.json']);
    // access: read is enforced by the client, with the declaration to change.
    expect(receipt.refused).toMatch(/bucket 'receipts' is declared with access: read, so it cannot be written: declare access: readwrite/);

    const binary = await waitFor(() => lines(out).find((l) => l.kind === 'binary'), 'the binary message');
    expect(binary.bytes).toEqual([0, 255, 1, 128, 10]);
    // The encoding marker is the clients' own: the handler sees only its attributes.
    expect(binary.attributes).toEqual({ binary: 'yes' });
    const stored = readFileSync(join(project.root, '.sls-x', 'local', 'buckets', 'receipts', 'bin', body.bin));
    expect([...stored]).toEqual([0, 255, 1, 128, 10]);

    const batch = await waitFor(() => {
      const got = lines(out).filter((l) => l.kind === 'batch');
      return got.length === 12 ? got : undefined;
    }, 'the 12 batched messages');
    expect(batch.map((b) => b.body).sort()).toEqual(Array.from({ length: 12 }, (_, i) => 'b' + i).sort());
  });

  it('a queue the function did not declare is refused, saying which declaration to add', async () => {
    const res = await fetch(`${base}/undeclared`);
    expect(res.status).toBe(500);
    const { error } = (await res.json()) as { error: string };
    expect(error).toMatch(/queue 'audit' is not declared for this function: add 'audit' to `sends:` of function 'undeclared' in faas.yaml and deploy again \(declared: orders\)/);
  });

  it('signed URLs: the gateway serves and stores objects for the holder of a valid URL, and nobody else', async () => {
    const get = ((await (await fetch(`${base}/link?key=receipts/A-1.json&method=GET`)).json()) as { url: string }).url;
    expect(get.startsWith(`${base}/_slsx/objects/receipts/receipts/A-1.json?method=GET&expires=`)).toBe(true);
    const got = await fetch(get);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual({ id: 'A-1', total: 42, paid: true });
    // Tampered with, or used for another method: refused.
    expect((await fetch(get.replace(/signature=./, (m) => m.slice(0, -1) + (m.endsWith('0') ? '1' : '0')))).status).toBe(403);
    expect((await fetch(get, { method: 'PUT', body: 'x' })).status).toBe(403);
    expect((await fetch(get.replace('A-1.json', 'A-2.json'))).status).toBe(403);

    const put = ((await (await fetch(`${base}/link?key=uploads/new.bin&method=PUT`)).json()) as { url: string }).url;
    const stored = await fetch(put, { method: 'PUT', body: new Uint8Array([5, 4, 3]) });
    expect(stored.status).toBe(200);
    expect([...readFileSync(join(project.root, '.sls-x', 'local', 'buckets', 'receipts', 'uploads', 'new.bin'))]).toEqual([5, 4, 3]);
  });
});
