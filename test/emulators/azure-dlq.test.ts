/**
 * `sls-x queue dlq` on Azure against Azurite's Queue service in OAuth mode (HTTPS, bearer tokens
 * checked): a queue's `-poison` messages are listed without being consumed, then redriven to the
 * queue as they were stored (attributes' envelope included), through the adapter's own data-plane
 * requests (its HttpClient and credential, as a deploy's).
 */
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterContext } from '../../src/core/adapter.js';
import { adapter } from '../../providers/azure/index.js';
import { session } from '../../providers/azure/operations.js';
import { messageBytes, openEnvelope, STORAGE_VERSION } from '../../templates/shims/common/azure-resources.js';
import { fn, service } from '../azure/support/service.js';
import { SUB } from '../azure/support/fake-arm.js';
import { runCli } from '../support/cli.js';
import { makeProject } from '../bundle/helpers.js';
import { startAzurite, storageToken, type Azurite } from './support/azurite.js';

let az: Azurite;
beforeAll(async () => {
  az = await startAzurite({ oauth: true });
}, 60_000);
afterAll(async () => az?.stop());

const admin = (method: string, url: string, body?: string): Promise<Response> =>
  az.fetch(url, { method, headers: { authorization: `Bearer ${storageToken()}`, 'x-ms-version': STORAGE_VERSION }, ...(body === undefined ? {} : { body }) });

/** The adapter's HttpClient, over the fetch that trusts this Azurite's certificate. */
function httpClient(): HttpClient {
  return {
    async sendRequest(req: PipelineRequest): Promise<PipelineResponse> {
      const headers: Record<string, string> = {};
      for (const [k, v] of req.headers) headers[k] = v;
      const res = await az.fetch(req.url, { method: req.method, headers, ...(req.body === undefined || req.body === null ? {} : { body: req.body as string }) });
      const out = createHttpHeaders();
      res.headers.forEach((v, k) => out.set(k, v));
      return { request: req, status: res.status, headers: out, bodyAsText: await res.text() };
    },
  };
}

