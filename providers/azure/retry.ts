import type { Session } from './session.js';

/** Attempts for steps that wait on Azure's eventual consistency (RBAC propagation, function indexing). */
export const SETTLE_ATTEMPTS = 6;

/**
 * Retry `fn` while `retryable(err)` says the cloud has not caught up yet (a new role assignment
 * takes minutes to reach the data plane; Event Grid sees a function only once the host indexed
 * the new package), backing off through the clients' sleep (tests inject one that returns).
 */
export async function settle<T>(session: Pick<Session, 'clients'>, fn: () => Promise<T>, retryable: (err: unknown) => boolean, attempts = SETTLE_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || !retryable(err)) throw err;
      await session.clients.sleep(Math.min(5000 * 2 ** (attempt - 1), 60_000));
    }
  }
}
