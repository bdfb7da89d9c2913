import { describe, expect, it } from 'vitest';
import { callSchedule, scheduleEvent, testContext } from 'sls-x/testing';
import { nightly } from './jobs.js';

describe('nightly', () => {
  it('runs and logs its time', async () => {
    const ctx = testContext({ functionName: 'nightly' });
    await callSchedule(nightly, scheduleEvent({ time: '2026-01-01T03:00:00Z' }), ctx);
    expect(ctx.logs).toContainEqual(expect.objectContaining({ msg: 'nightly run', data: expect.objectContaining({ time: '2026-01-01T03:00:00.000Z' }) }));
  });
});
