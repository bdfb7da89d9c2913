import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { InvocationRecord, LogLine } from '../../../src/model/invocation.js';
import type { RawQueueMessage } from '../protocol.js';
import { readResources, type StoredResource } from '../store.js';

type Db = BetterSqlite3.Database;

export interface DeadLetter {
  id: string;
  queue: string;
  body: string;
  attributes: Record<string, string>;
  attempts: number;
  enqueuedAt: number;
  failedAt: number;
  lastError: string | null;
}

/**
 * The running local cloud's durable state: resources, queues and DLQs, schedule marks,
 * invocation records and logs. Queue operations commit at once (at-least-once delivery);
 * records and logs are buffered and written in one transaction every few ms, off the hot path.
 */
/** Rows of each table one prune step deletes at most (a few milliseconds of work). */
export const PRUNE_BATCH = 5_000;

export class CloudState {
  private readonly pendingRecords: InvocationRecord[] = [];
  private readonly pendingLogs: LogLine[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly st;

  /** Optional taps (`sls-x dev` prints invocations and logs as they happen). */
  tap: { record?: (r: InvocationRecord) => void; log?: (l: LogLine) => void } = {};

  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {
    const p = (sql: string) => db.prepare(sql);
    this.st = {
      putResource: p('INSERT INTO resources (id, type, props, depends_on, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET type = excluded.type, props = excluded.props, depends_on = excluded.depends_on, updated_at = excluded.updated_at'),
      deleteResource: p('DELETE FROM resources WHERE id = ?'),
      send: p('INSERT INTO messages (id, queue, body, attributes, attempt, enqueued_at, visible_at) VALUES (?, ?, ?, ?, 0, ?, ?)'),
      receive: p(`UPDATE messages SET attempt = attempt + 1, visible_at = ? WHERE seq IN (
        SELECT seq FROM messages WHERE queue = ? AND visible_at <= ? ORDER BY visible_at, seq LIMIT ?) RETURNING id, body, attributes, attempt, enqueued_at`),
      nextVisible: p('SELECT min(visible_at) AS at FROM messages WHERE queue = ?'),
      ack: p('DELETE FROM messages WHERE id = ?'),
      release: p('UPDATE messages SET visible_at = ?, attempt = max(attempt - 1, 0) WHERE id = ?'),
      setError: p('UPDATE messages SET last_error = ? WHERE id = ?'),
      toDlq: p(`INSERT OR REPLACE INTO dead_letters (id, queue, body, attributes, attempts, enqueued_at, failed_at, last_error)
        SELECT id, queue, body, attributes, attempt, enqueued_at, ?, ? FROM messages WHERE id = ?`),
      dlqList: p('SELECT id, queue, body, attributes, attempts, enqueued_at, failed_at, last_error FROM dead_letters WHERE queue = ? ORDER BY seq'),
      redrive: p('INSERT INTO messages (id, queue, body, attributes, attempt, enqueued_at, visible_at) SELECT id, queue, body, attributes, 0, enqueued_at, ? FROM dead_letters WHERE queue = ?'),
      dlqClear: p('DELETE FROM dead_letters WHERE queue = ?'),
      depth: p('SELECT count(*) AS n FROM messages WHERE queue = ?'),
      dropQueue: p('DELETE FROM messages WHERE queue = ?'),
      dropDlq: p('DELETE FROM dead_letters WHERE queue = ?'),
      expire: p('DELETE FROM messages WHERE queue = ? AND enqueued_at < ?'),
      getMark: p('SELECT last_run FROM schedule_marks WHERE id = ?'),
      setMark: p('INSERT INTO schedule_marks (id, last_run) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET last_run = excluded.last_run'),
      dropMark: p('DELETE FROM schedule_marks WHERE id = ?'),
      record: p('INSERT INTO invocations (function, started_at, record) VALUES (?, ?, ?)'),
      log: p('INSERT INTO logs (time, function, request_id, level, message, data) VALUES (?, ?, ?, ?, ?, ?)'),
    };
  }

  resources(): StoredResource[] {
    return readResources(this.db);
  }

  putResource(r: StoredResource): void {
    this.st.putResource.run(r.id, r.type, JSON.stringify(r.props), JSON.stringify(r.dependsOn), this.now());
  }

  deleteResource(id: string): void {
    this.st.deleteResource.run(id);
  }

  /** Enqueue bodies; committed before this returns. */
  send(queue: string, items: Array<{ body: string; attributes?: Record<string, string>; delayMs?: number }>): string[] {
    const at = this.now();
    const ids: string[] = [];
    this.db.transaction(() => {
      for (const item of items) {
        const id = randomUUID();
        // A delayed message is stored now and becomes visible after its delay.
        this.st.send.run(id, queue, item.body, JSON.stringify(item.attributes ?? {}), at, at + Math.max(0, item.delayMs ?? 0));
        ids.push(id);
      }
    })();
    return ids;
  }

  /** Take up to `max` visible messages, hiding them for the visibility timeout (their attempt counts up). */
  receive(queue: string, max: number, visibilityMs: number): RawQueueMessage[] {
    const at = this.now();
    const rows = this.st.receive.all(at + visibilityMs, queue, at, max) as Array<{ id: string; body: string; attributes: string; attempt: number; enqueued_at: number }>;
    return rows.map((r) => ({ id: r.id, body: r.body, attempt: r.attempt, attributes: JSON.parse(r.attributes) as Record<string, string>, enqueuedAt: r.enqueued_at }));
  }

  /** Epoch ms when the next message becomes visible, if any. */
  nextVisibleAt(queue: string): number | undefined {
    const row = this.st.nextVisible.get(queue) as { at: number | null };
    return row.at ?? undefined;
  }

  ack(ids: string[]): void {
    if (ids.length === 0) return;
    this.db.transaction(() => {
      for (const id of ids) this.st.ack.run(id);
    })();
  }

  /** Put messages back at once without counting the attempt (the consumer was throttled). */
  release(ids: string[], delayMs: number): void {
    const at = this.now() + delayMs;
    this.db.transaction(() => {
      for (const id of ids) this.st.release.run(at, id);
    })();
  }

  /**
   * Failed deliveries: a message past its retries goes to the DLQ (or is dropped when the queue
   * has none); others stay hidden until their visibility timeout ends, then are retried.
   */
  fail(failures: Array<{ message: RawQueueMessage; error: string }>, maxRetries: number, deadLetter: boolean): { deadLettered: string[]; dropped: string[] } {
    const out = { deadLettered: [] as string[], dropped: [] as string[] };
    const at = this.now();
    this.db.transaction(() => {
      for (const { message, error } of failures) {
        if (message.attempt > maxRetries) {
          if (deadLetter) {
            this.st.toDlq.run(at, error, message.id);
            out.deadLettered.push(message.id);
          } else out.dropped.push(message.id);
          this.st.ack.run(message.id);
        } else this.st.setError.run(error, message.id);
      }
    })();
    return out;
  }

  deadLetters(queue: string): DeadLetter[] {
    const rows = this.st.dlqList.all(queue) as Array<{ id: string; queue: string; body: string; attributes: string; attempts: number; enqueued_at: number; failed_at: number; last_error: string | null }>;
    return rows.map((r) => ({ id: r.id, queue: r.queue, body: r.body, attributes: JSON.parse(r.attributes) as Record<string, string>, attempts: r.attempts, enqueuedAt: r.enqueued_at, failedAt: r.failed_at, lastError: r.last_error }));
  }

  /** Move every dead letter of a queue back to it, attempts reset. Returns how many moved. */
  redrive(queue: string): number {
    return this.db.transaction(() => {
      const moved = this.st.redrive.run(this.now(), queue).changes;
      this.st.dlqClear.run(queue);
      return moved;
    })();
  }

  depth(queue: string): number {
    return (this.st.depth.get(queue) as { n: number }).n;
  }

  dropQueue(queue: string): void {
    this.db.transaction(() => {
      this.st.dropQueue.run(queue);
      this.st.dropDlq.run(queue);
    })();
  }

  expire(queue: string, retentionMs: number): number {
    return this.st.expire.run(queue, this.now() - retentionMs).changes;
  }

  lastRun(scheduleId: string): number | undefined {
    return (this.st.getMark.get(scheduleId) as { last_run: number } | undefined)?.last_run;
  }

  markRun(scheduleId: string, at: number): void {
    this.st.setMark.run(scheduleId, at);
  }

  dropMark(scheduleId: string): void {
    this.st.dropMark.run(scheduleId);
  }

  record(record: InvocationRecord): void {
    this.tap.record?.(record);
    this.pendingRecords.push(record);
    this.scheduleFlush();
  }

  log(line: LogLine): void {
    this.tap.log?.(line);
    this.pendingLogs.push(line);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => this.flush(), 20);
  }

