/**
 * The azure deploy lock (providers/azure/lock.ts) against a real lease implementation: Azurite's
 * container leases, reached through the adapter's real `@azure/arm-storage` client and the
 * ARM-to-data-plane bridge (support/azure-arm-bridge.ts: `blobContainers.lease` / `.get` become
 * Lease Container / Get Container Properties on Azurite). Azurite decides who holds the lease,
 * when it expires, what a renewal, release or break does, and which error each refusal is.
 *
 * Time: the lock takes a 60 s lease and renews it every 30 s. Nothing here waits for that: the
 * Azurite process runs on a clock the test moves forward (support/azurite.ts
 * `startAzuriteWithClock`: Azurite's own lease code judges expiry at that time), and the renewal
 * timer in this process is vitest's fake `setInterval`, advanced in step with it.
 *
 * Not covered: Resource Manager itself (its authorization, and the exact error body it wraps a
 * data-plane refusal in: see the bridge), and clock skew between machines.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { adapter } from '../../providers/azure/index.js';
import { LEASE_SECONDS, RENEW_MS } from '../../providers/azure/lock.js';
import type { AdapterContext } from '../../src/core/adapter.js';
import type { SlsxEvent } from '../../src/core/events.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { FakeArm, SUB } from '../azure/support/fake-arm.js';
import { artifacts } from '../azure/support/service.js';
import { shop } from '../azure/support/shop.js';
import { deployWith } from '../support/adapter-run.js';
import { runCli } from '../support/cli.js';
import { ArmStorageBridge } from './support/azure-arm-bridge.js';
import { startAzuriteWithClock, type AzuriteWithClock } from './support/azurite.js';

const CONTAINER = 'app-package';

let az: AzuriteWithClock;
let bridge: ArmStorageBridge;
let offsetMs = 0;
const dirs: string[] = [];

/** Azurite's clock `seconds` further on (it never goes back). */
async function later(seconds: number): Promise<void> {
  offsetMs += seconds * 1000;
  await az.setClockOffset(offsetMs);
}

/** One command's adapter context (a session per context, as each CLI run has its own). */
function command(): AdapterContext & { seen: SlsxEvent[] } {
  const seen: SlsxEvent[] = [];
  return { env: {}, cwd: '/project', events: (e) => void seen.push(e), now: () => new Date(), clients: bridge.clients, seen };
}

/** Releases of every lock a test took, so a failing test leaves no lease or timer behind. */
const held: Array<() => Promise<void>> = [];

/** Take the stage's lock as a deploy does (adapter.lock = acquireLock). */
async function lock(ctx = command()) {
  const release = await adapter.lock!(await adapter.scope(shop(), ctx), ctx);
  held.push(release);
  return { ctx, release };
}

async function lockError(): Promise<SlsxError> {
  const err = await lock().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SlsxError);
  return err as SlsxError;
}

/** The container's lease as Azurite reports it on the data plane (not through the code under test). */
async function leaseState(): Promise<string> {
  const r = await bridge.storage('GET', `${az.blobUrl}/${CONTAINER}?restype=container`);
  expect(r.status).toBe(200);
  return String(r.headers.get('x-ms-lease-state'));
}

/** What `sls-x unlock` reads: adapter.lockInfo in a fresh command. */
async function info() {
  const ctx = command();
  return adapter.lockInfo!(await adapter.scope(shop(), ctx), ctx);
}

const leaseCalls = (from = 0) => bridge.calls.slice(from).filter((c) => c.op.startsWith('Lease ')).map((c) => `${c.op} ${c.status}${c.code ? ` ${c.code}` : ''}`);

/** Wait (bounded, real time) until the renewals a fake-timer tick started have been answered. */
async function renewalsAnswered(count: number): Promise<void> {
  for (let i = 0; i < 200 && bridge.calls.filter((c) => c.op === 'Lease Renew').length < count; i++) await new Promise((r) => setTimeout(r, 10));
  expect(bridge.calls.filter((c) => c.op === 'Lease Renew')).toHaveLength(count);
}

beforeAll(async () => {
  az = await startAzuriteWithClock({ oauth: true });
  bridge = new ArmStorageBridge(new FakeArm(), az);
}, 60_000);

afterAll(async () => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  await az?.stop();
});

afterEach(async () => {
  vi.useRealTimers();
  for (const release of held.splice(0)) await release();
});

