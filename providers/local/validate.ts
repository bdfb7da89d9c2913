import type { Diagnostic } from '../../src/model/diagnostic.js';
import type { Service } from '../../src/model/service.js';

/**
 * What the local target cannot do as configured. Pure. (Generic limits such as memory ranges are
 * checked by the config layer from providers/local/limits.ts.)
 */
export function validateLocal(service: Service): Diagnostic[] {
  const out: Diagnostic[] = [];
  const routes = new Map<string, string>();
  for (const fn of service.functions) {
    fn.events.forEach((ev, i) => {
      if (ev.kind !== 'http') return;
      const key = `${ev.method} ${ev.path}`;
      const other = routes.get(key);
      if (other) {
        out.push({ severity: 'error', code: 'duplicate-route', target: 'local', path: `functions.${fn.name}.events.${i}`, message: `${key} is routed to both ${other} and ${fn.name}.`, hint: 'Give each method and path to one function.' });
      } else routes.set(key, fn.name);
      if (ev.path === '/_slsx' || ev.path.startsWith('/_slsx/')) {
        out.push({ severity: 'error', code: 'reserved-path', target: 'local', path: `functions.${fn.name}.events.${i}`, message: `${ev.path} is reserved for the local cloud's control API.`, hint: 'Use another path prefix than /_slsx/.' });
      }
    });
  }
  return out;
}
