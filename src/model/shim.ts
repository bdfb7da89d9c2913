import type { EventSpec, TargetName } from './service.js';

/**
 * What the bundler bakes into each function's entry next to the user's handler, and what
 * every shim (templates/shims/<target>.ts) receives. No secrets, ever.
 */
export interface ShimMeta {
  service: string;
  stage: string;
  functionName: string;
  target: TargetName;
  region?: string;
  timeoutMs: number;
  memory: number;
  events: EventSpec[];
}
