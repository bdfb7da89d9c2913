/**
 * The GCP shim through the functions framework's REAL server (`getTestServer` from
 * `@google-cloud/functions-framework/testing`), listening on 127.0.0.1 and called with fetch,
 * with the published CloudEvent / Pub/Sub payloads.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { afterAll, describe, expect, it } from 'vitest';
import type { ShimMeta } from '../../src/model/shim.js';
import { gcpSignature, registerGcpFunction } from '../../templates/shims/gcp.js';
import * as neutral from '../fixtures/handlers/neutral.js';
import { behaviourSuite, metas, type ShimDriver } from './behaviour.js';
import { loadEvent } from './fixtures.js';

/** Registers `handler` under meta.functionName and serves it on 127.0.0.1; returns its base URL. */
async function serve(handler: Function, meta: ShimMeta, opts: Parameters<typeof registerGcpFunction>[2] = {}) {
  registerGcpFunction(handler, meta, { write: () => {}, ...opts });
  const server = getTestServer(meta.functionName) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const postEvent = (base: string, ce: unknown, path = '/') =>
  fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(ce) });

async function gcpDriver(now: () => number): Promise<ShimDriver> {
  let firings = 0;
  const m = metas('gcp');
  const api = await serve(neutral.api, m.api, { now });
  const worker = await serve(neutral.worker, m.worker, { now });
  const nightly = await serve(neutral.nightly, m.nightly, { now });
  const thumbnail = await serve(neutral.thumbnail, m.thumbnail, { now });
  return {
    async http(call) {
      const res = await fetch(`${api.base}${call.path}${call.query ? `?${call.query}` : ''}`, { method: call.method, headers: call.headers, body: call.body });
      return { status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(await res.arrayBuffer()) };
    },
    async queue(msgs) {
      // Pub/Sub pushes one message per request; a non-2xx answer makes it redeliver that message.
      const failed: string[] = [];
      for (const msg of msgs) {
        const ce = loadEvent('gcp/pubsub_text-cloudevent-input.json');
        ce.id = `ce-${msg.id}`;
        ce.data.message.messageId = msg.id;
        ce.data.message.data = Buffer.from(msg.body).toString('base64');
        ce.data.message.attributes = msg.attributes;
        ce.data.deliveryAttempt = msg.attempt;
        const res = await postEvent(worker.base, ce);
        await res.arrayBuffer();
        if (res.status < 200 || res.status > 299) failed.push(msg.id);
      }
      return failed;
    },
    async schedule() {
      // Cloud Scheduler's HTTP target (the body is the job's configured body).
      // Each firing has its own scheduled time (a retry of one firing would repeat it).
      const time = new Date(Date.UTC(2025, 0, 2, 3, 0, 0) + 60_000 * firings++).toISOString();
      const res = await fetch(nightly.base, {
        method: 'POST',
        headers: { 'x-cloudscheduler': 'true', 'x-cloudscheduler-jobname': 'projects/p/locations/l/jobs/nightly', 'x-cloudscheduler-scheduletime': time, 'content-type': 'application/json' },
        body: JSON.stringify({ job: 'nightly' }),
      });
      expect(res.status).toBe(204);
    },
    async storage(call) {
      const ce = loadEvent('gcp/storage-cloudevent-input.json');
      ce.type = call.type === 'created' ? 'google.cloud.storage.object.v1.finalized' : 'google.cloud.storage.object.v1.deleted';
      ce.source = `//storage.googleapis.com/projects/_/buckets/${call.bucket}`;
      ce.subject = `objects/${call.key}`;
      ce.data.bucket = call.bucket;
      ce.data.name = call.key;
      if (call.size === undefined) delete ce.data.size;
      else ce.data.size = String(call.size); // int64 as a JSON string, as GCS sends it
      const res = await postEvent(thumbnail.base, ce);
      expect(res.status).toBe(204);
    },
    platformRejectsMalformedJson: true,
    async close() {
      await Promise.all([api, worker, nightly, thumbnail].map((s) => s.close()));
    },
  };
}

behaviourSuite('gcp', gcpDriver);

