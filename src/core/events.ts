import type { Change, Plan } from './resources.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Artifact } from '../model/artifact.js';

/** Typed events the core emits; the ink view and the plain renderer subscribe. Nothing in the core prints. */
export type SlsxEvent =
  | { type: 'diagnostic'; diagnostic: Diagnostic }
  | { type: 'phase'; phase: 'validate' | 'package' | 'observe' | 'plan' | 'apply' | 'outputs'; state: 'start' | 'done'; elapsedMs?: number }
  /** `cached`: the zip is byte-identical to the previous build's; `reused`: its bundle came from the package cache (no esbuild run). */
  | { type: 'artifact'; artifact: Artifact; cached: boolean; reused?: boolean }
  | { type: 'plan'; plan: Plan }
  | { type: 'change'; change: Change; state: 'start' | 'done' | 'failed'; elapsedMs?: number; error?: string }
  | { type: 'info'; message: string }
  | { type: 'warn'; message: string };

export type EventSink = (event: SlsxEvent) => void;

export const noopSink: EventSink = () => {};
