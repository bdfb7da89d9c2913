import type { Change } from '../core/resources.js';
import type { EventSink } from '../core/events.js';
import { SlsxError } from '../errors/slsx-error.js';

export interface RunPlanOptions {
  /** How many changes run at once. */
  concurrency?: number;
  events?: EventSink;
  now?: () => number;
}

/**
 * Execute a plan's changes through `execute`, in parallel with a bounded pool, respecting
 * dependencies: a create/update/replace waits for the changes of what it depends on; a delete
 * waits for the deletes of everything that depends on it. On the first failure no new change
 * starts; running ones finish, then one error lists every failure. Idempotent changes make a
 * re-run finish an interrupted deploy.
 */
export async function runPlan(changes: Change[], execute: (change: Change) => Promise<void>, options: RunPlanOptions = {}): Promise<void> {
  const limit = Math.max(1, options.concurrency ?? 8);
  const emit = options.events ?? (() => {});
  const now = options.now ?? (() => performance.now());
  const work = changes.filter((c) => c.action !== 'noop');

  // waitFor[i] = indexes of changes that must finish before change i starts.
  const waitFor = work.map((change) => {
    const deps = new Set<number>();
    work.forEach((other, j) => {
      if (other === change) return;
      if (change.action !== 'delete' && other.action !== 'delete' && change.dependsOn.includes(other.id)) deps.add(j);
      // Deletes run after creates/updates of the same id (replace is handled inside one change).
      if (change.action === 'delete' && other.action === 'delete' && other.dependsOn.includes(change.id)) deps.add(j);
      // A resource that now depends on something new must not lose its old dependency first:
      // deletes wait for non-delete changes, so traffic moves before the old thing goes.
      if (change.action === 'delete' && other.action !== 'delete') deps.add(j);
    });
    return deps;
  });

  const state: Array<'waiting' | 'running' | 'done' | 'failed' | 'skipped'> = work.map(() => 'waiting');
  const failures: Array<{ change: Change; error: unknown }> = [];
  let running = 0;

  await new Promise<void>((resolve) => {
    const pump = (): void => {
      if (failures.length === 0) {
        for (let i = 0; i < work.length && running < limit; i++) {
          if (state[i] !== 'waiting') continue;
          const deps = [...waitFor[i]];
          if (deps.some((j) => state[j] === 'failed' || state[j] === 'skipped')) {
            state[i] = 'skipped';
            continue;
          }
          if (!deps.every((j) => state[j] === 'done')) continue;
          state[i] = 'running';
          running++;
          const change = work[i];
          const started = now();
          emit({ type: 'change', change, state: 'start' });
          execute(change).then(
            () => {
              state[i] = 'done';
              emit({ type: 'change', change, state: 'done', elapsedMs: now() - started });
            },
            (error: unknown) => {
              state[i] = 'failed';
              failures.push({ change, error });
              emit({ type: 'change', change, state: 'failed', elapsedMs: now() - started, error: error instanceof Error ? error.message : String(error) });
            },
          ).finally(() => {
            running--;
            pump();
          });
        }
      }
      if (running === 0) resolve();
    };
    pump();
  });

  if (failures.length === 1 && failures[0].error instanceof SlsxError) throw failures[0].error;
  if (failures.length > 0) {
    const lines = failures.map(({ change, error }) => `${change.action} ${change.id}: ${error instanceof Error ? error.message : String(error)}`);
    const first = failures.find((f) => f.error instanceof SlsxError)?.error as SlsxError | undefined;
    throw new SlsxError(first?.code ?? 'CLOUD_ERROR', `${failures.length} change(s) failed:\n  ${lines.join('\n  ')}`, {
      hint: first?.hint ?? 'Fix the cause and run deploy again: finished changes are kept and the rest is retried.',
      cause: failures[0].error,
    });
  }
}