  /** Write buffered records and logs in one transaction. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pendingRecords.length === 0 && this.pendingLogs.length === 0) return;
    const records = this.pendingRecords.splice(0);
    const logs = this.pendingLogs.splice(0);
    this.db.transaction(() => {
      for (const r of records) this.st.record.run(r.function, r.startedAt, JSON.stringify(r));
      for (const l of logs) this.st.log.run(l.time, l.function, l.requestId ?? null, l.level, l.message, l.data ? JSON.stringify(l.data) : null);
    })();
  }

  /**
   * Keep the newest `keep` invocation records and log lines (the state must not grow without
   * bound), deleting at most `batch` of each per call: called often, each call is a short
   * transaction on the gateway's thread instead of one long stall. Returns the rows deleted.
   */
  prune(keep: number, batch = PRUNE_BATCH): number {
    this.flush();
    let deleted = 0;
    for (const table of ['invocations', 'logs'] as const) {
      deleted += this.db
        .prepare(`DELETE FROM ${table} WHERE seq IN (SELECT seq FROM ${table} WHERE seq <= (SELECT max(seq) FROM ${table}) - ? ORDER BY seq LIMIT ?)`)
        .run(keep, batch).changes;
    }
    return deleted;
  }

  /** Fold the write-ahead log back into the database and truncate it, so the WAL file stays small. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  close(): void {
    this.flush();
    this.db.close();
  }
}
