import type { Diagnostic } from '../../src/model/diagnostic.js';
import type { Service } from '../../src/model/service.js';

/**
 * What Cloud Functions (2nd gen) cannot do as configured, beyond the per-target limits the
 * config checks already apply (providers/gcp/limits.ts): errors block the plan before any
 * call to Google, warnings are shown. Pure.
 */
export function validateGcp(service: Service): Diagnostic[] {
  const out: Diagnostic[] = [];
  const file = service.configFile;
  const err = (path: string, code: string, message: string, hint: string): void => void out.push({ severity: 'error', code, message, hint, path, file, target: 'gcp' });
  const warn = (path: string, code: string, message: string, hint: string): void => void out.push({ severity: 'warning', code, message, hint, path, file, target: 'gcp' });
  for (const fn of service.functions) {
    const at = `functions.${fn.name}`;
    // A 2nd gen function has exactly one event trigger: one topic, or one bucket and one event type.
    const triggers = fn.events.flatMap((e, i) => (e.kind === 'queue' ? [{ i, what: `queue '${e.queue}'` }] : e.kind === 'storage' ? e.on.map((on) => ({ i, what: `${on} events of bucket '${e.bucket}'` })) : []));
    if (triggers.length > 1) {
      err(
        `${at}.events.${triggers[1].i}`,
        'gcp-one-trigger',
        `A Cloud Function has one event trigger; '${fn.name}' asks for ${triggers.length}: ${triggers.map((t) => t.what).join(', ')}.`,
        'Split the events over several functions sharing one handler file (one queue, or one bucket with one `on` value, each).',
      );
    }
    // An HTTP function is public (allUsers may invoke it), and its URL would also take the event
    // deliveries: a CloudEvent, Pub/Sub push or Scheduler request from anyone would run the event
    // handler. Events go only to private functions, whose invoker is the push/Scheduler/Eventarc identity.
    const http = fn.events.findIndex((e) => e.kind === 'http');
    const event = fn.events.findIndex((e) => e.kind !== 'http');
    if (http >= 0 && event >= 0) {
      err(
        `${at}.events.${event}`,
        'gcp-http-with-events',
        `On GCP '${fn.name}' cannot take both HTTP requests and ${fn.events[event].kind} events: an HTTP function is public, so anyone could post a forged ${fn.events[event].kind} event to its URL.`,
        'Split it into two functions (one with the http events, one with the others) that share one handler file.',
      );
    }
    if (fn.events.some((e) => e.kind === 'http' && e.cors)) {
      warn(`${at}.events`, 'gcp-cors-in-handler', `Cloud Functions has no CORS setting: '${fn.name}' answers CORS preflights (OPTIONS) only if its handler does.`, 'Add an OPTIONS route and the Access-Control-* headers in the handler, or drop `cors`.');
    }
    if (fn.concurrency.max !== undefined && fn.concurrency.warm > fn.concurrency.max) {
      err(`${at}.concurrency.warm`, 'limit-concurrency', `'${fn.name}' asks for ${fn.concurrency.warm} warm instances but at most ${fn.concurrency.max}.`, 'Set warm <= max.');
    }
    for (const s of fn.secrets) {
      if (!/^[A-Za-z0-9_-]+$/.test(s)) err(`${at}.secrets`, 'gcp-secret-name', `Secret Manager ids hold letters, digits, '-' and '_' only; '${s}' does not fit.`, 'Rename the secret.');
    }
  }
  const httpFns = service.functions.filter((f) => f.events.some((e) => e.kind === 'http'));
  if (httpFns.length > 1) {
    warn('functions', 'gcp-url-per-function', `On GCP each HTTP function has its own URL (${httpFns.map((f) => f.name).join(', ')}); routes are served under each function's URL, not one shared host.`, 'Put the routes in one function to serve them from one URL, or front them with a load balancer.');
  }
  for (const b of service.buckets) {
    if (!b.existing && b.name.includes('.')) err(`buckets.${b.name}`, 'gcp-bucket-key', `Bucket key '${b.name}' contains '.', which GCP labels (how sls-x finds its buckets) cannot hold.`, 'Use letters, digits, `-` and `_` in bucket keys.');
  }
  return out;
}
