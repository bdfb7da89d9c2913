import { createServer, type Server } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapter } from '../../providers/local/index.js';
import { acquireDeployLock, ensureRunning } from '../../providers/local/launcher.js';
import { observeLocal } from '../../providers/local/observe.js';
import { context, deploy, fn, http, service, tempProject } from './helpers.js';

const CODE = `
export async function ok(req, ctx) { return { ok: true, cold: ctx.coldStart }; }
export async function hang() { return new Promise(() => {}); }
export async function exits() { process.exit(3); }
export async function bigint() { return { n: 10n }; }
export async function circular() { const a = {}; a.self = a; return a; }
export async function hog() { const keep = []; for (;;) keep.push(new Array(1e5).fill(Math.random())); }
`;

describe('bad handlers: a clear message each, and every other function keeps serving', () => {
  const project = tempProject({ 'src/fns.mjs': CODE, 'src/broken.mjs': `throw new Error('cannot load: missing DB_URL');\nexport const handler = async () => 1;\n` });
  const svc = service(project.root, {
    functions: [
      fn('ok', 'src/fns.mjs#ok', [http('GET', '/ok')]),
      fn('hang', 'src/fns.mjs#hang', [http('GET', '/hang')], { timeoutMs: 300 }),
      fn('exits', 'src/fns.mjs#exits', [http('GET', '/exits')]),
      fn('bigint', 'src/fns.mjs#bigint', [http('GET', '/bigint')]),
      fn('circular', 'src/fns.mjs#circular', [http('GET', '/circular')]),
      fn('hog', 'src/fns.mjs#hog', [http('GET', '/hog')], { memory: 64, timeoutMs: 20_000 }),
      fn('broken', 'src/broken.mjs#handler', [http('GET', '/broken')]),
    ],
  });
  let base = '';
  beforeAll(async () => {
    base = ((await deploy(svc)).outputs.localCloud as { url: string }).url;
  });
  afterAll(() => project.cleanup());

  const call = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, body: (await res.json()) as { outcome?: string; error?: string } };
  };

  it.each([
    ['/hang', 504, 'timeout', /timed out after 300 ms/],
    ['/exits', 500, 'crash', /process\.exit\(3\)/],
    ['/bigint', 500, 'error', /cannot be serialised to JSON.*BigInt/],
    ['/circular', 500, 'error', /cannot be serialised to JSON.*circular/i],
    ['/hog', 500, 'oom', /ran out of memory \(limit 64 MB\)/],
    ['/broken', 500, 'error', /failed while loading \(init\).*cannot load: missing DB_URL/s],
  ])('%s answers %i (%s) with a clear message, twice (the instance is replaced), while /ok serves', async (path, status, outcome, message) => {
    for (let round = 0; round < 2; round++) {
      const res = await call(path);
      expect(res.status).toBe(status);
      expect(res.body.outcome).toBe(outcome);
      expect(res.body.error).toMatch(message);
      expect((await call('/ok')).body).toMatchObject({ ok: true });
    }
  });

  it('records the outcomes in the invocation records', async () => {
    const records = await adapter.invocations!(svc, {}, context(project.root));
    const outcomes = new Set(records.map((r) => `${r.function}:${r.outcome}`));
    for (const want of ['hang:timeout', 'exits:crash', 'hog:oom', 'broken:error', 'ok:ok']) expect(outcomes).toContain(want);
  });
});

describe('bad environment: port in use, second deploy, corrupted state', () => {
  const project = tempProject({ 'src/fns.mjs': CODE });
  let blocker: Server;
  let port = 0;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(async () => {
    blocker.close();
    await project.cleanup();
  });

  it('a port already in use is a LOCAL_CLOUD error naming the port and the fix', async () => {
    await expect(ensureRunning(project.root, { port })).rejects.toMatchObject({
      code: 'LOCAL_CLOUD',
      message: expect.stringContaining(`Port ${port} on 127.0.0.1 is already in use`),
      hint: expect.stringContaining('targets.local.port'),
    });
  });

  it('a second deploy while one runs is refused; a lock whose holder died expires', async () => {
    const release = acquireDeployLock(project.root);
    const svc = service(project.root, { functions: [fn('ok', 'src/fns.mjs#ok', [http('GET', '/ok')])] });
    await expect(deploy(svc)).rejects.toMatchObject({ code: 'DEPLOY_LOCKED', message: expect.stringContaining(`pid ${process.pid}`) });
    await release();
    writeFileSync(join(project.root, '.sls-x/local/deploy.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, startedAt: 'then' }));
    const again = acquireDeployLock(project.root);
    await again();
    expect(await adapter.lock!({ target: 'local', service: 'demo', stage: 'dev', root: project.root } as never, context(project.root))).toBeTypeOf('function');
  });

  it('a corrupted state file is STATE_CORRUPT with the fix, for reads and for starting', async () => {
    const other = tempProject({});
    try {
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(other.root, '.sls-x/local'), { recursive: true });
      writeFileSync(join(other.root, '.sls-x/local/state.db'), 'this is not a database '.repeat(200));
      await expect(observeLocal(other.root)).rejects.toMatchObject({ code: 'STATE_CORRUPT', hint: expect.stringContaining('Delete the folder .sls-x/local/') });
      await expect(ensureRunning(other.root)).rejects.toMatchObject({ code: 'STATE_CORRUPT', message: expect.stringContaining('state.db') });
    } finally {
      await other.cleanup();
    }
  });
});
