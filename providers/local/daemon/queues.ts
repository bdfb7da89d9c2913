import type { InvocationRecord, LogLine } from '../../../src/model/invocation.js';
import type { QueueProps, QueueTriggerProps } from '../naming.js';
import type { QueueResult, RawQueueMessage } from '../protocol.js';
import type { FunctionPool } from './pool.js';
import type { CloudState } from './state.js';

export interface ConsumerDeps {
  state: CloudState;
  pool(fn: string): FunctionPool | undefined;
  queue(name: string): QueueProps | undefined;
  record(record: InvocationRecord): void;
  log(line: LogLine): void;
}

/** Longest a consumer sleeps before looking at its queue again (sends wake it at once). */
const IDLE_POLL_MS = 1000;
/** After a failed state read or write (e.g. SQLite busy), look again this soon: never wait for the next send. */
export const RETRY_AFTER_ERROR_MS = 100;

/**
 * Feeds one queue's messages to one function in batches, as many batches at once as the function
 * has capacity; backs off (waits for a free instance) when it is at its concurrency limit.
 * A thrown error fails the whole batch; `{ failed: [ids] }` only those. Failed messages come back
 * after the visibility timeout; past maxRetries they go to the DLQ.
 */
export class QueueConsumer {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private pumping = false;
  private waitingForCapacity = false;

  constructor(private props: QueueTriggerProps, private readonly deps: ConsumerDeps) {}

  get queue(): string {
    return this.props.queue;
  }

  update(props: QueueTriggerProps): void {
    this.props = props;
    this.wake();
  }

  start(): void {
    this.stopped = false;
    this.wake();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Something arrived (send, redrive): look now (after the batch window, if any). */
  wake(): void {
    if (this.stopped) return;
    if (this.props.batchWindowMs > 0) this.later(this.props.batchWindowMs);
    else setImmediate(() => this.pump());
  }

  private later(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.max(1, ms));
  }

  private pump(): void {
    if (this.stopped || this.pumping) return;
    this.pumping = true;
    try {
      for (let guard = 0; guard < 10_000 && !this.stopped; guard++) {
        const pool = this.deps.pool(this.props.function);
        const queue = this.deps.queue(this.props.queue);
        if (!pool || !queue) return this.later(IDLE_POLL_MS);
        if (!pool.hasCapacity()) {
          // Back off: the function is at its concurrency limit; resume when an instance frees.
          if (!this.waitingForCapacity) {
            this.waitingForCapacity = true;
            void pool.whenFree().then(() => {
              this.waitingForCapacity = false;
              this.pump();
            });
          }
          return;
        }
        let batch: RawQueueMessage[];
        try {
          batch = this.deps.state.receive(this.props.queue, this.props.batchSize, queue.visibilityTimeoutMs);
        } catch (err) {
          this.deps.log({ time: Date.now(), function: this.props.function, level: 'warn', message: `reading queue ${this.props.queue} failed (${(err as Error).message}); retrying` });
          return this.later(RETRY_AFTER_ERROR_MS);
        }
        if (batch.length === 0) {
          const next = this.deps.state.nextVisibleAt(this.props.queue);
          return this.later(next === undefined ? IDLE_POLL_MS : Math.min(IDLE_POLL_MS, Math.max(5, next - Date.now())));
        }
        void this.deliver(pool, queue, batch)
          .catch((err: unknown) => {
            // The outcome could not be stored: the messages come back after their visibility timeout.
            this.deps.log({ time: Date.now(), function: this.props.function, level: 'warn', message: `recording a batch of queue ${this.props.queue} failed (${(err as Error).message}); its messages will be delivered again` });
          })
          .finally(() => this.pump());
      }
    } catch (err) {
      this.deps.log({ time: Date.now(), function: this.props.function, level: 'warn', message: `queue ${this.props.queue}: ${(err as Error).message}; retrying` });
      this.later(RETRY_AFTER_ERROR_MS);
    } finally {
      this.pumping = false;
    }
  }

  private async deliver(pool: FunctionPool, queue: QueueProps, batch: RawQueueMessage[]): Promise<void> {
    const inv = await pool.invoke('queue', batch, 'queue');
    this.deps.record(inv.record);
    if (this.stopped && inv.record.outcome === 'throttled') return;
    const { state } = this.deps;
    if (inv.record.outcome === 'throttled') {
      state.release(batch.map((m) => m.id), 50);
      return;
    }
    let failures: Array<{ message: RawQueueMessage; error: string }>;
    if (inv.ok) {
      const failed = new Set((inv.result as QueueResult | undefined)?.failed ?? []);
      state.ack(batch.filter((m) => !failed.has(m.id)).map((m) => m.id));
      failures = batch.filter((m) => failed.has(m.id)).map((message) => ({ message, error: 'reported as failed by the handler ({ failed: [ids] })' }));
    } else {
      failures = batch.map((message) => ({ message, error: `${inv.record.outcome}: ${inv.error ?? 'failed'}` }));
    }
    if (failures.length === 0) return;
    const { deadLettered, dropped } = state.fail(failures, queue.maxRetries, queue.deadLetter);
    const fn = this.props.function;
    if (deadLettered.length > 0) this.deps.log({ time: Date.now(), function: fn, level: 'warn', message: `${deadLettered.length} message(s) of queue ${this.props.queue} moved to its DLQ after ${queue.maxRetries + 1} attempt(s)`, data: { ids: deadLettered.slice(0, 20) } });
    if (dropped.length > 0) this.deps.log({ time: Date.now(), function: fn, level: 'warn', message: `${dropped.length} message(s) of queue ${this.props.queue} dropped after ${queue.maxRetries + 1} attempt(s) (the queue has no dead-letter queue)`, data: { ids: dropped.slice(0, 20) } });
  }
}
