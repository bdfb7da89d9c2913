import { describe, expect, it } from 'vitest';
import { adapter } from '../../providers/gcp/index.js';
import { FakeGcp } from './support/fake-gcp.js';
import { artifacts, context, deploy, fn, service } from './support/service.js';

const svc = () =>
  service(
    [
      fn('api', { events: [{ kind: 'http', method: 'POST', path: '/orders', cors: false }] }),
      fn('worker', { events: [{ kind: 'queue', queue: 'orders', batchSize: 1, batchWindowMs: 0 }] }),
      fn('nightly', { events: [{ kind: 'schedule', expression: 'cron(0 3 * * *)', cron: '0 3 * * *', timezone: 'UTC', enabled: true }] }),
      fn('thumb', { events: [{ kind: 'storage', bucket: 'uploads', on: ['created'] }] }),
    ],
    { queues: [{ name: 'orders', visibilityTimeoutMs: 60_000, maxRetries: 4, deadLetter: false, retentionMs: 86_400_000 }], buckets: [{ name: 'uploads' }] },
  );

describe('gcp operations', () => {
  it('invoke: HTTP through the URL, queue by publishing, schedule with an identity token; storage says how instead', async () => {
    const gcp = new FakeGcp();
    const s = svc();
    await deploy(s, artifacts(s), context(gcp));
    gcp.resetCalls();
    gcp.httpHandler = (url, init) => ({ status: 201, headers: { 'function-execution-id': 'exec-1' }, text: JSON.stringify({ url, method: init.method, body: init.body ?? null }) });
    const api = await adapter.invoke!(s, 'api', { sku: 'a1' }, context(gcp));
    expect(api.result).toEqual({ status: 201, body: { url: 'https://europe-west1-shop-prod.cloudfunctions.net/shop-dev-api/orders', method: 'POST', body: '{"sku":"a1"}' } });
    expect(api.record).toMatchObject({ target: 'gcp', function: 'api', requestId: 'exec-1', outcome: 'ok', trigger: 'invoke' });
    expect(gcp.inputs('http.request')[0][1].headers).toEqual({ 'content-type': 'application/json' });

    const worker = await adapter.invoke!(s, 'worker', { id: 7 }, context(gcp));
    expect(gcp.published).toEqual([{ topic: 'projects/shop-prod/topics/shop-dev-orders', data: '{"id":7}', attributes: undefined }]);
    expect(worker.result).toMatchObject({ topic: 'projects/shop-prod/topics/shop-dev-orders' });

    await adapter.invoke!(s, 'nightly', undefined, context(gcp));
    const [, init] = gcp.inputs('http.request')[1];
    expect(init.headers.authorization).toBe('Bearer id-token-for-https://europe-west1-shop-prod.cloudfunctions.net/shop-dev-nightly');

    await expect(adapter.invoke!(s, 'thumb', {}, context(gcp))).rejects.toMatchObject({ code: 'TARGET_NOT_AVAILABLE' });

    // A templated route gets its parameters filled, never sent as a literal `{id}`.
    const routed = service([fn('get', { events: [{ kind: 'http', method: 'GET', path: '/orders/{id}', cors: false }] })]);
    await deploy(routed, artifacts(routed), context(gcp));
    await adapter.invoke!(routed, 'get', { pathParams: { id: '42' } }, context(gcp));
    await adapter.invoke!(routed, 'get', undefined, context(gcp));
    const urls = gcp.inputs('http.request').slice(-2).map(([url]) => url);
    expect(urls).toEqual(['https://europe-west1-shop-prod.cloudfunctions.net/shop-dev-get/orders/42', 'https://europe-west1-shop-prod.cloudfunctions.net/shop-dev-get/orders/id']);
    await expect(adapter.invoke!(s, 'nope', {}, context(gcp))).rejects.toMatchObject({ code: 'FUNCTION_NOT_FOUND' });
  });

  it('invocations from Cloud Run request logs: latency per request; only the first request of an instance started for traffic is cold', async () => {
    const gcp = new FakeGcp();
    const s = svc();
    const at = (sec: number) => ({ seconds: Date.parse('2026-11-27T09:59:00Z') / 1000 + sec, nanos: 0 });
    const res = { labels: { service_name: 'shop-dev-api' } };
    gcp.logEntries = [
      { timestamp: at(0), textPayload: 'Starting new instance. Reason: AUTOSCALING - Instance started due to configured scaling factors (e.g. CPU utilization, request throughput, etc.) or no existing capacity for current traffic.', labels: { instanceId: 'i1' }, resource: res },
      { timestamp: at(0), textPayload: 'Default STARTUP TCP probe succeeded after 1 attempt for container "worker" on port 8080.', labels: { instanceId: 'i1' }, resource: res },
      { timestamp: at(1), httpRequest: { latency: { seconds: 0, nanos: 850_000_000 }, status: 200 }, labels: { instanceId: 'i1' }, trace: 't1', resource: res },
      { timestamp: at(2), httpRequest: { latency: '0.120s', status: 200 }, labels: { instanceId: 'i1' }, trace: 't2', resource: res },
      { timestamp: at(3), httpRequest: { latency: '0.100s', status: 503 }, labels: { instanceId: 'i0' }, trace: 't3', resource: res },
      // Started by a rollout or for min instances, with a start-up probe too: warm by the time a request comes (issue 13.4).
      { timestamp: at(4), textPayload: 'Starting new instance. Reason: DEPLOYMENT_ROLLOUT - Instance started because of a new revision rollout.', labels: { instanceId: 'i2' }, resource: res },
      { timestamp: at(4), textPayload: 'Default STARTUP TCP probe succeeded after 1 attempt for container "worker" on port 8080.', labels: { instanceId: 'i2' }, resource: res },
      { timestamp: at(5), httpRequest: { latency: '0.300s', status: 200 }, labels: { instanceId: 'i2' }, trace: 't4', resource: res },
      { timestamp: at(6), textPayload: 'Starting new instance. Reason: MANUAL_OR_CUSTOMER_MIN_INSTANCE - Instance started because of customer-configured min-instances or manual scaling.', labels: { instanceId: 'i3' }, resource: res },
      { timestamp: at(7), httpRequest: { latency: '0.200s', status: 200 }, labels: { instanceId: 'i3' }, trace: 't5', resource: res },
    ];
    const records = await adapter.invocations!(s, { sinceMs: 3_600_000 }, context(gcp));
    expect(records.map((r) => [r.function, r.requestId, r.coldStart, Math.round(r.durationMs), r.outcome])).toEqual([
      ['api', 't1', true, 850, 'ok'],
      ['api', 't2', false, 120, 'ok'],
      ['api', 't3', false, 100, 'error'],
      ['api', 't4', false, 300, 'ok'],
      ['api', 't5', false, 200, 'ok'],
    ]);
    const [q] = gcp.inputs('logging.listLogEntries');
    expect(q.resourceNames).toEqual(['projects/shop-prod']);
    expect(q.filter).toContain('resource.labels.service_name=("shop-dev-api" OR "shop-dev-worker" OR "shop-dev-nightly" OR "shop-dev-thumb")');
    expect(q.filter).toContain('timestamp>="2026-11-27T09:00:00.000Z"');
    expect(q.filter).toContain('textPayload:"Starting new instance"');
  });

  it('logs: the function\'s lines with levels', async () => {
    const gcp = new FakeGcp();
    gcp.logEntries = [{ timestamp: '2026-11-27T09:59:00Z', severity: 'ERROR', textPayload: 'boom', labels: { execution_id: 'x1' } }];
    const lines = [];
    for await (const l of adapter.logs!(svc(), 'api', { follow: false }, context(gcp))) lines.push(l);
    expect(lines).toEqual([{ time: Date.parse('2026-11-27T09:59:00Z'), function: 'api', requestId: 'x1', level: 'error', message: 'boom' }]);
    expect(gcp.inputs('logging.listLogEntries')[0].filter).toContain('NOT log_id("run.googleapis.com/requests")');
  });
});
