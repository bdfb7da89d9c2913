import { suggestion } from '../did-you-mean.js';
import { pathOf, type CheckContext } from './context.js';

/** Per-function rules every target shares, and traffic profiles. */
export function checkFunctions(ctx: CheckContext): void {
  const { raw, report, service, declared } = ctx;
  // `declared`, not the pruned `raw`: a function whose body is invalid is reported where it is
  // wrong, not as "no functions" too.
  if (raw.functions && declared.functions.size === 0) {
    report.warn('no-functions', 'The service has no functions.', { path: ['functions'], part: 'key', hint: 'Add one: `functions: { api: { handler: src/api.handler } }`.' });
  }
  for (const fn of service.functions) {
    const path = pathOf(ctx, fn);
    const { max, warm } = fn.concurrency;
    if (max !== undefined && warm > max) {
      report.error('invalid-concurrency', `Function \`${fn.name}\` keeps ${warm} instances warm but allows at most ${max}.`, { path: [...path, 'concurrency', 'warm'], hint: `Set \`warm\` to ${max} or less, or raise \`max\`.` });
    }
    if (fn.timeoutMs < 1000) {
      report.error('invalid-timeout', `Function \`${fn.name}\` has a timeout under 1 second.`, { path: [...path, 'timeout'], hint: 'Use at least `1s`.' });
    }
    if (fn.memory < 1) report.error('invalid-memory', `Function \`${fn.name}\` has no memory.`, { path: [...path, 'memory'], hint: 'Set `memory` to at least 128 (MB).' });
  }
  for (const name of Object.keys(raw.traffic ?? {})) {
    if (!declared.functions.has(name)) {
      const hint = suggestion(name, declared.functions);
      report.error('unknown-function', `Traffic profile for \`${name}\`, which is not a function.`, { path: ['traffic', name], part: 'key', hint: hint ? `${hint[0]!.toUpperCase()}${hint.slice(1)}` : `Use a name under \`functions\`: ${[...declared.functions].join(', ')}.` });
    } else if (raw.functions?.[name]?.traffic) {
      report.error('duplicate-traffic', `Function \`${name}\` has a traffic profile both here and on the function.`, { path: ['traffic', name], part: 'key', hint: 'Keep one of the two.' });
    }
  }
}
