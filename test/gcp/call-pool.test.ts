import { describe, expect, it } from 'vitest';
import { gcpRate, isGcpThrottled, poolOf } from '../../providers/gcp/pool.js';
import { FakeGcp, gcpError } from './support/fake-gcp.js';
import { artifacts, context, deploy, fn, plan, service } from './support/service.js';

describe('gcp: every call goes through one bounded, paced pool that retries RESOURCE_EXHAUSTED', () => {
  it('a plan of 60 functions keeps at most 16 calls in flight and paces Cloud Functions writes to 60 a minute', async () => {
    const gcp = new FakeGcp();
    const s = service(Array.from({ length: 60 }, (_, i) => fn(`f${i}`)));
    await deploy(s, artifacts(s), context(gcp));
    const pool = poolOf(gcp.clients);
    expect(pool.stats().maxInFlight).toBeLessThanOrEqual(16);
    const creates = pool.trace.filter((t) => t.key === 'gcp:functions.createFunction').map((t) => t.at).sort((a, b) => a - b);
    expect(creates).toHaveLength(60);
    // Burst of 5, then one a second: the 60th starts at least 54 s after the first.
    expect(creates[59]! - creates[0]!).toBeGreaterThanOrEqual(54_000);
    expect(gcp.paces.length).toBeGreaterThan(0);
  });

  it('a RESOURCE_EXHAUSTED answer is retried after a backoff instead of failing the plan', async () => {
    const gcp = new FakeGcp();
    const s = service([fn('api')]);
    await deploy(s, artifacts(s), context(gcp));
    gcp.failNext('functions.getFunction', gcpError(8, 'Quota exceeded for quota metric Read requests'));
    gcp.paces.length = 0;
    const p = await plan(s, artifacts(s), context(gcp));
    expect(p.changes.every((c) => c.action === 'noop')).toBe(true);
    expect(poolOf(gcp.clients).stats().throttled['gcp:functions.getFunction']).toBe(1);
    // The backoff: between half and all of the first 1 s step.
    expect(gcp.paces.some((ms) => ms >= 500 && ms <= 1000)).toBe(true);
  });

  it('knows a throttle however the client shaped it, and the published rates', () => {
    expect(isGcpThrottled(gcpError(8, 'RESOURCE_EXHAUSTED'))).toBe(true);
    expect(isGcpThrottled({ response: { status: 429 } })).toBe(true);
    expect(isGcpThrottled(gcpError(14, 'UNAVAILABLE'))).toBe(false);
    expect(gcpRate('gcp:logging.listLogEntries')).toEqual({ perSecond: 1, burst: 3 });
    expect(gcpRate('gcp:functions.updateFunction').perSecond).toBe(1);
    expect(gcpRate('gcp:functions.getFunction').perSecond).toBe(50);
  });
});
