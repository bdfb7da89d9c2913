import { describe, expect, it } from 'vitest';
import { runPlan } from '../../src/apply/run-plan.js';
import type { Change } from '../../src/core/resources.js';

const change = (id: string, action: Change['action'] = 'create', dependsOn: string[] = []): Change => ({ id, type: 't', action, reasons: [], dependsOn, security: false });

describe('runPlan', () => {
  it('never runs more changes at once than the bound', async () => {
    let running = 0;
    let peak = 0;
    const changes = Array.from({ length: 20 }, (_, i) => change(`r${i}`));
    await runPlan(changes, async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
    }, { concurrency: 3 });
    expect(peak).toBe(3);
  });

  it('skips noops and what depends on a failure, and reports every failure', async () => {
    const done: string[] = [];
    const changes = [change('a'), change('b', 'create', ['a']), change('c'), change('d', 'noop')];
    await expect(runPlan(changes, async (c) => {
      if (c.id === 'a') throw new Error('a broke');
      done.push(c.id);
    }, { concurrency: 1 })).rejects.toThrow(/a broke/);
    expect(done).not.toContain('b');
    expect(done).not.toContain('d');
  });

  it('runs deletes after creates and updates', async () => {
    const order: string[] = [];
    await runPlan([change('old', 'delete'), change('new', 'create')], async (c) => { order.push(c.id); }, { concurrency: 4 });
    expect(order).toEqual(['new', 'old']);
  });
});
