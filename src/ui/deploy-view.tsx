import { useEffect, useState, useSyncExternalStore } from 'react';
import { Box, Text, render, type Instance } from 'ink';
import type { Outputs } from '../core/adapter.js';
import type { EventSink, SlsxEvent } from '../core/events.js';
import type { ChangeAction, Scope } from '../core/resources.js';

/**
 * The interactive deploy view (ink): one row per resource change with its state and elapsed
 * time, then the outputs and the total time. It only subscribes to the core's events; the
 * deploy command imports this file lazily, and only when `ctx.interactive` is true.
 */

export type RowState = 'pending' | 'running' | 'done' | 'failed';

export interface Row {
  id: string;
  type: string;
  action: ChangeAction;
  security: boolean;
  state: RowState;
  startedAt?: number;
  elapsedMs?: number;
  error?: string;
}

export interface DeployViewState {
  scope?: Scope;
  phase?: string;
  rows: Row[];
  startedAt: number;
  finished?: { totalMs: number; outputs?: Outputs; error?: string };
  warnings: string[];
}

/** Fold one core event into the view state. Pure. */
export function reduceDeployView(state: DeployViewState, event: SlsxEvent, now: number): DeployViewState {
  switch (event.type) {
    case 'phase':
      return event.state === 'start' ? { ...state, phase: event.phase } : state;
    case 'plan': {
      const rows = event.plan.changes
        .filter((c) => c.action !== 'noop')
        .map((c): Row => ({ id: c.id, type: c.type, action: c.action, security: c.security, state: 'pending' }));
      return { ...state, scope: event.plan.scope, rows };
    }
    case 'change': {
      const known = state.rows.some((r) => r.id === event.change.id && r.action === event.change.action);
      const rows = known
        ? state.rows
        : [...state.rows, { id: event.change.id, type: event.change.type, action: event.change.action, security: event.change.security, state: 'pending' as const }];
      return {
        ...state,
        rows: rows.map((r) => {
          if (r.id !== event.change.id || r.action !== event.change.action) return r;
          if (event.state === 'start') return { ...r, state: 'running', startedAt: now };
          return { ...r, state: event.state, elapsedMs: event.elapsedMs ?? (r.startedAt !== undefined ? now - r.startedAt : undefined), error: event.error };
        }),
      };
    }
    case 'warn':
      return { ...state, warnings: [...state.warnings, event.message] };
    default:
      return state;
  }
}

