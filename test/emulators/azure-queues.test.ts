/**
 * Storage queues and their poison queues on Azurite, as the azure adapter creates them and as the
 * shim's queue adapter consumes them.
 *
 * Real here: the queues a deploy creates (the adapter's real `@azure/arm-storage` calls, bridged to
 * Create Queue on Azurite: support/azure-arm-bridge.ts), the app settings that name them and set
 * the retries, Azurite's messages (ids, dequeue counts, visibility, base64 MessageText), and the
 * shim registered through the real @azure/functions library (test/shims/azure-host.ts).
 *
 * A stand-in: the Functions host's queue listener, which is not emulated anywhere. `hostPoll`
 * does what the Storage queues extension documents and its code does
 * (https://learn.microsoft.com/azure/azure-functions/functions-bindings-storage-queue-trigger,
 * "Poison messages"; azure-webjobs-sdk QueueListenerFactory `poisonQueueSuffix = "-poison"`):
 * dequeue one message, decode MessageText as base64 (the extension's default `messageEncoding`;
 * the package's host.json sets none), hand the bytes to the function (dataType binary); on
 * success delete it; on failure make it visible again, or, once its dequeue count reached
 * `maxDequeueCount`, copy it to `<queue>-poison` and delete it. The visibility timeout between
 * attempts is 0 here (the app setting holds the real one).
 *
 * `sls-x queue dlq [--redrive]` has no azure implementation (no data-plane code reads or moves
 * `<queue>-poison`): the last test pins that it says so (exit 2) instead of pretending.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapter } from '../../providers/azure/index.js';
import { azureNames } from '../../providers/azure/naming.js';
import { azureAppFiles } from '../../src/bundle/package-files.js';
import type { AdapterContext } from '../../src/core/adapter.js';
import type { QueueMessage } from '../../src/runtime/index.js';
import { installResourceDriver, installResourceScope } from '../../src/runtime/resources.js';
import { registerAzureFunction } from '../../templates/shims/azure.js';
import { FakeArm, SUB } from '../azure/support/fake-arm.js';
import { artifacts } from '../azure/support/service.js';
import { shop } from '../azure/support/shop.js';
import { deployWith } from '../support/adapter-run.js';
import { runCli } from '../support/cli.js';
import { installFakeHost, type Registration } from '../shims/azure-host.js';
import { ArmStorageBridge } from './support/azure-arm-bridge.js';
import { startAzurite, type Azurite } from './support/azurite.js';

const host = installFakeHost();
const names = azureNames('shop', 'dev', 'shop-rg');

let az: Azurite;
let arm: FakeArm;
let bridge: ArmStorageBridge;
let settings: Record<string, string>;
let worker: Registration;
const saved = { ...process.env };
const dirs: string[] = [];

/** What the worker was handed, per invocation. */
const seen: Array<{ id: string; body: string; bytes: Buffer; attempt: number; enqueuedAt: string }> = [];
/** Bodies the worker fails on (throws), and how many more times; `partial:` ones fail through `{ failed }`. */
const failuresLeft = new Map<string, number>();

async function handleOrders(msgs: QueueMessage[]) {
  const failed: string[] = [];
  for (const m of msgs) {
    seen.push({ id: m.id, body: m.body, bytes: Buffer.from(m.bytes()), attempt: m.attempt, enqueuedAt: m.enqueuedAt });
    const left = failuresLeft.get(m.body) ?? 0;
    if (left > 0) {
      failuresLeft.set(m.body, left - 1);
      if (m.body.startsWith('partial:')) failed.push(m.id);
      else throw new Error(`cannot process ${m.body}`);
    }
  }
  return { failed };
}

interface Peeked {
  id: string;
  popReceipt: string;
  text: string;
  dequeueCount: number;
  insertionTime: string;
}

