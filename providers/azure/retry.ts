import type { Session } from './session.js';
import { withBackoff } from '../../src/apply/backoff.js';

/** Attempts for steps that wait on Azure's eventual consistency (RBAC propagation, function indexing). */
export const SETTLE_ATTEMPTS = 6;

/**
 * Retry `fn` while `retryable(err)` says the cloud has not caught up yet (a new role assignment
 * takes minutes to reach the data plane; Event Grid sees a function only once the host indexed
 * the new package), backing off through the clients' sleep (tests inject one that returns).
 */
export function settle<T>(session: Pick<Session, 'clients'>, fn: () => Promise<T>, retryable: (err: unknown) => boolean, attempts = SETTLE_ATTEMPTS): Promise<T> {
  return withBackoff(fn, { attempts, sleep: session.clients.sleep, baseMs: 5000, maxMs: 60_000, retryIf: retryable });
}