function seconds(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

const MARK: Record<RowState, string> = { pending: '·', running: '›', done: '✓', failed: '✗' };
const COLOR: Record<RowState, string | undefined> = { pending: 'gray', running: 'cyan', done: 'green', failed: 'red' };
const VERB: Record<ChangeAction, string> = { create: 'create', update: 'update', replace: 'replace', delete: 'delete', noop: '' };

function RowLine({ row, width, now }: { row: Row; width: number; now: number }) {
  const elapsed = row.state === 'running' && row.startedAt !== undefined ? now - row.startedAt : row.elapsedMs;
  return (
    <Box>
      <Text color={COLOR[row.state]}>{`${MARK[row.state]} `}</Text>
      <Text>{`${VERB[row.action].padEnd(8)}${row.id.padEnd(width)}  `}</Text>
      <Text dimColor>{row.state === 'pending' ? 'waiting' : seconds(elapsed)}</Text>
      {row.security ? <Text color="yellow">{'  [IAM]'}</Text> : null}
      {row.error ? <Text color="red">{`  ${row.error}`}</Text> : null}
    </Box>
  );
}

function OutputsBlock({ outputs }: { outputs: Outputs }) {
  const width = Math.max(0, ...outputs.endpoints.map((e) => e.method.length));
  return (
    <Box flexDirection="column" marginTop={1}>
      {outputs.endpoints.length > 0 ? <Text bold>Endpoints</Text> : null}
      {outputs.endpoints.map((e) => (
        <Text key={`${e.method} ${e.url}`}>{`  ${e.method.padEnd(width)} ${e.url}  (${e.function})`}</Text>
      ))}
      {outputs.functions.length > 0 ? <Text bold>Functions</Text> : null}
      {outputs.functions.map((f) => (
        <Text key={f.name}>{f.physicalName && f.physicalName !== f.name ? `  ${f.name} → ${f.physicalName}` : `  ${f.name}`}</Text>
      ))}
    </Box>
  );
}

interface Store {
  get(): DeployViewState;
  subscribe(listener: () => void): () => void;
}

function View({ store, now, tickMs }: { store: Store; now: () => number; tickMs: number }) {
  const state = useSyncExternalStore(store.subscribe, store.get);
  const [, setTick] = useState(0);
  const running = state.rows.some((r) => r.state === 'running') && !state.finished;
  useEffect(() => {
    if (!running || tickMs <= 0) return undefined;
    const timer = setInterval(() => setTick((t) => t + 1), tickMs);
    return () => clearInterval(timer);
  }, [running, tickMs]);
  const width = Math.max(0, ...state.rows.map((r) => r.id.length));
  const where = state.scope ? [state.scope.service, state.scope.stage].join('/') + ` on ${[state.scope.target, state.scope.region, state.scope.account].filter(Boolean).join(' · ')}` : '';
  const done = state.rows.filter((r) => r.state === 'done').length;
  const t = now();
  return (
    <Box flexDirection="column">
      <Text bold>{`Deploying ${where}`.trim()}</Text>
      {state.rows.length === 0 && state.scope ? <Text dimColor>No changes: everything is up to date.</Text> : null}
      {state.rows.map((row) => (
        <RowLine key={`${row.action} ${row.id}`} row={row} width={width} now={t} />
      ))}
      {state.warnings.map((w, i) => (
        <Text key={i} color="yellow">{`warning: ${w}`}</Text>
      ))}
      {state.finished?.outputs ? <OutputsBlock outputs={state.finished.outputs} /> : null}
      {state.finished ? (
        <Box marginTop={1}>
          {state.finished.error ? (
            <Text color="red">{`Failed after ${seconds(state.finished.totalMs)}: ${state.finished.error}`}</Text>
          ) : (
            <Text color="green">{`Done in ${seconds(state.finished.totalMs)} (${done} change${done === 1 ? '' : 's'})`}</Text>
          )}
        </Box>
      ) : (
        <Text dimColor>{`${state.phase ?? 'starting'}… ${seconds(t - state.startedAt)}`}</Text>
      )}
    </Box>
  );
}

export interface DeployViewOptions {
  /** Where to draw (a TTY in real use; tests pass a fake stream). */
  stdout?: NodeJS.WriteStream;
  /** Monotonic clock in ms (injected in tests). */
  now?: () => number;
  /** Redraw period for running rows' timers; 0 disables the timer. */
  tickMs?: number;
  /** ink's debug mode: every frame written in full (tests). */
  debug?: boolean;
}

export interface DeployView {
  /** Hand this to the core as `ctx.events`. */
  events: EventSink;
  /** Show the outputs (or the error) and the total time, then stop drawing. */
  finish(result: { outputs?: Outputs; error?: string }): Promise<void>;
}

/** Start the ink view; feed it core events through `events`, end it with `finish`. */
export function renderDeployView(options: DeployViewOptions = {}): DeployView {
  const now = options.now ?? (() => performance.now());
  let state: DeployViewState = { rows: [], startedAt: now(), warnings: [] };
  const listeners = new Set<() => void>();
  const store: Store = {
    get: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const set = (next: DeployViewState): void => {
    if (next === state) return;
    state = next;
    for (const l of listeners) l();
  };
  const instance: Instance = render(<View store={store} now={now} tickMs={options.tickMs ?? 100} />, {
    stdout: options.stdout ?? process.stdout,
    debug: options.debug ?? false,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    events: (event) => set(reduceDeployView(state, event, now())),
    async finish(result) {
      set({ ...state, finished: { totalMs: now() - state.startedAt, ...result } });
      // Let React commit the final frame before ink stops drawing.
      await new Promise((resolve) => setImmediate(resolve));
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}
