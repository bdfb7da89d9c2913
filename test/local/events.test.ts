import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRunning, stopCloud } from '../../providers/local/launcher.js';
import { openStateReadonly } from '../../providers/local/store.js';
import { bucketPutLocal } from '../../providers/local/queue-ops.js';
import { deploy, fn, service, tempProject, waitFor } from './helpers.js';

const CODE = `
import { appendFileSync } from 'node:fs';
export async function tick(ev, ctx) { appendFileSync(process.env.OUT, JSON.stringify({ kind: 'tick', id: ev.id, expression: ev.expression, input: ev.input ?? null, time: ev.time }) + '\\n'); }
export async function cron(ev) { appendFileSync(process.env.OUT, JSON.stringify({ kind: 'cron', expression: ev.expression }) + '\\n'); }
export async function thumb(evs) { for (const e of evs) appendFileSync(process.env.OUT, JSON.stringify({ kind: 'storage', ...e }) + '\\n'); }
export async function jpg(evs) { for (const e of evs) appendFileSync(process.env.OUT, JSON.stringify({ kind: 'jpg', ...e }) + '\\n'); }
`;

function lines(file: string): Array<Record<string, unknown>> {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}

describe('local schedules and storage events', () => {
  const project = tempProject({ 'src/jobs.mjs': CODE });
  const out = join(project.root, 'events.jsonl');
  const svc = service(project.root, {
    buckets: [{ name: 'uploads' }],
    functions: [
      fn('tick', 'src/jobs.mjs#tick', [{ kind: 'schedule', expression: 'rate(300 milliseconds)', rateMs: 300, timezone: 'UTC', enabled: true, input: { hello: 'world' } }], { env: { OUT: out } }),
      fn('cron', 'src/jobs.mjs#cron', [{ kind: 'schedule', expression: 'cron(* * * * * *)', cron: '* * * * * *', timezone: 'UTC', enabled: true }], { env: { OUT: out } }),
      fn('thumb', 'src/jobs.mjs#thumb', [{ kind: 'storage', bucket: 'uploads', on: ['created', 'deleted'], prefix: 'images/' }], { env: { OUT: out } }),
      fn('jpg', 'src/jobs.mjs#jpg', [{ kind: 'storage', bucket: 'uploads', on: ['created'], suffix: '.jpg' }], { env: { OUT: out } }),
    ],
  });
  beforeAll(async () => {
    await deploy(svc);
  });
  afterAll(() => project.cleanup());

  it('fires rate and cron schedules on real timers, with the input', async () => {
    await waitFor(() => (lines(out).filter((l) => l.kind === 'tick').length >= 2 && lines(out).some((l) => l.kind === 'cron') ? true : undefined), 'schedules to fire');
    const tick = lines(out).find((l) => l.kind === 'tick')!;
    expect(tick).toMatchObject({ id: 'schedule:tick:0', expression: 'rate(300 milliseconds)', input: { hello: 'world' } });
    expect(lines(out).find((l) => l.kind === 'cron')).toMatchObject({ expression: 'cron(* * * * * *)' });
  });

  it('persists last-run marks across a restart', async () => {
    await stopCloud(project.root);
    const db = (await openStateReadonly(join(project.root, '.sls-x/local/state.db')))!;
    const mark = db.prepare('SELECT last_run FROM schedule_marks WHERE id = ?').get('schedule:tick:0') as { last_run: number } | undefined;
    db.close();
    expect(mark?.last_run).toBeGreaterThan(Date.now() - 60_000);
    const ticksBefore = lines(out).filter((l) => l.kind === 'tick').length;
    await ensureRunning(project.root);
    await waitFor(() => (lines(out).filter((l) => l.kind === 'tick').length > ticksBefore ? true : undefined), 'the schedule to resume');
  });

  it('turns `bucket put` and files written into the bucket folder into storage events, filtered by prefix, suffix and type', async () => {
    const put = await bucketPutLocal(svc, 'uploads', 'images/a.png', Buffer.from('png-bytes'));
    expect(put).toEqual({ key: 'images/a.png', size: 9 });
    await bucketPutLocal(svc, 'uploads', 'docs/skip.txt', Buffer.from('x'));
    const folder = join(project.root, '.sls-x/local/buckets/uploads');
    mkdirSync(join(folder, 'images'), { recursive: true });
    writeFileSync(join(folder, 'images/b.jpg'), 'by hand');
    await bucketPutLocal(svc, 'uploads', 'docs/c.jpg', Buffer.from('jpg'));
    await waitFor(() => (lines(out).filter((l) => l.kind === 'storage').length >= 2 && lines(out).filter((l) => l.kind === 'jpg').length >= 2 ? true : undefined), 'the created events');
    rmSync(join(folder, 'images/b.jpg'));
    await waitFor(() => (lines(out).some((l) => l.kind === 'storage' && l.type === 'deleted') ? true : undefined), 'a deleted event');
    const storage = lines(out).filter((l) => l.kind === 'storage');
    expect(storage.find((e) => e.key === 'images/a.png')).toMatchObject({ bucket: 'uploads', type: 'created', size: 9, etag: expect.any(String) });
    expect(storage.find((e) => e.key === 'images/b.jpg' && e.type === 'created')).toMatchObject({ size: 7 });
    expect(storage.find((e) => e.type === 'deleted')).toMatchObject({ key: 'images/b.jpg' });
    expect(storage.some((e) => e.key === 'docs/skip.txt')).toBe(false);
    // The suffix filter: only .jpg keys (any prefix), and only created (this trigger has no `deleted`).
    const jpgs = lines(out).filter((l) => l.kind === 'jpg');
    expect(jpgs.map((e) => `${e.type} ${e.key}`).sort()).toEqual(['created docs/c.jpg', 'created images/b.jpg']);
  });

  it('refuses keys that escape the bucket', async () => {
    await expect(bucketPutLocal(svc, 'uploads', '../escape.txt', Buffer.from('x'))).rejects.toMatchObject({ code: 'USAGE' });
  });
});
