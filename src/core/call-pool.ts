/**
 * One bounded, rate-aware pool for a command's cloud calls.
 *
 * Every control-plane call of an adapter goes through `run(key, fn)`, where `key` names the API
 * (`aws:logs:FilterLogEvents`, `azure:GET:Microsoft.Web/sites`, `gcp:functions.getFunction`):
 *
 * - at most `concurrency` calls are in flight at once, whatever fans out above (observe of 300
 *   functions queues its ~2,700 reads here instead of firing them together);
 * - each key starts calls no faster than its published rate: a generic cell rate algorithm (a
 *   token bucket that hands out start times), so `n` calls of a 5/s API start 200 ms apart;
 * - when the cloud still answers "throttled", that key's rate is halved (never below
 *   `minPerSecond`) and grows back by 5% per success: additive-increase, multiplicative-decrease,
 *   as the AWS SDK's adaptive retry mode does; with `retry`, the call is tried again after an
 *   exponential backoff with jitter.
 *
 * The clock and sleep are injected, so tests see the schedule (`trace`) without waiting.
 */

export interface Rate {
  /** Calls started per second, sustained. */
  perSecond: number;
  /** Calls that may start at once after a quiet spell. */
  burst: number;
}

export interface CallPoolOptions {
  /** Calls in flight at once, over all keys. */
  concurrency: number;
  /** The published (or safe) rate of an API. */
  rate(key: string): Rate;
  /** Whether an error is the cloud saying "slow down". */
  isThrottle(err: unknown): boolean;
  /** Retry throttled calls here (for clients whose SDK does not already); tries in all. */
  retry?: { attempts: number; baseMs: number; maxMs: number };
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** 0..1, for the backoff jitter; injected by tests. */
  random?: () => number;
  /** Keep the start time of every call (tests, `--debug`). */
  trace?: boolean;
}

interface KeyState {
  /** Theoretical arrival time of the next call (GCRA), ms. */
  tat: number;
  /** The current rate: the nominal one, lowered while the cloud throttles. */
  perSecond: number;
  nominal: Rate;
  /** When the last call of this key actually started, ms. */
  lastStart: number;
}

export interface CallPoolStats {
  calls: Record<string, number>;
  throttled: Record<string, number>;
  maxInFlight: number;
}

const MIN_PER_SECOND = 0.2;

export class CallPool {
  private readonly keys = new Map<string, KeyState>();
  private readonly waiting: Array<() => void> = [];
  private inFlight = 0;
  private readonly counts = new Map<string, number>();
  private readonly throttles = new Map<string, number>();
  private peak = 0;
  /** `{ key, at }` for every call started, when `trace` is on: `at` is the scheduled start, ms. */
  readonly trace: Array<{ key: string; at: number }> = [];
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly opts: CallPoolOptions) {
    if (!(opts.concurrency >= 1)) throw new RangeError('CallPool: concurrency must be at least 1');
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = opts.random ?? Math.random;
  }

  /** Run `fn` as a call of API `key`: bounded, paced, and retried while throttled when `retry` is set. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const attempts = this.opts.retry?.attempts ?? 1;
    for (let attempt = 1; ; attempt++) {
      // Pace first, then take a slot: a slow API waiting for its start time holds no slot.
      await this.pace(key);
      await this.acquire();
      try {
        await this.spaced(key);
        this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
        const out = await fn();
        this.succeeded(key);
        return out;
      } catch (err) {
        if (!this.opts.isThrottle(err)) throw err;
        this.throttled(key);
        if (attempt >= attempts) throw err;
      } finally {
        this.release();
      }
      const r = this.opts.retry!;
      const cap = Math.min(r.baseMs * 2 ** (attempt - 1), r.maxMs);
      await this.sleep(Math.round(cap / 2 + (cap / 2) * this.random()));
    }
  }

  stats(): CallPoolStats {
    return { calls: Object.fromEntries(this.counts), throttled: Object.fromEntries(this.throttles), maxInFlight: this.peak };
  }

  /** The rate `key` is paced at now (lowered after throttling). */
  currentRate(key: string): number {
    return this.state(key).perSecond;
  }

  private state(key: string): KeyState {
    let s = this.keys.get(key);
    if (!s) {
      const nominal = this.opts.rate(key);
      s = { tat: 0, perSecond: nominal.perSecond, nominal, lastStart: 0 };
      this.keys.set(key, s);
    }
    return s;
  }

  /** Wait for this key's next start time (GCRA: at most `burst` at once, then 1/perSecond apart). */
  private async pace(key: string): Promise<void> {
    const s = this.state(key);
    const interval = 1000 / s.perSecond;
    const tolerance = (Math.max(1, s.nominal.burst) - 1) * interval;
    const now = this.now();
    const start = Math.max(now, s.tat - tolerance);
    s.tat = Math.max(s.tat, start) + interval;
    if (this.opts.trace) this.trace.push({ key, at: start });
    if (start > now) await this.sleep(start - now);
  }

  private succeeded(key: string): void {
    const s = this.state(key);
    if (s.perSecond < s.nominal.perSecond) s.perSecond = Math.min(s.nominal.perSecond, s.perSecond * 1.05);
  }

  private throttled(key: string): void {
    const s = this.state(key);
    this.throttles.set(key, (this.throttles.get(key) ?? 0) + 1);
    s.perSecond = Math.max(MIN_PER_SECOND, s.perSecond / 2);
  }

  /**
   * Calls paced for the same start can meet again behind a full pool: a key allowed no burst
   * waits out the rest of its interval after the previous start, holding its slot at most that long.
   */
  private async spaced(key: string): Promise<void> {
    const s = this.state(key);
    if (s.nominal.burst <= 1) {
      const gap = s.lastStart + 1000 / s.perSecond - this.now();
      if (gap > 0 && s.lastStart > 0) await this.sleep(gap);
    }
    s.lastStart = this.now();
  }

  private async acquire(): Promise<void> {
    if (this.inFlight < this.opts.concurrency) {
      this.inFlight++;
      this.peak = Math.max(this.peak, this.inFlight);
      return;
    }
    // The slot is handed over by release(), so no newcomer can slip in between.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }
}

/**
 * `target` with some of its methods replaced: `wrap(name, method)` gives the replacement, or
 * undefined to keep the method (bound to `target`); other properties read through. How the
 * adapters put their SDK clients' calls through a pool.
 */
export function withMethods<T extends object>(target: T, wrap: (name: string | symbol, method: (...args: any[]) => any) => ((...args: any[]) => unknown) | undefined): T {
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t) as unknown;
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => unknown).bind(t);
      return wrap(prop, method) ?? method;
    },
  });
}
