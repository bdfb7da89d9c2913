import { afterEach, describe, expect, it } from 'vitest';
import { callHttp, callQueue, queueMessage, testResources, type TestResources } from 'sls-x/testing';
import { handler as enqueue } from './enqueue.js';
import { handler as worker } from './worker.js';

describe('queue worker', () => {
  let res: TestResources;
  afterEach(() => res.restore());

  it('retries only the message that failed, and writes a result for the others', async () => {
    res = testResources({ buckets: { results: 'write' } });
    const ok = queueMessage({ task: 'resize' });
    const bad = queueMessage({ task: '' });
    const out = await callQueue(worker, [ok, bad]);
    expect(out.failed).toEqual([bad.id]);
    expect([...res.objects('results').keys()]).toEqual([`jobs/${ok.id}.json`]);
  });

  it('accepts a job over HTTP onto the jobs queue and refuses one without a task', async () => {
    res = testResources({ queues: ['jobs'] });
    expect((await callHttp(enqueue, { method: 'POST', path: '/jobs', body: { task: 'resize' } })).status).toBe(202);
    expect((await callHttp(enqueue, { method: 'POST', path: '/jobs', body: {} })).status).toBe(400);
    expect(res.sent('jobs').map((m) => m.json())).toEqual([{ task: 'resize' }]);
  });
});
