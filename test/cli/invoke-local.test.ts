/**
 * `sls-x invoke <fn> --local`: the handler runs on this machine from its source, bundled and run
 * by the local target's shim and instance code, with no deploy and no local cloud.
 */
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const YAML = `service: solo
queues:
  orders: {}
buckets:
  files: {}
functions:
  api:
    handler: src/api.handler
    secrets: [API_TOKEN]
    buckets: [ { name: files, access: readwrite } ]
    events:
      - http: GET /orders/{id}
  sender:
    handler: src/api.sender
    sends: [orders]
  worker:
    handler: src/api.worker
    events:
      - queue: orders
`;
const API = `import { bucket, json, queue, type HttpRequest, type QueueMessage } from 'sls-x/runtime';
export const handler = async (req: HttpRequest, ctx) => {
  ctx.log.info('get order', { id: req.pathParams.id });
  await bucket('files').put('seen/' + req.pathParams.id, 'x');
  return json(200, { id: req.pathParams.id, token: process.env.API_TOKEN ? 'set' : 'unset', cold: ctx.coldStart });
};
export const sender = async () => queue('orders').send('hi');
export const worker = async (msgs: QueueMessage[]) => ({ failed: msgs.filter((m) => m.body === 'bad').map((m) => m.id) });
`;

describe('sls-x invoke --local', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slsx-invoke-local-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'faas.yaml'), YAML);
  writeFileSync(join(dir, 'src', 'api.ts'), API);
  writeFileSync(join(dir, '.env'), 'API_TOKEN=secret-value\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs an HTTP handler from source with no local cloud: route params, secrets from .env, logs and figures', async () => {
    const r = await runCli(['invoke', 'api', '--local', '--data', '{"pathParams":{"id":"42"}}'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('HTTP 200');
    expect(r.stdout).toMatch(/"id": "42"/);
    expect(r.stdout).toMatch(/"token": "set"/);
    expect(r.stdout).toMatch(/api \([0-9a-f-]+\): cold start · init [\d.]+ ms · duration/);
    expect(r.stderr).toMatch(/INFO +get order \{"id":"42"\}/);
    expect(r.stdout + r.stderr).not.toContain('secret-value');
    // Nothing deployed, no local cloud started; the bucket write landed in the local cloud's folder.
    expect(existsSync(join(dir, '.sls-x', 'local', 'cloud.json'))).toBe(false);
    expect(existsSync(join(dir, '.sls-x', 'local', 'buckets', 'files', 'seen', '42'))).toBe(true);
  });

  it('a queue handler gets the payload as messages (stdin works too); its partial failures are shown', async () => {
    const r = await runCli(['invoke', 'worker', '--local', '--data', '-', '--json'], dir, { stdin: '["ok", "bad"]' });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { result: { failed: string[] }; record: { outcome: string; trigger: string } };
    expect(out.result.failed).toEqual(['invoke-2']);
    expect(out.record).toMatchObject({ outcome: 'ok', trigger: 'invoke' });
  });

  it('sending to a queue is refused with why (there is no queue without the local cloud): INVOKE_FAILED with the function\'s error', async () => {
    const r = await runCli(['invoke', 'sender', '--local'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('INVOKE_FAILED');
    expect(r.stderr).toContain("invoke --local runs sender alone, with no local cloud: there is no queue 'orders' to send to");
    expect(existsSync(join(dir, '.sls-x', 'local', 'cloud.json'))).toBe(false);
  });

  it('refuses --local with a cloud --target, and an unknown function, as usage errors', async () => {
    const both = await runCli(['invoke', 'api', '--local', '--target', 'aws'], dir);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--local runs the handler on this machine; it cannot be combined with --target aws');
    const unknown = await runCli(['invoke', 'nope', '--local'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("There is no function 'nope'");
  });
});
