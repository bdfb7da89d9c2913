import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempProject, waitFor } from './helpers.js';
import { runCli, type CliRun } from '../support/cli.js';

const cli = (argv: string[], cwd: string): Promise<CliRun> => runCli(argv, cwd, { env: { ...process.env, CI: '1' } });

const YAML = `
service: clishop
runtime: node20
targets:
  local: { port: 0, idleTimeout: 10m }
queues:
  orders: { visibilityTimeout: 1s, maxRetries: 1, deadLetter: true }
buckets:
  uploads: {}
functions:
  api:
    handler: src/api.handler
    events:
      - http: GET /orders/{id}
  worker:
    handler: src/api.worker
    events:
      - queue: { name: orders, batchSize: 5 }
  thumbs:
    handler: src/api.thumbs
    events:
      - storage: { bucket: uploads, on: created }
`;

const CODE = `
import { appendFileSync } from 'node:fs';
export const handler = async (req, ctx) => { ctx.log.info('got order', { id: req.pathParams.id }); return { id: req.pathParams.id }; };
export const worker = async (msgs) => { for (const m of msgs) if (m.body === 'bad') throw new Error('bad message ' + m.id); };
export const thumbs = async (evs) => { appendFileSync('thumbs.log', evs.map((e) => e.key).join('\\n') + '\\n'); };
`;

describe('the CLI on the local target: deploy, invoke, logs, metrics, queue, bucket, remove', () => {
  const project = tempProject({ 'faas.yaml': YAML, 'src/api.mjs': CODE, 'photo.jpg': 'jpeg' });
  let url = '';
  beforeAll(async () => {
    const out = await cli(['deploy'], project.root);
    expect(out.stderr).not.toContain('INTERNAL');
    expect(out.code).toBe(0);
    url = /(http:\/\/127\.0\.0\.1:\d+)\/orders\/\{id\}/.exec(out.stdout)?.[1] ?? '';
  }, 60_000);
  afterAll(() => project.cleanup());

  it('deploy prints the endpoint, and it answers', async () => {
    expect(url).not.toBe('');
    expect(await (await fetch(`${url}/orders/9`)).json()).toEqual({ id: '9' });
  });

  it('invoke prints the result and its figures; a bad --data is a usage error', async () => {
    const out = await cli(['invoke', 'api', '--data', '{"pathParams":{"id":"5"}}'], project.root);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('HTTP 200');
    expect(out.stdout).toContain('"id": "5"');
    expect(out.stdout).toMatch(/api \([0-9a-f-]+\): (warm|cold start · init [\d.]+ ms) · duration [\d.]+ ms · billed \d+ ms/);
    const bad = await cli(['invoke', 'api', '--data', '{oops'], project.root);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--data is not valid JSON');
    const missing = await cli(['invoke', 'nope'], project.root);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no function 'nope'");
  });

  it('logs prints structured lines per invocation', async () => {
    const out = await cli(['logs', 'api'], project.root);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/── invocation [0-9a-f-]+\n.*INFO  got order \{"id":"(9|5)"\}/);
    const json = await cli(['logs', 'api', '--json'], project.root);
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.some((l) => l.message === 'got order' && l.level === 'info' && l.requestId)).toBe(true);
    expect((await cli(['logs', 'api', '--since', 'yesterday'], project.root)).code).toBe(2);
  });

  it('queue send, then dlq lists the failed one and --redrive moves it back', async () => {
    const sent = await cli(['queue', 'send', 'orders', 'bad'], project.root);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/Sent message [0-9a-f-]+ to orders/);
    const listed = await waitFor(async () => {
      const out = await cli(['queue', 'dlq', 'orders'], project.root);
      return out.stdout.includes('1 dead-lettered') ? out : undefined;
    }, 'the DLQ to fill');
    expect(listed.stdout).toContain('body:  bad');
    expect(listed.stdout).toContain('bad message');
    const moved = await cli(['queue', 'dlq', 'orders', '--redrive'], project.root);
    expect(moved.stdout).toContain('Moved 1 message(s)');
    const unknown = await cli(['queue', 'send', 'nope', 'x'], project.root);
    expect(unknown.code).toBe(2);
  });

  it('bucket put fires the storage trigger', async () => {
    const out = await cli(['bucket', 'put', 'uploads', 'photo.jpg', '--key', 'images/p.jpg'], project.root);
    expect(out.code).toBe(0);
    await waitFor(() => {
      try {
        return readFileSync(join(project.root, 'thumbs.log'), 'utf8').includes('images/p.jpg') ? true : undefined;
      } catch {
        return undefined;
      }
    }, 'the storage event');
    const missing = await cli(['bucket', 'put', 'uploads', 'missing.jpg'], project.root);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('Cannot read missing.jpg: no such file') });
    const folder = await cli(['bucket', 'put', 'uploads', 'src'], project.root);
    expect(folder).toMatchObject({ code: 2, stderr: expect.stringContaining('src is a folder') });
  });

  it('metrics prints per-function figures (table and JSON)', async () => {
    const out = await cli(['metrics'], project.root);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^function\s+invocations\s+cold\s+init p50\/p95/m);
    expect(out.stdout).toMatch(/^api\s+\d+\s+1\s/m);
    const json = JSON.parse((await cli(['metrics', '--json'], project.root)).stdout);
    const api = json.functions.find((f: { function: string }) => f.function === 'api');
    expect(api.invocations).toBeGreaterThanOrEqual(2);
    expect(api.coldStarts).toBe(1);
    expect(api.init.count).toBe(1);
  });

  it('deploy again changes nothing; remove stops the local cloud and deletes its state', async () => {
    const again = await cli(['deploy', '--json'], project.root);
    expect(again.code).toBe(0);
    const plan = JSON.parse(again.stdout).plan;
    expect(plan.changes.filter((c: { action: string }) => c.action !== 'noop')).toEqual([]);
    const removed = await cli(['remove'], project.root);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('resource(s) deleted');
    await expect(fetch(`${url}/orders/1`)).rejects.toThrow();
  });

  it('a port in use fails deploy with LOCAL_CLOUD and exit 2', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    writeFileSync(join(project.root, 'faas.yaml'), YAML.replace('port: 0', `port: ${port}`));
    try {
      const out = await cli(['deploy'], project.root);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain('LOCAL_CLOUD');
      expect(out.stderr).toContain(`Port ${port}`);
      expect(out.stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });
});
