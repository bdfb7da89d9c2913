import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStateDb } from '../../providers/local/store.js';
import { CloudState, PRUNE_BATCH } from '../../providers/local/daemon/state.js';

/** Issue 8.11 (a): pruning deleted ~900k rows in one go on the gateway's thread, and the WAL grew. */
describe('local state upkeep', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slsx-prune-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prunes in bounded batches down to what it keeps, and a checkpoint truncates the WAL', async () => {
    const db = await openStateDb(join(dir, 'state.db'));
    const state = new CloudState(db);
    const N = 30_000;
    for (let i = 0; i < N; i++) {
      state.record({ target: 'local', function: 'api', requestId: `r${i}`, startedAt: i, coldStart: false, durationMs: 1, billedMs: 1, memoryMb: 128, outcome: 'ok', source: 'local measurement' });
      state.log({ time: i, function: 'api', requestId: `r${i}`, level: 'info', message: `line ${i}` });
      if (i % 5000 === 4999) state.flush();
    }
    state.flush();
    const keep = 10_000;
    const steps: number[] = [];
    for (let i = 0; i < 20; i++) {
      const n = state.prune(keep, PRUNE_BATCH);
      if (n === 0) break;
      steps.push(n);
    }
    // Each step deletes at most one batch per table; together they reach exactly `keep` of each.
    expect(steps.every((n) => n <= 2 * PRUNE_BATCH)).toBe(true);
    expect(steps.reduce((a, b) => a + b, 0)).toBe(2 * (N - keep));
    expect(steps.length).toBeGreaterThan(1);
    const count = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    expect([count('invocations'), count('logs')]).toEqual([keep, keep]);
    state.checkpoint();
    expect(statSync(join(dir, 'state.db-wal')).size).toBe(0);
    state.close();
  });
});