describe('sls-x queue dlq on Azure (Azurite queues, OAuth)', () => {
  const svc = service([fn('worker', { events: [{ kind: 'queue', queue: 'orders', batchSize: 1, batchWindowMs: 0 }] })], {
    queues: [{ name: 'orders', visibilityTimeoutMs: 30_000, maxRetries: 4, deadLetter: true, retentionMs: 86_400_000 }],
  });
  const ctx = (): AdapterContext => ({
    env: { SLSX_AZURE_QUEUE_ENDPOINT: az.queueUrl },
    cwd: '/project',
    events: () => {},
    now: () => new Date(),
    clients: { credential: { getToken: async () => ({ token: storageToken(), expiresOnTimestamp: Date.now() + 3_600_000 }) }, httpClient: httpClient() },
  });

  it('lists the poison messages without taking them, then moves them back as they were stored', async () => {
    const c = ctx();
    const s = await session(svc, c);
    const [queue, poison] = [s.names.queue('orders'), s.names.queue('orders', true)];
    for (const q of [queue, poison]) expect((await admin('PUT', `${az.queueUrl}/${q}`)).status).toBe(201);
    const stored = [
      Buffer.from(messageBytes({ body: '{"order":1}', attributes: {} })).toString('base64'),
      Buffer.from(messageBytes({ body: '{"order":2}', attributes: { tenant: 'a' } })).toString('base64'),
    ];
    for (const text of stored) expect((await admin('POST', `${az.queueUrl}/${poison}/messages`, `<QueueMessage><MessageText>${text}</MessageText></QueueMessage>`)).status).toBe(201);

    const listed = await adapter.deadLetters!(svc, 'orders', c);
    expect(listed.map((m) => [m.body, m.attempts]).sort()).toEqual([
      ['{"order":1}', 5],
      ['{"order":2}', 5],
    ]);
    expect(listed.every((m) => m.id && m.enqueuedAt > 0)).toBe(true);
    // Handed back: listed again whole at once.
    expect((await adapter.deadLetters!(svc, 'orders', c)).length).toBe(2);

    expect(await adapter.redrive!(svc, 'orders', c)).toBe(2);
    expect(await adapter.deadLetters!(svc, 'orders', c)).toEqual([]);
    const res = await admin('GET', `${az.queueUrl}/${queue}/messages?numofmessages=32&visibilitytimeout=30`);
    const texts = [...(await res.text()).matchAll(/<MessageText>([^<]*)<\/MessageText>/g)].map((m) => m[1]!);
    expect(texts.sort()).toEqual([...stored].sort());
    const opened = texts.map((t) => openEnvelope(Buffer.from(t, 'base64'))).find((o) => o.opened);
    expect(opened?.attributes).toEqual({ tenant: 'a' });
  }, 60_000);

  it('through the CLI: the listing, then --redrive --json', async () => {
    const p = makeProject({
      'faas.yaml': ['service: shop', 'runtime: node20', 'targets:', `  azure: { region: westeurope, resourceGroup: shop-rg }`, 'queues:', '  jobs: { deadLetter: true, maxRetries: 2 }', 'functions:', '  w:', '    handler: src/w.handler', '    events:', '      - queue: jobs', ''].join('\n'),
      'src/w.mjs': 'export const handler = async () => {};\n',
    });
    try {
      const c = ctx();
      const s = await session(service([fn('w')], {}), c);
      const poison = s.names.queue('jobs', true);
      for (const q of [s.names.queue('jobs'), poison]) expect((await admin('PUT', `${az.queueUrl}/${q}`)).status).toBe(201);
      const text = Buffer.from(messageBytes({ body: 'poison pill', attributes: {} })).toString('base64');
      expect((await admin('POST', `${az.queueUrl}/${poison}/messages`, `<QueueMessage><MessageText>${text}</MessageText></QueueMessage>`)).status).toBe(201);
      const opts = { env: { AZURE_SUBSCRIPTION_ID: SUB, ...c.env }, clients: { azure: c.clients } };
      const list = await runCli(['queue', 'dlq', 'jobs', '--target', 'azure'], p.root, opts);
      expect(list.stderr).toBe('');
      expect(list.code).toBe(0);
      expect(list.stdout).toContain('1 dead-lettered message(s) in jobs');
      expect(list.stdout).toContain('attempts 3');
      expect(list.stdout).toContain('poison pill');
      const moved = await runCli(['queue', 'dlq', 'jobs', '--target', 'azure', '--redrive', '--json'], p.root, opts);
      expect(moved.code).toBe(0);
      expect(JSON.parse(moved.stdout)).toEqual({ queue: 'jobs', moved: 1 });
    } finally {
      p.cleanup();
    }
  }, 60_000);

  it('a queue that is not deployed says so; a plain http endpoint is refused before any token is sent', async () => {
    // (One Azurite account here: a stage's own storage account is what isolates it on Azure.)
    const other = service([fn('worker')], { queues: [{ name: 'never-made', visibilityTimeoutMs: 30_000, maxRetries: 4, deadLetter: true, retentionMs: 86_400_000 }] });
    await expect(adapter.deadLetters!(other, 'never-made', ctx())).rejects.toMatchObject({ code: 'FUNCTION_NOT_FOUND' });
    await expect(adapter.redrive!(other, 'never-made', ctx())).rejects.toMatchObject({ code: 'FUNCTION_NOT_FOUND' });
    // Storage refusing the identity (Azurite enforces no roles: a recorded 403): the hint names the data role.
    const denied = { ...ctx(), clients: { ...(ctx().clients as object), httpClient: { sendRequest: async (req: PipelineRequest) => ({ request: req, status: 403, headers: createHttpHeaders(), bodyAsText: '<Error><Code>AuthorizationPermissionMismatch</Code></Error>' }) } } };
    await expect(adapter.deadLetters!(svc, 'orders', denied)).rejects.toMatchObject({ code: 'ACCESS_DENIED', hint: expect.stringContaining('Storage Queue Data Contributor') });
    const plain = { ...ctx(), env: { SLSX_AZURE_QUEUE_ENDPOINT: az.queueUrl.replace('https://', 'http://') } };
    await expect(adapter.deadLetters!(svc, 'orders', plain)).rejects.toMatchObject({ code: 'USAGE' });
  });
});
