/**
 * examples/shop as a user runs it (README quick start) on the local cloud, end to end through
 * the portable clients: POST /orders -> the API's `queue('orders').send` -> the worker on the
 * queue -> its `bucket('receipts').put` -> the receipt object in the local bucket.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { waitFor } from './helpers.js';
import { localPaths } from '../../providers/local/paths.js';

const root = mkdtempSync(join(tmpdir(), 'slsx-shop-local-'));
const cli = (argv: string[]) => runCli(argv, root, { env: { ...process.env, CI: '1' } });

describe('examples/shop on local: the API enqueues the order, the worker writes its receipt', () => {
  let url = '';
  beforeAll(async () => {
    cpSync(resolve(import.meta.dirname, '../../examples/shop'), root, { recursive: true });
    // A free port, so the test never collides with a running local cloud.
    const yaml = readFileSync(join(root, 'faas.yaml'), 'utf8').replace('targets:\n', 'targets:\n  local: { port: 0 }\n');
    writeFileSync(join(root, 'faas.yaml'), yaml);
    const out = await cli(['deploy']);
    expect(out.stderr).not.toContain('INTERNAL');
    expect(out.code).toBe(0);
    url = /(http:\/\/127\.0\.0\.1:\d+)\/orders\b/.exec(out.stdout)?.[1] ?? '';
  }, 90_000);
  afterAll(async () => {
    await cli(['remove', '--yes']).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  it('POST /orders answers 202 and the receipt lands in the receipts bucket', async () => {
    expect(url).not.toBe('');
    const res = await fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 'book', quantity: 2 }) });
    expect(res.status).toBe(202);
    const order = (await res.json()) as { id: string; item: string; quantity: number };
    const file = join(localPaths(root).buckets, 'receipts', 'receipts', `${order.id}.json`);
    await waitFor(() => existsSync(file) || undefined, `receipt ${file}`);
    const receipt = JSON.parse(readFileSync(file, 'utf8')) as { order: unknown; attempt: number };
    expect(receipt.order).toEqual(order);
    expect(receipt.attempt).toBe(1);
  });

  it('a bad order is refused by the API and never reaches the queue', async () => {
    const res = await fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: '', quantity: 0 }) });
    expect(res.status).toBe(400);
  });
});
