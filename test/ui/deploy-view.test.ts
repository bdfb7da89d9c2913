import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { reduceDeployView, renderDeployView } from '../../src/ui/deploy-view.js';
import type { Change, Plan } from '../../src/core/resources.js';

/** A fake terminal: records every frame ink writes. */
class FakeStdout extends EventEmitter {
  columns = 120;
  rows = 40;
  isTTY = true;
  frames: string[] = [];
  write(chunk: string): boolean {
    this.frames.push(chunk);
    return true;
  }
  last(): string {
    // The last full frame (cursor escapes come alone), without ANSI colour codes.
    const frame = [...this.frames].reverse().find((f) => f.includes('Deploying')) ?? '';
    return frame.replace(/\u001b\[[0-9;?]*[a-zA-Z]/g, '');
  }
}

const change = (id: string, action: Change['action'], security = false): Change => ({ id, type: 'aws:test', action, reasons: [], dependsOn: [], security });

const plan: Plan = {
  version: 1,
  scope: { target: 'aws', service: 'shop', stage: 'dev', region: 'eu-west-1', account: '123456789012' },
  createdAt: '2026-11-27T10:00:00Z',
  observedHash: '',
  changes: [change('role:api', 'create', true), change('function:api', 'create'), change('logs:api', 'noop'), change('function:old', 'delete')],
  warnings: [],
};

describe('deploy view (ink)', () => {
  it('reduces events into one row per change, noops left out', () => {
    let state = { rows: [], startedAt: 0, warnings: [] } as Parameters<typeof reduceDeployView>[0];
    state = reduceDeployView(state, { type: 'plan', plan }, 0);
    expect(state.rows.map((r) => [r.id, r.state])).toEqual([
      ['role:api', 'pending'],
      ['function:api', 'pending'],
      ['function:old', 'pending'],
    ]);
    state = reduceDeployView(state, { type: 'change', change: plan.changes[0], state: 'start' }, 100);
    state = reduceDeployView(state, { type: 'change', change: plan.changes[0], state: 'done', elapsedMs: 1200 }, 1300);
    state = reduceDeployView(state, { type: 'change', change: plan.changes[1], state: 'start' }, 1300);
    state = reduceDeployView(state, { type: 'change', change: plan.changes[1], state: 'failed', error: 'boom' }, 1800);
    expect(state.rows.map((r) => [r.id, r.state, r.elapsedMs, r.error])).toEqual([
      ['role:api', 'done', 1200, undefined],
      ['function:api', 'failed', 500, 'boom'],
      ['function:old', 'pending', undefined, undefined],
    ]);
  });

  it('draws rows with state and elapsed time, then outputs and total time', async () => {
    const stdout = new FakeStdout();
    let t = 0;
    const view = renderDeployView({ stdout: stdout as unknown as NodeJS.WriteStream, now: () => t, tickMs: 0, debug: true });
    view.events({ type: 'plan', plan });
    view.events({ type: 'change', change: plan.changes[0], state: 'start' });
    t = 1500;
    await new Promise((r) => setImmediate(r));
    const running = stdout.last();
    expect(running).toContain('Deploying shop/dev on aws · eu-west-1 · 123456789012');
    expect(running).toMatch(/› create {2}role:api +1\.5s {2}\[IAM\]/);
    expect(running).toMatch(/· create {2}function:api +waiting/);
    expect(running).not.toContain('logs:api');

    view.events({ type: 'change', change: plan.changes[0], state: 'done', elapsedMs: 1500 });
    view.events({ type: 'change', change: plan.changes[1], state: 'start' });
    view.events({ type: 'change', change: plan.changes[1], state: 'done', elapsedMs: 2300 });
    view.events({ type: 'change', change: plan.changes[3], state: 'start' });
    view.events({ type: 'change', change: plan.changes[3], state: 'done', elapsedMs: 400 });
    t = 4200;
    await view.finish({
      outputs: { endpoints: [{ method: 'GET', url: 'https://abc.execute-api.eu-west-1.amazonaws.com/dev/orders/{id}', function: 'api' }], functions: [{ name: 'api', physicalName: 'shop-dev-api' }] },
    });
    const final = stdout.last();
    expect(final).toMatch(/✓ create {2}role:api +1\.5s/);
    expect(final).toMatch(/✓ create {2}function:api +2\.3s/);
    expect(final).toMatch(/✓ delete {2}function:old +400ms/);
    expect(final).toContain('GET https://abc.execute-api.eu-west-1.amazonaws.com/dev/orders/{id}  (api)');
    expect(final).toContain('api → shop-dev-api');
    expect(final).toContain('Done in 4.2s (3 changes)');
  });

  it('shows a failure with its message', async () => {
    const stdout = new FakeStdout();
    const view = renderDeployView({ stdout: stdout as unknown as NodeJS.WriteStream, now: () => 0, tickMs: 0, debug: true });
    view.events({ type: 'plan', plan });
    view.events({ type: 'change', change: plan.changes[1], state: 'start' });
    view.events({ type: 'change', change: plan.changes[1], state: 'failed', elapsedMs: 10, error: 'AccessDenied' });
    await view.finish({ error: '1 change(s) failed' });
    expect(stdout.last()).toMatch(/✗ create {2}function:api +10ms {2}AccessDenied/);
    expect(stdout.last()).toContain('Failed after 0ms: 1 change(s) failed');
  });
});
