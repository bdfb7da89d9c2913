import type { ResourceApply as CoreResourceApply } from '../../../src/apply/dispatch.js';
import type { Change, Props } from '../../../src/core/resources.js';
import { SlsxError } from '../../../src/errors/slsx-error.js';
import { waitOptions } from '../clients.js';
import { isAwsError, mapAwsError } from '../errors.js';
import { resolve, tagsFor, type Session } from '../session.js';
import { withBackoff } from '../../../src/apply/backoff.js';

/** What each resource's apply functions receive. */
export interface ApplyContext {
  change: Change;
  session: Session;
  /** Desired props, placeholders filled in (create/update/replace). */
  after: Props;
  /** Observed props, placeholders filled in (update/replace/delete). */
  before: Props;
  physicalId?: string;
  tags: Record<string, string>;
}

/** One resource kind's idempotent operations. `update` defaults to delete + create when absent. */
export type ResourceApply = CoreResourceApply<ApplyContext>;

export function applyContext(change: Change, session: Session): ApplyContext {
  return {
    change,
    session,
    after: resolve(change.after ?? {}, session),
    before: resolve(change.before ?? {}, session),
    physicalId: change.physicalId,
    tags: tagsFor(session, change.id),
  };
}

/** Re-resolve placeholders after something (the API id) became known. */
export function resolved<T>(c: ApplyContext, value: T): T {
  return resolve(value, c.session);
}

/** Tags as IAM / API lists want them. */
export function tagList(tags: Record<string, string>): Array<{ Key: string; Value: string }> {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** Which of `fields` differ between before and after. */
export function changed(c: ApplyContext, ...fields: string[]): boolean {
  return fields.some((f) => JSON.stringify(c.before[f]) !== JSON.stringify(c.after[f]));
}

/** Ignore "it is not there" on deletes: deleting twice is fine. */
export async function ignoreMissing(doing: string, fn: () => Promise<unknown>, ...names: string[]): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const missing = ['ResourceNotFoundException', 'NoSuchEntity', 'NoSuchEntityException', 'NotFoundException', 'NoSuchBucket', 'AWS.SimpleQueueService.NonExistentQueue', 'QueueDoesNotExist', ...names];
    if (isAwsError(err, ...missing)) return;
    throw mapAwsError(err, doing);
  }
}

/**
 * Retry a call that fails while a new IAM role propagates (Lambda: "The role defined for the
 * function cannot be assumed by Lambda"), with exponential backoff through the injected sleep.
 */
export async function retryPropagation<T>(session: Session, doing: string, fn: () => Promise<T>, isPropagation: (err: unknown) => boolean): Promise<T> {
  const wait = waitOptions(session.clients);
  return withBackoff(fn, { attempts: wait.propagationAttempts, sleep: wait.sleep, baseMs: 1000, maxMs: 15_000, retryIf: isPropagation }).catch((err: unknown) => {
    throw mapAwsError(err, doing);
  });
}

/** An error raised when the cloud holds something with our name that is not ours. */
export function notOurs(kind: string, name: string, hint: string): SlsxError {
  return new SlsxError('RESOURCE_CONFLICT', `The ${kind} '${name}' exists but does not carry this service and stage's tags.`, { hint });
}