describe('gcp shim: published CloudEvents through the framework', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    await Promise.all(closers.map((c) => c()));
  });
  const base = metas('gcp');
  let seen: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  const record = async (x: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    seen.push(...(Array.isArray(x) ? x : [x]));
  };
  const start = async (name: string, meta: ShimMeta, handler: Function = record) => {
    const s = await serve(handler, { ...meta, functionName: name });
    closers.push(s.close);
    return s.base;
  };

  it('picks the signature from the events', () => {
    expect(gcpSignature(base.worker)).toBe('cloudevent');
    expect(gcpSignature(base.thumbnail)).toBe('cloudevent');
    expect(gcpSignature(base.api)).toBe('http');
    expect(gcpSignature(base.nightly)).toBe('http');
  });

  it('maps Pub/Sub messagePublished events (structured, full sample, binary data) to queue messages', async () => {
    const url = await start('q1', base.worker);
    seen = [];
    expect((await postEvent(url, loadEvent('gcp/pubsub_text-cloudevent-input.json'))).status).toBe(204);
    expect((await postEvent(url, loadEvent('gcp/MessagePublishedData.json'))).status).toBe(204);
    const binary = loadEvent('gcp/pubsub_text-cloudevent-input.json');
    binary.data = loadEvent('gcp/MessagePublishedData-binary.json');
    expect((await postEvent(url, binary)).status).toBe(204);
    expect(seen.map((m) => ({ id: m.id, body: m.body, attempt: m.attempt, attributes: m.attributes, enqueuedAt: m.enqueuedAt }))).toEqual([
      { id: 'aaaaaa-1111-bbbb-2222-cccccccccccc', body: 'test message 3', attempt: 1, attributes: { attr1: 'attr1-value' }, enqueuedAt: '2020-09-29T11:32:00.123Z' },
      { id: 'message-id', body: 'test message 3', attempt: 1, attributes: { attr1: 'attr1-value' }, enqueuedAt: '2021-02-05T04:06:14.109Z' },
      { id: 'message-id', body: expect.any(String), attempt: 1, attributes: {}, enqueuedAt: '2021-02-05T04:06:14.109Z' },
    ]);
    expect([...seen[2].bytes()]).toEqual([1, 2, 3, 4]);
  });

  it('accepts a raw Pub/Sub push body and legacy background events (the framework converts them)', async () => {
    const url = await start('q2', base.worker);
    seen = [];
    const push = await fetch(`${url}/projects/my-project/topics/my-topic`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(loadEvent('gcp/MessagePublishedData-text.json')),
    });
    expect(push.status).toBe(204);
    const legacy = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(loadEvent('gcp/pubsub_text-legacy-input.json')) });
    expect(legacy.status).toBe(204);
    const older = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(loadEvent('gcp/legacy_pubsub-legacy-input.json')) });
    expect(older.status).toBe(204);
    expect(seen.map((m) => [m.body, m.attributes])).toEqual([
      ['test message 3', { attr1: 'attr1-value' }],
      ['test message 3', { attr1: 'attr1-value' }],
      ['This is a sample message', { attribute1: 'value1' }],
    ]);
  });

  it('answers non-2xx so Pub/Sub redelivers when the handler throws or fails the message', async () => {
    const thrower = await start('q3', base.worker, async () => {
      throw new Error('nope');
    });
    expect((await postEvent(thrower, loadEvent('gcp/pubsub_text-cloudevent-input.json'))).status).toBe(500);
    const partial = await start('q4', base.worker, async (msgs: Array<{ id: string }>) => ({ failed: [msgs[0].id] }));
    expect((await postEvent(partial, loadEvent('gcp/pubsub_text-cloudevent-input.json'))).status).toBe(500);
  });

  it('takes the attempt from deliveryAttempt', async () => {
    const url = await start('q5', base.worker);
    seen = [];
    const ce = loadEvent('gcp/MessagePublishedData.json');
    ce.data.deliveryAttempt = 5;
    await postEvent(url, ce);
    expect(seen[0].attempt).toBe(5);
  });

  it('maps Cloud Storage events: structured, Workflows flavour, legacy and binary mode; ignores other changes', async () => {
    const url = await start('s1', base.thumbnail);
    seen = [];
    expect((await postEvent(url, loadEvent('gcp/storage-cloudevent-input.json'))).status).toBe(204);
    expect((await postEvent(url, loadEvent('gcp/StorageObjectDataWorkflows.json'))).status).toBe(204);
    const legacy = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(loadEvent('gcp/storage-legacy-input.json')) });
    expect(legacy.status).toBe(204);
    const binary = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-type': 'google.cloud.storage.object.v1.deleted',
        'ce-source': '//storage.googleapis.com/projects/_/buckets/some-bucket',
        'ce-id': 'bin-1',
        'ce-time': '2020-04-23T07:38:57.230Z',
      },
      body: JSON.stringify(loadEvent('gcp/StorageObjectData-simple.json')),
    });
    expect(binary.status).toBe(204);
    const archived = loadEvent('gcp/storage-cloudevent-input.json');
    archived.type = 'google.cloud.storage.object.v1.archived';
    expect((await postEvent(url, archived)).status).toBe(204);
    expect(seen).toEqual([
      { bucket: 'some-bucket', key: 'folder/Test.cs', size: 352, etag: 'CNHZkbuF/ugCEAE=', type: 'created', time: '2020-09-29T11:32:00.123Z' },
      { bucket: 'sample-bucket', key: 'MyFile', size: 0, etag: 'COu8mb3Dn+kCEAE=', type: 'created', time: '2021-11-25T21:04:32.279744Z' },
      { bucket: 'some-bucket', key: 'folder/Test.cs', size: 352, etag: 'CNHZkbuF/ugCEAE=', type: 'created', time: '2020-09-29T11:32:00.123Z' },
      { bucket: 'some-bucket', key: 'folder/Test.cs', size: 352, etag: 'CNHZkbuF/ugCEAE=', type: 'deleted', time: '2020-04-23T07:38:57.230Z' },
    ]);
  });

  it('applies the storage filters Eventarc cannot (on, prefix, suffix) before calling the handler', async () => {
    const meta: ShimMeta = { ...base.thumbnail, events: [{ kind: 'storage', bucket: 'uploads', on: ['created'], prefix: 'folder/', suffix: '.cs' }] };
    const url = await start('s2', meta);
    seen = [];
    const wanted = loadEvent('gcp/storage-cloudevent-input.json'); // key folder/Test.cs, finalized
    const otherPrefix = loadEvent('gcp/storage-cloudevent-input.json');
    otherPrefix.data.name = 'elsewhere/Test.cs';
    const otherSuffix = loadEvent('gcp/storage-cloudevent-input.json');
    otherSuffix.data.name = 'folder/Test.txt';
    const deleted = loadEvent('gcp/storage-cloudevent-input.json');
    deleted.type = 'google.cloud.storage.object.v1.deleted';
    for (const ev of [otherPrefix, otherSuffix, deleted, wanted]) expect((await postEvent(url, ev)).status).toBe(204);
    expect(seen.map((e: { key: string; type: string }) => `${e.type} ${e.key}`)).toEqual(['created folder/Test.cs']);
  });

  it('maps a Cloud Scheduler job CloudEvent and a Pub/Sub-delivered schedule', async () => {
    const meta: ShimMeta = { ...base.nightly, events: [...base.nightly.events, { kind: 'storage', bucket: 'b', on: ['created'] }] };
    const url = await start('sch1', meta);
    seen = [];
    const ce = loadEvent('gcp/pubsub_text-cloudevent-input.json');
    ce.type = 'google.cloud.scheduler.job.v1.executed';
    ce.data = loadEvent('gcp/SchedulerJobData-simple.json');
    expect((await postEvent(url, ce)).status).toBe(204);
    expect(seen[0]).toMatchObject({ id: 'aaaaaa-1111-bbbb-2222-cccccccccccc', time: '2020-09-29T11:32:00.123Z', input: 'my base64 data', expression: 'cron(0 3 * * *)' });
    const viaPubSub = await start('sch2', { ...base.nightly, events: [...base.nightly.events, { kind: 'queue', queue: 'ticks', batchSize: 1, batchWindowMs: 0 }] });
    const tick = loadEvent('gcp/MessagePublishedData.json');
    tick.data.message.attributes = { 'slsx-schedule': 'nightly' };
    tick.data.message.data = Buffer.from('{"job":"x"}').toString('base64');
    seen = [];
    expect((await postEvent(viaPubSub, tick)).status).toBe(204);
    expect(seen[0]).toMatchObject({ id: 'message-id', input: { job: 'x' } });
  });

  it('runs the schedule handler of a schedule-only (HTTP) function for a Pub/Sub push or CloudEvent', async () => {
    const url = await start('sch3', base.nightly);
    seen = [];
    const push = loadEvent('gcp/MessagePublishedData-text.json');
    push.message.data = Buffer.from('{"job":"from-push"}').toString('base64');
    const r1 = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(push) });
    expect(r1.status).toBe(204);
    const r2 = await postEvent(url, loadEvent('gcp/MessagePublishedData.json'));
    expect(r2.status).toBe(204);
    expect(seen.map((e) => [e.id, e.input])).toEqual([
      ['message-id', { job: 'from-push' }],
      ['message-id', 'test message 3'],
    ]);
  });

  it('answers 404 and 405 for requests no http event routes', async () => {
    const url = await start('r1', base.api, neutral.api);
    const missing = await fetch(`${url}/nowhere`);
    expect([missing.status, await missing.json()]).toEqual([404, { error: 'Not Found' }]);
    const wrong = await fetch(`${url}/json`, { method: 'GET' });
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it('reports the execution id the platform sends as the request id', async () => {
    let ids: string[] = [];
    const url = await start('r2', { ...base.api, events: [] }, async (req: { requestId: string }, ctx: { requestId: string }) => {
      ids = [req.requestId, ctx.requestId];
      return {};
    });
    await (await fetch(url, { headers: { 'function-execution-id': 'exec-123' } })).arrayBuffer();
    expect(ids).toEqual(['exec-123', 'exec-123']);
  });
});