describe('azure deploy lock on Azurite container leases', () => {
  it('the first deploy of a stage finds no package container (404 from Azurite) and runs unlocked; the deploy creates the containers', async () => {
    const { release } = await lock();
    await release();
    expect(leaseCalls()).toEqual(['Lease Acquire 404 ContainerNotFound']);

    await deployWith(adapter, shop(), artifacts(shop()), command());
    const list = await bridge.storage('GET', `${az.blobUrl}?comp=list`);
    expect([...list.text.matchAll(/<Name>([^<]+)<\/Name>/g)].map((m) => m[1]).sort()).toEqual(['app-package', 'azure-webjobs-hosts', 'azure-webjobs-secrets', 'uploads']);
    expect(await leaseState()).toBe('available');
  });

  it('acquire takes a 60 s lease; a second deploy meanwhile is DEPLOY_LOCKED (exit 2); release frees it at once', async () => {
    const from = bridge.calls.length;
    const a = await lock();
    expect(await leaseState()).toBe('leased');
    const props = await bridge.storage('GET', `${az.blobUrl}/${CONTAINER}?restype=container`);
    expect(props.headers.get('x-ms-lease-duration')).toBe('fixed'); // 60 s: see the expiry test
    expect(await info()).toMatchObject({ live: true, where: expect.stringMatching(/\/app-package$/) });

    const err = await lockError();
    expect(err.code).toBe('DEPLOY_LOCKED');
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/Another deploy of shop\/dev is running/);
    expect(err.hint).toMatch(new RegExp(`frees itself within ${LEASE_SECONDS} s`));

    await a.release();
    expect(await leaseState()).toBe('available');
    expect(await info()).toBeUndefined();
    const b = await lock();
    expect(await leaseState()).toBe('leased');
    await b.release();
    expect(leaseCalls(from)).toEqual([
      'Lease Acquire 201',
      'Lease Acquire 409 LeaseAlreadyPresent',
      'Lease Release 200',
      'Lease Acquire 201',
      'Lease Release 200',
    ]);
    expect(a.ctx.seen.filter((e) => e.type === 'warn')).toEqual([]);
  });

  it('a running deploy keeps the lock past 60 s by renewing it every 30 s', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const renewed = bridge.calls.filter((c) => c.op === 'Lease Renew').length;
    const a = await lock();
    // 100 s of deploy in 10 s steps: Azurite's clock and the renewal timer move together.
    for (let t = 10; t <= 100; t += 10) {
      await later(10);
      await vi.advanceTimersByTimeAsync(10_000);
      await renewalsAnswered(renewed + Math.floor((t * 1000) / RENEW_MS));
    }
    expect(bridge.calls.filter((c) => c.op === 'Lease Renew').slice(renewed).map((c) => c.status)).toEqual([200, 200, 200]);
    // 100 s after it was taken, a 60 s lease renewed at 30, 60 and 90 s is still held.
    expect(await leaseState()).toBe('leased');
    expect((await lockError()).code).toBe('DEPLOY_LOCKED');
    await a.release();
    expect(await leaseState()).toBe('available');
    expect(a.ctx.seen.filter((e) => e.type === 'warn')).toEqual([]);
  });

  it('a deploy that died (no renewals) loses the lock after 60 s; woken up later, it can neither renew nor release the next holder\'s lease', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const from = bridge.calls.length;
    // The dead deploy: its renewal timer never runs (its process is gone).
    const dead = await lock();
    await later(LEASE_SECONDS - 1);
    expect(await leaseState()).toBe('leased');
    expect(await info()).toMatchObject({ live: true });
    expect((await lockError()).code).toBe('DEPLOY_LOCKED');

    await later(2);
    // Azurite let the lease lapse: `unlock` sees nothing held, and the next deploy gets it.
    expect(await leaseState()).toBe('expired');
    expect(await info()).toBeUndefined();
    const next = await lock();
    expect(await leaseState()).toBe('leased');

    // The "dead" one comes back (a suspended runner): its renewal is refused by Azurite and it
    // says so once; its release must not free the lease the next deploy now holds.
    const renewals = bridge.calls.filter((c) => c.op === 'Lease Renew').length;
    await vi.advanceTimersByTimeAsync(RENEW_MS);
    await renewalsAnswered(renewals + 2);
    const warns = dead.ctx.seen.filter((e) => e.type === 'warn');
    expect(warns).toHaveLength(1);
    expect(JSON.stringify(warns[0])).toMatch(/could not be renewed.*another deploy can start once its lease lapses/);
    await dead.release();
    expect(await leaseState()).toBe('leased');
    expect((await lockError()).code).toBe('DEPLOY_LOCKED');
    expect(next.ctx.seen.filter((e) => e.type === 'warn')).toEqual([]);
    await next.release();
    expect(await leaseState()).toBe('available');
    const calls = leaseCalls(from);
    // The dead deploy's and the next deploy's timers fire in the same tick: either order.
    expect([...calls.slice(0, 3), ...calls.slice(3, 5).sort(), ...calls.slice(5)]).toEqual([
      'Lease Acquire 201', // dead
      'Lease Acquire 409 LeaseAlreadyPresent', // at 59 s
      'Lease Acquire 201', // next, at 61 s
      'Lease Renew 200', // next's renewal
      'Lease Renew 409 LeaseIdMismatchWithLeaseOperation', // dead's renewal
      'Lease Release 409 LeaseIdMismatchWithLeaseOperation', // dead's release: refused, swallowed
      'Lease Acquire 409 LeaseAlreadyPresent',
      'Lease Release 200', // next
    ]);
  });

  it('sls-x unlock shows a held lease and refuses it (exit 2); --force breaks it on Azurite; the holder learns it lost the lock', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const dir = project();
    const unlock = (...flags: string[]) => runCli(['unlock', '--target', 'azure', ...flags], dir, { env: { AZURE_SUBSCRIPTION_ID: SUB }, clients: bridge.clients });
    expect(await unlock()).toMatchObject({ code: 0, stdout: 'No deploy lock is held for shop/dev on azure.\n' });

    const holder = await lock();
    const refused = await unlock();
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/The deploy lock of shop\/dev on azure is held by a deploy \(Azure leases name no holder\).*may still be running/);
    expect(await leaseState()).toBe('leased');

    const from = bridge.calls.length;
    const forced = await unlock('--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/^Released the deploy lock of shop\/dev on azure, held by a deploy .*forced; lease on \w+\/app-package\)\.\n$/);
    expect(leaseCalls(from)).toEqual(['Lease Break 202']);
    expect(await leaseState()).toBe('broken');
    expect(await unlock()).toMatchObject({ code: 0, stdout: 'No deploy lock is held for shop/dev on azure.\n' });

    // The next deploy may go at once (breakPeriod 0); the broken holder's renewal is refused.
    const next = await lock();
    const renewals = bridge.calls.filter((c) => c.op === 'Lease Renew').length;
    await vi.advanceTimersByTimeAsync(RENEW_MS);
    await renewalsAnswered(renewals + 2);
    expect(holder.ctx.seen.filter((e) => e.type === 'warn')).toHaveLength(1);
    expect(next.ctx.seen.filter((e) => e.type === 'warn')).toEqual([]);
    await holder.release();
    await next.release();
    expect(await leaseState()).toBe('available');
  });

  it('remove breaks the lease before deleting the package container (Azurite refuses to delete a leased container)', async () => {
    const holder = await lock();
    // What Azure does with a delete that names no lease: 412 LeaseIdMissing.
    const refused = await bridge.storage('DELETE', `${az.blobUrl}/${CONTAINER}?restype=container`);
    expect(refused.status).toBe(412);
    expect(refused.headers.get('x-ms-error-code')).toBe('LeaseIdMissing');

    const from = bridge.calls.length;
    await deployWith(adapter, shop(), [], command(), true);
    const ops = bridge.calls.slice(from).filter((c) => c.resource === CONTAINER).map((c) => `${c.op} ${c.status}`);
    expect(ops).toEqual(['Lease Break 202', 'Delete Container 202']);
    const gone = await bridge.storage('GET', `${az.blobUrl}/${CONTAINER}?restype=container`);
    expect(gone.status).toBe(404);
    // The deploy that held it releases a lease on a container that is gone: refused, swallowed.
    await holder.release();
    expect(leaseCalls(bridge.calls.length - 1)).toEqual(['Lease Release 404 ContainerNotFound']);
  });
});

/** A project for the real CLI: service shop, stage dev, resource group shop-rg (the names shop() deploys). */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slsx-azure-lock-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'api.ts'), 'export const handler = async () => ({ status: 200, body: "ok" });\n');
  writeFileSync(
    join(dir, 'faas.yaml'),
    ['service: shop', 'runtime: node22', 'targets:', '  azure: { region: westeurope, resourceGroup: shop-rg }', 'functions:', '  api:', '    handler: src/api.handler', '    events:', '      - http: GET /orders/{id}', ''].join('\n'),
  );
  return dir;
}
