import { describe, expect, it } from 'vitest';
import { callHttp, callQueue, queueMessage } from 'sls-x/testing';
import { handler as enqueue } from './enqueue.js';
import { handler as worker } from './worker.js';

describe('queue worker', () => {
  it('retries only the message that failed', async () => {
    const bad = queueMessage({ task: '' });
    const out = await callQueue(worker, [queueMessage({ task: 'resize' }), bad]);
    expect(out.failed).toEqual([bad.id]);
  });

  it('accepts a job over HTTP and refuses one without a task', async () => {
    expect((await callHttp(enqueue, { method: 'POST', path: '/jobs', body: { task: 'resize' } })).status).toBe(202);
    expect((await callHttp(enqueue, { method: 'POST', path: '/jobs', body: {} })).status).toBe(400);
  });
});