describe('gcp shim: a public HTTP function never takes a request as an event (issue 8.2)', () => {
  it('CloudEvent headers, a Pub/Sub push body or X-CloudScheduler reach the HTTP handler as plain requests', async () => {
    const seen: string[] = [];
    const handler = async (req: { method: string; path: string }) => {
      seen.push(`${req.method} ${req.path}`);
      return { ok: true };
    };
    const meta: ShimMeta = {
      service: 'shop', stage: 'dev', functionName: 'mixed', target: 'gcp', timeoutMs: 3000,
      events: [
        { kind: 'http', method: 'ANY', path: '/{p+}', cors: false },
        { kind: 'schedule', expression: 'cron(0 3 * * *)', cron: '0 3 * * *', timezone: 'UTC', enabled: true },
        { kind: 'queue', queue: 'jobs', batchSize: 1, batchWindowMs: 0 },
      ],
    };
    const { base, close } = await serve(handler, meta);
    try {
      const ce = loadEvent('gcp/pubsub_text-cloudevent-input.json');
      const forged = [
        await postEvent(base, ce, '/x'),
        await fetch(`${base}/x`, { method: 'POST', headers: { 'ce-id': '1', 'ce-specversion': '1.0', 'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished', 'ce-source': 's', 'content-type': 'application/json' }, body: JSON.stringify(ce.data) }),
        await fetch(`${base}/x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: ce.data.message, subscription: 'projects/p/subscriptions/s' }) }),
        await fetch(`${base}/x`, { method: 'POST', headers: { 'x-cloudscheduler': 'true', 'content-type': 'application/json' }, body: '{}' }),
      ];
      expect(forged.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(seen).toEqual(['POST /x', 'POST /x', 'POST /x', 'POST /x']);
    } finally {
      await close();
    }
  });
});

describe('gcp shim: the legacy GCS object.change notification (issue 8.12)', () => {
  it('is a delete when resourceState is not_exists, a create otherwise', async () => {
    const seen: Array<{ key: string; type: string }> = [];
    const meta: ShimMeta = { service: 'shop', stage: 'dev', functionName: 'legacy', target: 'gcp', timeoutMs: 3000, events: [{ kind: 'storage', bucket: 'some-bucket', on: ['created', 'deleted'] }] };
    const { base, close } = await serve(async (evs: Array<{ key: string; type: string }>) => void seen.push(...evs.map((e) => ({ key: e.key, type: e.type }))), meta);
    try {
      for (const state of ['not_exists', 'exists']) {
        const legacy = loadEvent('gcp/storage-legacy-input.json');
        legacy.context.eventType = 'providers/cloud.storage/eventTypes/object.change';
        legacy.data.resourceState = state;
        const res = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(legacy) });
        expect(res.status).toBeLessThan(300);
      }
      expect(seen).toEqual([{ key: 'folder/Test.cs', type: 'deleted' }, { key: 'folder/Test.cs', type: 'created' }]);
    } finally {
      await close();
    }
  });
});
