import { afterAll, describe, expect, it } from 'vitest';
import { Cron } from 'croner';
import { cronerPattern } from '../../providers/local/daemon/schedules.js';
import { tempProject } from './helpers.js';
import { runCli } from '../support/cli.js';

/** Issue 8.11: `cron(0/2 * * * MON-FRI)` validates, so the local cloud must run it. */
describe('local schedules with a numeric step start', () => {
  it('become ranges croner accepts, firing at the same minutes', () => {
    expect(cronerPattern('0/2 * * * MON-FRI')).toBe('0-59/2 * * * MON-FRI');
    expect(cronerPattern('5/15 1/6 * * *')).toBe('5-59/15 1-23/6 * * *');
    expect(cronerPattern('*/5 0,12 1 JAN *')).toBe('*/5 0,12 1 JAN *');
    const next = new Cron(cronerPattern('5/15 * * * *'), { paused: true, timezone: 'UTC' }).nextRuns(4, new Date('2026-12-02T10:00:30Z'));
    expect(next.map((d) => d.toISOString().slice(11, 16))).toEqual(['10:05', '10:20', '10:35', '10:50']);
  });

  const project = tempProject({
    'faas.yaml': 'service: crony\nruntime: node20\ntargets:\n  local: { port: 0 }\nfunctions:\n  tick:\n    handler: src/tick.handler\n    events:\n      - schedule: cron(0/2 * * * MON-FRI)\n',
    'src/tick.mjs': 'export const handler = async () => {};\n',
  });
  afterAll(() => project.cleanup());

  it('deploys on the local target (it failed with an internal error, half-applied)', async () => {
    const out = await runCli(['deploy'], project.root, { env: { ...process.env, CI: '1' } });
    expect(out.stderr).not.toContain('INTERNAL');
    expect(out.code).toBe(0);
    expect((await runCli(['plan'], project.root, { env: { ...process.env, CI: '1' } })).stdout).toMatch(/No changes/);
  });
});
