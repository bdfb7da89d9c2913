import { hostname } from 'node:os';
import type { AdapterContext } from '../../src/core/adapter.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { call, errorKind } from './errors.js';
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

/**
 * Per-stage deploy lock: an object written only if it does not exist (`ifGenerationMatch: 0`),
 * so exactly one deploy wins. A lock past its expiry is deleted by generation (only that
 * stale lock) and taken once more. Returns the release function.
 */
export async function acquireLock(s: Session, ctx: AdapterContext): Promise<() => Promise<void>> {
  const storage = s.clients.storage;
  const bucket = lockBucket(s.project);
  const key = lockKey(s);
  const existing = await call(`storage.buckets.get ${bucket}`, () => storage.getBucket(bucket));
  if (!existing) {
    await call(`storage.buckets.insert ${bucket}`, () =>
      storage.createBucket({ project: s.project, name: bucket, location: s.region, labels: labelsFor({ service: 'sls-x', stage: 'locks' }) }).catch((err) => {
        if (errorKind(err) !== 'conflict') throw err;
        return undefined;
      }),
    );
  }
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
