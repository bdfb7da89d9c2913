import { hostname } from 'node:os';
import type { AdapterContext, LockInfo } from '../../src/core/adapter.js';
import { holderLive } from '../../src/apply/lock-holder.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { call, errorKind, mapGcpError } from './errors.js';
import { labelsFor, type Session } from './session.js';

/** A lock older than this belongs to a deploy that died and may be taken over. */
export const LOCK_TTL_MS = 30 * 60_000;

/** The project's sls-x bucket (project ids are globally unique, so the name is too). */
export function lockBucket(project: string): string {
  return `slsx-deploy-${project}`;
}

export function lockKey(s: Pick<Session, 'service' | 'stage'>): string {
  return `locks/${s.service}/${s.stage}.json`;
}

/** The project number (a saved plan takes the lock before scope() has read it). */
async function projectNumber(s: Session): Promise<string> {
  if (s.projectNumber) return s.projectNumber;
  const got = await call(`resourcemanager.projects.get ${s.project}`, () => s.clients.projects.getProject({ name: `projects/${s.project}` }));
  s.projectNumber = String(got?.name ?? '').replace(/^projects\//, '');
  return s.projectNumber;
}

/**
 * Per-stage deploy lock: an object written only if it does not exist (`ifGenerationMatch: 0`),
 * so exactly one deploy wins. A lock past its expiry is deleted by generation (only that
 * stale lock) and taken once more. Returns the release function.
 */
export async function acquireLock(s: Session, ctx: AdapterContext): Promise<() => Promise<void>> {
  const storage = s.clients.storage;
  const bucket = lockBucket(s.project);
  const key = lockKey(s);
  const squatted = (): SlsxError =>
    new SlsxError('RESOURCE_CONFLICT', `The lock bucket '${bucket}' exists in another Google Cloud project; sls-x will not keep its deploy locks there.`, {
      hint: 'Bucket names are global: someone else holds this name. Delete that bucket if it is yours, or deploy from a project whose lock bucket name is free.',
    });
  let existing;
  try {
    existing = await storage.getBucket(bucket);
  } catch (err) {
    // A bucket of another project answers "denied" to a bucket read this project may do.
    if (errorKind(err) === 'denied') throw squatted();
    throw mapGcpError(err, `storage.buckets.get ${bucket}`);
  }
  if (!existing) {
    existing = await call(`storage.buckets.insert ${bucket}`, () =>
      storage.createBucket({ project: s.project, name: bucket, location: s.region, labels: labelsFor({ service: 'sls-x', stage: 'locks' }) }).catch((err) => {
        if (errorKind(err) !== 'conflict') throw err;
        return storage.getBucket(bucket);
      }),
    );
  }
  // Bucket names are global and anyone may create `slsx-deploy-<project>` in their own project:
  // such a bucket would hold (or forge) this project's locks.
  if (existing?.projectNumber && existing.projectNumber !== (await projectNumber(s))) throw squatted();
  const now = ctx.now().getTime();
  const holder = `${hostname()}:${process.pid}`;
  const body = JSON.stringify({ holder, acquiredAt: new Date(now).toISOString(), expiresAt: new Date(now + LOCK_TTL_MS).toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await call(`storage.objects.insert ${bucket}/${key}`, () => storage.createObject(bucket, key, body))) {
      const mine = await call(`storage.objects.get ${bucket}/${key}`, () => storage.readObject(bucket, key));
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await storage.deleteObject(bucket, key, mine?.generation).catch(() => undefined);
      };
    }
    const held = await call(`storage.objects.get ${bucket}/${key}`, () => storage.readObject(bucket, key));
    let info: { holder?: string; acquiredAt?: string; expiresAt?: string } = {};
    try {
      info = JSON.parse(held?.body ?? '{}');
    } catch {
      // An unreadable lock is treated as expired.
    }
    if (info.expiresAt && Date.parse(info.expiresAt) > now) {
      throw new SlsxError('DEPLOY_LOCKED', `Another deploy of ${s.service}/${s.stage} is running (held by ${info.holder ?? 'unknown'} since ${info.acquiredAt ?? '?'}).`, {
        hint: `Wait for it to finish. If that deploy died, its lock expires at ${info.expiresAt}; deploy again after that.`,
      });
    }
    await storage.deleteObject(bucket, key, held?.generation).catch(() => undefined);
  }
  throw new SlsxError('DEPLOY_LOCKED', `Could not take the deploy lock of ${s.service}/${s.stage}: another deploy took it first.`, { hint: 'Wait for it to finish.' });
}

/** Who holds the stage's lock (`sls-x unlock`). Read-only. */
export async function gcpLockInfo(s: Session, ctx: AdapterContext): Promise<LockInfo | undefined> {
  const bucket = lockBucket(s.project);
  const key = lockKey(s);
  const held = await call(`storage.objects.get ${bucket}/${key}`, () => s.clients.storage.readObject(bucket, key));
  if (!held) return undefined;
  let info: { holder?: string; acquiredAt?: string; expiresAt?: string } = {};
  try {
    info = JSON.parse(held.body ?? '{}');
  } catch {
    // Unreadable: an unknown holder, breakable.
  }
  return { holder: info.holder ?? 'unknown', acquiredAt: info.acquiredAt, expiresAt: info.expiresAt, live: holderLive(info.holder, info.expiresAt, ctx.now().getTime()), where: `gs://${bucket}/${key}` };
}

/** Delete the stage's lock whoever holds it (`sls-x unlock --force`). */
export async function gcpBreakLock(s: Session): Promise<void> {
  const bucket = lockBucket(s.project);
  await call(`storage.objects.delete ${bucket}/${lockKey(s)}`, () => s.clients.storage.deleteObject(bucket, lockKey(s)));
}
