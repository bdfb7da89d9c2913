import { hostname } from 'node:os';
import type { AdapterContext, LockInfo } from '../../src/core/adapter.js';
import { holderLive } from '../../src/apply/lock-holder.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { call, httpStatus, isAwsError, mapAwsError } from './errors.js';
import { stagingBucket } from './apply/code.js';
import type { Session } from './session.js';
import { keepRenewed } from '../../src/apply/lock-renewal.js';

/** A lock not renewed for this long belongs to a dead deploy and may be taken over. */
export const LOCK_TTL_MS = 5 * 60_000;
/** The holder renews well before expiry. */
export const LOCK_RENEW_MS = 60_000;

interface LockBody {
  holder: string;
  acquiredAt: string;
  expiresAt: string;
}

export function lockKey(session: Pick<Session, 'service' | 'stage'>): string {
  return `locks/${session.service}/${session.stage}.json`;
}

/**
 * Per-stage deploy lock: an object in the account's sls-x bucket written with a conditional
 * put (If-None-Match: *), so exactly one deploy wins. The holder renews it (If-Match on its
 * ETag); a lock past its expiry belongs to a deploy that died and is taken over. Returns the
 * release function.
 */
export async function acquireLock(session: Session, ctx: AdapterContext): Promise<() => Promise<void>> {
  const s3 = await import('@aws-sdk/client-s3');
  const client = session.clients.s3;
  const Bucket = stagingBucket(session.account, session.region);
  const Key = lockKey(session);
  try {
    await client.send(new s3.CreateBucketCommand({ Bucket, ...(session.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: session.region as never } }) }));
  } catch (err) {
    if (!isAwsError(err, 'BucketAlreadyOwnedByYou')) await call(`s3:CreateBucket ${Bucket}`, () => Promise.reject(err));
  }
  const holder = `${hostname()}:${process.pid}`;
  const body = (): string => {
    const now = ctx.now().getTime();
    const value: LockBody = { holder, acquiredAt: new Date(now).toISOString(), expiresAt: new Date(now + LOCK_TTL_MS).toISOString() };
    return JSON.stringify(value);
  };
  const put = async (condition: { IfNoneMatch: string } | { IfMatch: string }): Promise<string | undefined> => {
    const res = await client.send(new s3.PutObjectCommand({ Bucket, Key, Body: body(), ContentType: 'application/json', ExpectedBucketOwner: session.account, ...condition }));
    return res.ETag;
  };
  const preconditionFailed = (err: unknown): boolean => httpStatus(err) === 412 || isAwsError(err, 'PreconditionFailed', 'ConditionalRequestConflict') || httpStatus(err) === 409;

  let etag: string | undefined;
  for (let attempt = 0; attempt < 2 && etag === undefined; attempt++) {
    try {
      etag = await put({ IfNoneMatch: '*' });
    } catch (err) {
      if (!preconditionFailed(err)) throw mapAwsError(err, `s3:PutObject ${Bucket}/${Key}`);
      const current = await call(`s3:GetObject ${Bucket}/${Key}`, () => client.send(new s3.GetObjectCommand({ Bucket, Key }))).catch(() => undefined);
      const text = current?.Body ? await current.Body.transformToString() : '{}';
      const held = JSON.parse(text) as Partial<LockBody>;
      const expires = held.expiresAt ? Date.parse(held.expiresAt) : 0;
      if (expires > ctx.now().getTime()) {
        throw new SlsxError('DEPLOY_LOCKED', `Another deploy of ${session.service}/${session.stage} is running (held by ${held.holder ?? 'unknown'} since ${held.acquiredAt ?? '?'}).`, {
          hint: `Wait for it to finish. If that deploy died, its lock expires at ${held.expiresAt}; deploy again after that.`,
        });
      }
      // Expired: remove exactly that stale lock (If-Match), then try again once.
      await client.send(new s3.DeleteObjectCommand({ Bucket, Key, ...(current?.ETag ? { IfMatch: current.ETag } : {}) })).catch(() => undefined);
    }
  }
  if (etag === undefined) {
    throw new SlsxError('DEPLOY_LOCKED', `Could not take the deploy lock of ${session.service}/${session.stage}: another deploy took it first.`, { hint: 'Wait for it to finish.' });
  }
  const renewal = keepRenewed(
    async () => void (etag = (await put({ IfMatch: etag as string })) ?? etag),
    LOCK_RENEW_MS,
    (err) => ctx.events({ type: 'warn', message: `The deploy lock of ${session.service}/${session.stage} could not be renewed (${err instanceof Error ? err.message : String(err)}): another deploy can start once it expires.` }),
  );
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    renewal.stop();
    await client.send(new s3.DeleteObjectCommand({ Bucket, Key, IfMatch: etag })).catch(() => undefined);
  };
}

/** Who holds the stage's lock (`sls-x unlock`). Read-only. */
export async function awsLockInfo(session: Session, ctx: AdapterContext): Promise<LockInfo | undefined> {
  const s3 = await import('@aws-sdk/client-s3');
  const Bucket = stagingBucket(session.account, session.region);
  const Key = lockKey(session);
  let text: string;
  try {
    const got = await session.clients.s3.send(new s3.GetObjectCommand({ Bucket, Key, ExpectedBucketOwner: session.account }));
    text = got.Body ? await got.Body.transformToString() : '{}';
  } catch (err) {
    if (isAwsError(err, 'NoSuchKey', 'NoSuchBucket') || httpStatus(err) === 404) return undefined;
    throw mapAwsError(err, `s3:GetObject ${Bucket}/${Key}`);
  }
  let held: Partial<LockBody> = {};
  try {
    held = JSON.parse(text) as Partial<LockBody>;
  } catch {
    // Not ours to parse: shown as an unknown holder, breakable.
  }
  return { holder: held.holder ?? 'unknown', acquiredAt: held.acquiredAt, expiresAt: held.expiresAt, live: holderLive(held.holder, held.expiresAt, ctx.now().getTime()), where: `s3://${Bucket}/${Key}` };
}

/** Delete the stage's lock whoever holds it (`sls-x unlock --force`). */
export async function awsBreakLock(session: Session): Promise<void> {
  const s3 = await import('@aws-sdk/client-s3');
  const Bucket = stagingBucket(session.account, session.region);
  await call(`s3:DeleteObject ${Bucket}/${lockKey(session)}`, () => session.clients.s3.send(new s3.DeleteObjectCommand({ Bucket, Key: lockKey(session), ExpectedBucketOwner: session.account })));
}
