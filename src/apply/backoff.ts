export interface BackoffOptions {
  /** Tries in all, the first included. */
  attempts: number;
  /** Injected so tests never wait. */
  sleep: (ms: number) => Promise<void>;
  /** First pause; each next one doubles, up to `maxMs`. */
  baseMs: number;
  maxMs: number;
  /** Whether an error means "the cloud has not caught up yet" (propagation, indexing, a moved etag). */
  retryIf: (err: unknown) => boolean;
}

/**
 * Run `fn`, trying again with exponential backoff while `retryIf` says the failure is the
 * cloud's eventual consistency; any other error, or the last one, is thrown as it is (callers
 * map it to an SlsxError). Used instead of fixed sleeps wherever a cloud needs time.
 */
export async function withBackoff<T>(fn: (attempt: number) => Promise<T>, o: BackoffOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= o.attempts || !o.retryIf(err)) throw err;
      await o.sleep(Math.min(o.baseMs * 2 ** (attempt - 1), o.maxMs));
    }
  }
}
