import type { Diagnostic } from '../../src/model/diagnostic.js';
import type { Service } from '../../src/model/service.js';
import { loopbackIssuerProblems } from '../../src/config/checks/http.js';
import { firestoreLocation, isKnownRegion } from './regions.js';
import { names as namesFor } from './naming.js';
import { bucketPhysicalName } from './desired.js';
import { ROLES } from './desired-iam.js';

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
  // CORS and JWT: Cloud Functions has neither, so the shim applies both (src/runtime/http-front.ts).
  out.push(...loopbackIssuerProblems(service, 'gcp'));
  for (const b of service.buckets) {
    if (!b.existing && b.name.includes('.')) err(`buckets.${b.name}`, 'gcp-bucket-key', `Bucket key '${b.name}' contains '.', which GCP labels (how sls-x finds its buckets) cannot hold.`, 'Use letters, digits, `-` and `_` in bucket keys.');
  }
  out.push(...tableProblems(service));
  out.push(...ownResourceHatches(service));
  return out;
}

/**
 * An escape-hatch entry (`targets.gcp.roles`) on one of the stage's own topics, secrets or buckets,
 * in a role sls-x derives there itself: the two grants would share one policy binding, and each
 * would take the other's member for its own. The declaration that derives it says it exactly.
 */
export function ownResourceHatches(service: Service): Diagnostic[] {
  const out: Diagnostic[] = [];
  const n = namesFor(service.service, service.stage);
  const project = service.targets.gcp?.account;
  const tail = (path: string) => path.split('/').pop() ?? '';
  const own: Array<{ pattern: RegExp; names: string[]; roles: string[]; instead: string }> = [
    { pattern: /^projects\/([^/]+)\/topics\/([^/]+)$/, names: service.queues.flatMap((q) => [tail(n.topicPath(q.name)), tail(n.topicPath(q.name, true))]), roles: [ROLES.publisher], instead: '`sends:` (the queue)' },
    { pattern: /^projects\/([^/]+)\/secrets\/([^/]+)$/, names: service.functions.flatMap((f) => f.secrets.map((s) => tail(n.secretPath(s)))), roles: [ROLES.secretAccessor], instead: '`secrets:`' },
    { pattern: /^projects\/(_)\/buckets\/([^/]+)$/, names: service.buckets.map((b) => bucketPhysicalName(service, n, b.name)), roles: [ROLES.objectViewer, ROLES.objectUser], instead: '`buckets:` (with `access:`)' },
  ];
  for (const fn of service.functions) {
    (fn.extraIam?.gcp ?? []).forEach((r, i) => {
      for (const o of own) {
        const m = r.resource.match(o.pattern);
        if (!m || !o.roles.includes(r.role) || !o.names.includes(m[2]!) || (m[1] !== '_' && project && m[1] !== project)) continue;
        out.push({
          severity: 'error',
          code: 'gcp-extra-iam-own-resource',
          message: `\`${r.role}\` on \`${r.resource}\` is a grant sls-x derives for this stage's own resource; \`functions.${fn.name}.targets.gcp.roles\` cannot add it too.`,
          hint: `Declare it with ${o.instead} on \`${fn.name}\` instead.`,
          path: `functions.${fn.name}.targets.gcp.roles.${i}`,
          file: service.configFile,
          target: 'gcp',
        });
      }
    });
  }
  return out;
}

/**
 * Tables on GCP are collections of one Firestore database per stage, and Firestore grants per
 * database (an IAM condition on the database name), not per collection: a function that uses
 * tables reads (`roles/datastore.viewer`, when it only reads) or reads and writes
 * (`roles/datastore.user`) every table of the stage at the cloud level. The table client refuses
 * what the declaration does not allow, but a function's code could reach the rest through the
 * Firestore API: said here, once per function whose cloud reach is wider than its declaration.
 * A region without a Firestore location is an error (the region named in the config; one from
 * GOOGLE_CLOUD_REGION is refused at plan time).
 */
export function tableProblems(service: Service): Diagnostic[] {
  const out: Diagnostic[] = [];
  const tables = (service.tables ?? []).map((t) => t.name);
  if (tables.length === 0) return out;
  const region = service.targets.gcp?.region;
  if (region && isKnownRegion(region) && !firestoreLocation(region)) {
    out.push({ severity: 'error', code: 'gcp-tables-region', message: `Firestore has no location in ${region}, so the tables (${tables.join(', ')}) have nowhere to go on GCP.`, hint: 'Deploy to a region where Firestore has a location (https://cloud.google.com/firestore/docs/locations).', path: 'targets.gcp.region', file: service.configFile, target: 'gcp' });
  }
  for (const fn of service.functions) {
    if (!fn.tables?.length) continue;
    const writes = fn.tables.some((t) => t.access !== 'read');
    const declared = new Map(fn.tables.map((t) => [t.name, t.access]));
    const reads = tables.filter((t) => declared.get(t) !== 'read' && declared.get(t) !== 'readwrite');
    const writesToo = writes ? tables.filter((t) => declared.get(t) !== 'write' && declared.get(t) !== 'readwrite') : [];
    if (reads.length === 0 && writesToo.length === 0) continue;
    const reach = [reads.length ? `read ${reads.map((t) => `'${t}'`).join(', ')}` : '', writesToo.length ? `write ${writesToo.map((t) => `'${t}'`).join(', ')}` : ''].filter(Boolean).join(' and ');
    out.push({
      severity: 'warning',
      code: 'gcp-table-boundary',
      message: `On GCP, Firestore grants access per database, not per table: '${fn.name}' can also ${reach} through the Firestore API. The table client refuses what its \`tables:\` do not declare; the cloud does not.`,
      hint: 'Fine when the function\'s code is trusted; for a boundary the cloud enforces, put the tables it must not reach in another service (each service and stage has its own database).',
      path: `functions.${fn.name}.tables`,
      file: service.configFile,
      target: 'gcp',
    });
  }
  return out;
}
