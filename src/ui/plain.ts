import type { EventSink, SlsxEvent } from '../core/events.js';
import type { Output } from '../cli/context.js';
import { formatDiagnostic } from './format-diagnostic.js';
import { renderPlan } from './render-plan.js';

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

const DONE: Record<string, string> = { create: 'created', update: 'updated', replace: 'replaced', delete: 'deleted' };

/** Plain lines for CI logs and pipes: one line per thing that happened, nothing redrawn. */
export function plainRenderer(out: Output, err: Output): EventSink {
  return (event: SlsxEvent) => {
    switch (event.type) {
      case 'diagnostic':
        err.write(`${formatDiagnostic(event.diagnostic)}\n`);
        break;
      case 'artifact':
        out.write(`  packaged ${event.artifact.name.padEnd(16)} ${formatBytes(event.artifact.size).padStart(9)}  sha256 ${event.artifact.sha256.slice(0, 12)}${event.cached ? '  (unchanged)' : ''}\n`);
        break;
      case 'plan':
        out.write(renderPlan(event.plan));
        break;
      case 'change':
        if (event.state === 'done') out.write(`  ✓ ${DONE[event.change.action] ?? event.change.action} ${event.change.id} (${formatMs(event.elapsedMs ?? 0)})\n`);
        else if (event.state === 'failed') err.write(`  ✗ ${event.change.action} ${event.change.id} failed: ${event.error ?? 'unknown error'}\n`);
        break;
      case 'info':
        out.write(`${event.message}\n`);
        break;
      case 'warn':
        err.write(`warning: ${event.message}\n`);
        break;
      case 'phase':
        break;
    }
  };
}
