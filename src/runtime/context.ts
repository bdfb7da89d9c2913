import type { Context, Target } from './index.js';
import { createLogger, stdoutWriter, type LineWriter } from './logger.js';

/** Options of {@link createContext}. */
export interface ContextInit {
  functionName: string;
  requestId: string;
  target: Target;
  region?: string;
  coldStart: boolean;
  /** Epoch ms when the platform stops the invocation. */
  deadline: number;
  /** Clock, injectable for tests; defaults to `Date.now`. */
  now?: () => number;
  /** Log sink; defaults to stdout. */
  write?: LineWriter;
}

/** Builds the neutral {@link Context} a handler receives. */
export function createContext(init: ContextInit): Context {
  const now = init.now ?? Date.now;
  return {
    functionName: init.functionName,
    requestId: init.requestId,
    target: init.target,
    region: init.region,
    coldStart: init.coldStart,
    deadline: init.deadline,
    remainingMs: () => Math.max(0, init.deadline - now()),
    log: createLogger({ fn: init.functionName, requestId: init.requestId, now, write: init.write ?? stdoutWriter }),
  };
}

/**
 * Returns a function answering "is this the first invocation?": `true` once, then `false`.
 * Create one per shim instance (the generated entry creates the shim once per module load), so
 * `coldStart` means "first invocation of this module instance" without module-level state.
 */
export function createColdStartFlag(): () => boolean {
  let first = true;
  return () => {
    const cold = first;
    first = false;
    return cold;
  };
}