function parseMessages(xml: string): Peeked[] {
  return [...xml.matchAll(/<QueueMessage>([\s\S]*?)<\/QueueMessage>/g)].map((m) => {
    const get = (tag: string) => new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(m[1]!)?.[1] ?? '';
    return { id: get('MessageId'), popReceipt: get('PopReceipt'), text: get('MessageText'), dequeueCount: Number(get('DequeueCount')), insertionTime: get('InsertionTime') };
  });
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A producer that is not sls-x: Put Message with the body's bytes as base64 MessageText. */
async function put(queue: string, bytes: Uint8Array): Promise<string> {
  const r = await bridge.storage('POST', `${az.queueUrl}/${queue}/messages`, { 'content-type': 'application/xml' }, `<QueueMessage><MessageText>${xmlEscape(Buffer.from(bytes).toString('base64'))}</MessageText></QueueMessage>`);
  expect(r.status).toBe(201);
  return parseMessages(r.text)[0]!.id;
}

async function peekAll(queue: string): Promise<Peeked[]> {
  const r = await bridge.storage('GET', `${az.queueUrl}/${queue}/messages?peekonly=true&numofmessages=32`);
  expect(r.status).toBe(200);
  return parseMessages(r.text);
}

/** The Functions host's queue listener, one message (see the file comment). Returns false when the queue is empty. */
async function hostPoll(): Promise<boolean> {
  const binding = Object.values(worker.bindings).find((b) => b.direction === 'in')!;
  // `%SLSX_QUEUE_ORDERS%`: a binding expression the host resolves from the app settings.
  const queue = String(binding.queueName).replace(/^%(.+)%$/, (_, k: string) => settings[k] ?? '');
  const maxDequeueCount = Number(settings.AzureFunctionsJobHost__extensions__queues__maxDequeueCount ?? 5);
  const got = await bridge.storage('GET', `${az.queueUrl}/${queue}/messages?numofmessages=1&visibilitytimeout=30`);
  expect(got.status).toBe(200);
  const [m] = parseMessages(got.text);
  if (!m) return false;
  const bytes = Buffer.from(m.text, 'base64');
  const ok = await host.invoke(worker, { bytes }, { Id: { string: m.id }, DequeueCount: { json: String(m.dequeueCount) }, InsertionTime: { string: new Date(m.insertionTime).toISOString() }, PopReceipt: { string: m.popReceipt } }).then(
    () => true,
    () => false,
  );
  const receipt = encodeURIComponent(m.popReceipt);
  if (!ok && m.dequeueCount < maxDequeueCount) {
    const again = await bridge.storage('PUT', `${az.queueUrl}/${queue}/messages/${m.id}?popreceipt=${receipt}&visibilitytimeout=0`);
    expect(again.status).toBe(204);
    return true;
  }
  if (!ok) {
    const poisoned = await bridge.storage('POST', `${az.queueUrl}/${queue}-poison/messages`, { 'content-type': 'application/xml' }, `<QueueMessage><MessageText>${xmlEscape(m.text)}</MessageText></QueueMessage>`);
    expect(poisoned.status).toBe(201);
  }
  const del = await bridge.storage('DELETE', `${az.queueUrl}/${queue}/messages/${m.id}?popreceipt=${receipt}`);
  expect(del.status).toBe(204);
  return true;
}

async function drain(): Promise<void> {
  for (let i = 0; i < 50; i++) if (!(await hostPoll())) return;
  throw new Error('the queue did not drain in 50 polls');
}

function command(): AdapterContext {
  return { env: {}, cwd: '/project', events: () => {}, now: () => new Date(), clients: bridge.clients };
}

function project(faas: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'slsx-azure-queues-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'w.ts'), 'export const handler = async () => {};\n');
  writeFileSync(join(dir, 'faas.yaml'), faas);
  return dir;
}

beforeAll(async () => {
  az = await startAzurite({ oauth: true });
  arm = new FakeArm();
  bridge = new ArmStorageBridge(arm, az);
  await deployWith(adapter, shop(), artifacts(shop()), command());
  const site = [...arm.appSettings.entries()].find(([id]) => id.endsWith(`/microsoft.web/sites/${names.app}`));
  expect(site).toBeDefined();
  settings = site![1];
  // The app's settings are the worker's environment, as on Azure.
  Object.assign(process.env, settings);
  host.registrations.length = 0;
  registerAzureFunction(handleOrders, { functionName: 'worker', target: 'azure' }, { write: () => {} });
  worker = host.registrations.find((r) => r.name === 'worker')!;
  expect(worker).toBeDefined();
}, 60_000);

afterAll(async () => {
  installResourceDriver(undefined);
  installResourceScope(undefined);
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  await az?.stop();
  host.restore();
});

describe('azure queues and poison queues on Azurite', () => {
  it('a deploy creates exactly <queue> and <queue>-poison on Azurite; the app settings name them and set the retries', async () => {
    const list = await bridge.storage('GET', `${az.queueUrl}?comp=list`);
    expect([...list.text.matchAll(/<Name>([^<]+)<\/Name>/g)].map((m) => m[1]).sort()).toEqual(['orders', 'orders-poison']);
    expect(names.queue('orders', true)).toBe('orders-poison');
    expect(settings.SLSX_QUEUE_ORDERS).toBe('orders');
    // shop(): maxRetries 3 -> 4 deliveries; the host's maxDequeueCount counts deliveries.
    expect(settings.AzureFunctionsJobHost__extensions__queues__maxDequeueCount).toBe('4');
    // The worker's trigger: the queue through its app setting, the bytes as sent.
    const binding = Object.values(worker.bindings).find((b) => b.direction === 'in')!;
    expect(binding).toMatchObject({ type: 'queueTrigger', queueName: '%SLSX_QUEUE_ORDERS%', connection: 'AzureWebJobsStorage', dataType: 'binary' });
    // The package's host.json leaves the extension's messageEncoding at its default, base64.
    const hostJson = JSON.parse(azureAppFiles(shop(), shop().functions).files['host.json']!) as { extensions?: { queues?: { messageEncoding?: string } } };
    expect(hostJson.extensions?.queues?.messageEncoding).toBeUndefined();
  });

  it('a message put on the queue by Storage REST reaches the handler byte for byte, with Azurite\'s id, dequeue count and insertion time', async () => {
    const bodies: Buffer[] = [
      Buffer.from('{"id": 12345678901234567890, "note": "  two  spaces"}'), // JSON-looking: not parsed, not re-stringified
      Buffer.from('"a JSON string"'),
      Buffer.from('grüße, 日本, 💎 & <xml>'),
      Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41, 0xc3]), // not UTF-8
      Buffer.alloc(48 * 1024, 0x5a).fill(0x7f, 100, 200), // 48 KiB: base64 of it is a full 64 KiB message
    ];
    seen.length = 0;
    const ids: string[] = [];
    for (const b of bodies) ids.push(await put('orders', b));
    const queued = await peekAll('orders');
    await drain();
    expect(seen.map((s) => s.id).sort()).toEqual([...ids].sort());
    for (const [i, b] of bodies.entries()) {
      const got = seen.find((s) => s.id === ids[i])!;
      expect(got.bytes.equals(b)).toBe(true);
      expect(got.body).toBe(b.toString('utf8'));
      expect(got.attempt).toBe(1);
      expect(got.enqueuedAt).toBe(new Date(queued.find((q) => q.id === ids[i])!.insertionTime).toISOString());
    }
    expect(await peekAll('orders')).toEqual([]);
    expect(await peekAll('orders-poison')).toEqual([]);
  });

  it('a failing message is retried with Azurite\'s dequeue count as the attempt, then lands in <queue>-poison with the same MessageText', async () => {
    seen.length = 0;
    failuresLeft.set('always fails', 99);
    failuresLeft.set('partial: fails once', 1);
    const bad = await put('orders', Buffer.from('always fails'));
    const once = await put('orders', Buffer.from('partial: fails once'));
    await drain();
    expect(seen.filter((s) => s.id === bad).map((s) => s.attempt)).toEqual([1, 2, 3, 4]);
    // `{ failed: [id] }` fails that message the same way; the retry succeeds.
    expect(seen.filter((s) => s.id === once).map((s) => s.attempt)).toEqual([1, 2]);
    expect(await peekAll('orders')).toEqual([]);
    const poison = await peekAll('orders-poison');
    expect(poison).toHaveLength(1);
    expect(Buffer.from(poison[0]!.text, 'base64').toString()).toBe('always fails');
    expect(poison[0]!.text).toBe(Buffer.from('always fails').toString('base64'));
  });

  it('queue names: what `sls-x validate --target azure` accepts, Azurite creates (the queue and its -poison); what it refuses, Azurite refuses', async () => {
    const long = (n: number) => `q${'x'.repeat(n - 1)}`;
    const candidates = ['ab', 'abc', 'a1-b2', long(56), long(57)];
    const dir = project(
      ['service: shop', 'runtime: node20', 'targets:', '  azure: { region: westeurope, resourceGroup: shop-rg }', 'queues:', ...candidates.map((q) => `  ${q}: {}`), 'functions:', '  w:', '    handler: src/w.handler', '    events:', '      - queue: abc', ''].join('\n'),
    );
    const res = await runCli(['validate', '--target', 'azure', '--json'], dir, { env: {} });
    const refusedByValidate = new Set<string>();
    if (res.code !== 0) {
      expect(res.code).toBe(2);
      const out = JSON.parse(res.stdout) as { diagnostics: Array<{ severity: string; target?: string; path?: string; file?: string; line?: number; col?: number }> };
      for (const d of out.diagnostics.filter((x) => x.severity === 'error')) {
        expect(d).toMatchObject({ target: 'azure', file: 'faas.yaml', line: expect.any(Number), col: expect.any(Number) });
        refusedByValidate.add(String(d.path).replace(/^queues\./, ''));
      }
    }
    const refusedByAzurite = new Set<string>();
    for (const q of candidates) {
      for (const physical of [names.queue(q), names.queue(q, true)]) {
        const r = await bridge.storage('PUT', `${az.queueUrl}/${physical}`);
        if (r.status !== 201) {
          expect([400]).toContain(r.status);
          refusedByAzurite.add(q);
        }
      }
    }
    expect([...refusedByAzurite].sort()).toEqual(['ab', long(57)].sort());
    expect([...refusedByValidate].sort()).toEqual([...refusedByAzurite].sort());
  });
});
