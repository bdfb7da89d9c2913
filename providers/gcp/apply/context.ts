import type { ResourceApply as CoreResourceApply } from '../../../src/apply/dispatch.js';
import type { Change, Props } from '../../../src/core/resources.js';
import { SlsxError } from '../../../src/errors/slsx-error.js';
import { waitOptions } from '../clients.js';
import { errorKind, mapGcpError } from '../errors.js';
import { resolve, type Session } from '../session.js';
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
}

/** One resource kind's idempotent operations. `update` defaults to delete + create when absent. */
export type ResourceApply = CoreResourceApply<ApplyContext>;

export function applyContext(change: Change, session: Session): ApplyContext {
  return { change, session, after: resolve(change.after ?? {}, session), before: resolve(change.before ?? {}, session), physicalId: change.physicalId };
}

/** Which of `fields` differ between before and after. */
export function changed(c: ApplyContext, ...fields: string[]): boolean {
  return fields.some((f) => JSON.stringify(c.before[f]) !== JSON.stringify(c.after[f]));
}

/** `projects/<project>` and `projects/<project>/locations/<region>`. */
export function parents(c: ApplyContext): { project: string; location: string } {
  return { project: `projects/${c.session.project}`, location: `projects/${c.session.project}/locations/${c.session.region}` };
}

/**
 * A service account just created is not usable everywhere at once: Google answers "service
 * account ... does not exist" (or cannot be acted as) for a while. Such calls are retried with
 * exponential backoff through the injected sleep; anything else fails at once.
 */
export function isPropagation(err: unknown): boolean {
  const message = String((err as Error)?.message ?? '');
  return /service account.*(does not exist|not found|is not ready)|does not exist.*service account|iam\.serviceAccounts\.actAs/i.test(message) && errorKind(err) !== 'credentials';
}

export async function retryPropagation<T>(c: ApplyContext, doing: string, fn: () => Promise<T>, retryIf: (err: unknown) => boolean = isPropagation): Promise<T> {
  const wait = waitOptions(c.session.clients);
  return withBackoff(fn, { attempts: wait.propagationAttempts, sleep: wait.sleep, baseMs: 1000, maxMs: 15_000, retryIf }).catch((err: unknown) => {
    throw mapGcpError(err, doing);
  });
}

/** An error raised when GCP holds something with our name that is not ours. */
export function notOurs(kind: string, name: string, hint: string): SlsxError {
  return new SlsxError('RESOURCE_CONFLICT', `The ${kind} '${name}' exists but does not carry this service and stage's labels.`, { hint });
}
