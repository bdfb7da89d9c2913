import type { AdapterContext } from '../../src/core/adapter.js';
import type { Scope } from '../../src/core/resources.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { pickClients, type GcpClients } from './clients.js';
import { pooledClients } from './pool.js';
import { names, PLACEHOLDERS, type Names } from './naming.js';

/** Everything one command's GCP calls share: clients, project, region, names. */
export interface Session {
  clients: GcpClients;
  project: string;
  /** The project number (service agents' emails are made of it); '' until scope() read it. */
  projectNumber: string;
  region: string;
  service: string;
  stage: string;
  names: Names;
  /**
   * Resources sls-x grants on but does not own (existing buckets, secrets), named by the
   * config: observe() reads sls-x's members in their IAM policies. `grants`: the resources the
   * functions' escape hatches (`targets.gcp.roles`) name, as written.
   */
  external: { buckets: Array<{ key: string; name: string }>; secrets: string[]; grants?: string[] };
  /**
   * The config has tables: observe() reads the stage's Firestore database and the project's
   * policy (also done when a deployed function still has tables, so dropping them is seen).
   * Without tables neither is read: a project without the Firestore API is never asked.
   */
  tables?: boolean;
}

/**
 * Sessions are kept per AdapterContext (a WeakMap, so nothing outlives the command): scope()
 * opens one; observe/apply/outputs of the same context reuse it.
 */
const sessions = new WeakMap<AdapterContext, Session>();

export async function openSession(ctx: AdapterContext, init: Omit<Session, 'clients' | 'names'>): Promise<Session> {
  const existing = sessions.get(ctx);
  if (existing && existing.project === init.project && existing.region === init.region && existing.service === init.service && existing.stage === init.stage) {
    Object.assign(existing, { external: init.external, tables: init.tables, projectNumber: init.projectNumber || existing.projectNumber });
    return existing;
  }
  const injected = pickClients(ctx.clients);
  const raw = injected ?? (await (await import('./real-clients.js')).createClients(ctx.env, init.project));
  // Every call goes through one bounded, per-API paced pool that retries RESOURCE_EXHAUSTED (pool.ts).
  const { clients } = pooledClients(raw, raw.wait?.pace);
  const session: Session = { ...init, clients, names: names(init.service, init.stage) };
  sessions.set(ctx, session);
  return session;
}

/** The session scope() opened for this context. */
export function sessionOf(ctx: AdapterContext): Session {
  const session = sessions.get(ctx);
  if (!session) {
    throw new SlsxError('INTERNAL', 'gcp adapter: apply/outputs called before scope() with the same context.', {
      hint: 'Call adapter.scope(service, ctx) first and pass the same ctx object.',
    });
  }
  return session;
}

/**
 * The session for a scope (observe, outputs, lock). The deploy lock is taken before scope()
 * runs for a saved plan, so a session is opened from the scope itself when there is none yet.
 */
export async function sessionFor(scope: Scope, ctx: AdapterContext): Promise<Session> {
  const existing = sessions.get(ctx);
  if (!existing) {
    if (!scope.account || !scope.region) throw new SlsxError('INTERNAL', 'gcp scope without a project or region.');
    return openSession(ctx, { project: scope.account, projectNumber: '', region: scope.region, service: scope.service, stage: scope.stage, external: { buckets: [], secrets: [] } });
  }
  if (scope.account && scope.account !== existing.project) {
    throw new SlsxError('PLAN_STALE', `The plan is for GCP project ${scope.account}, but the config and credentials point at ${existing.project}.`, {
      hint: "Switch to the plan's project, or make a new plan.",
    });
  }
  return existing;
}

type Where = Pick<Session, 'project' | 'region' | 'projectNumber'>;

/** Fill the placeholders of desired props with the session's project, region and project number. */
export function resolve<T>(value: T, s: Where): T {
  return deep(value, (v) => v.split(PLACEHOLDERS.project).join(s.project).split(PLACEHOLDERS.region).join(s.region).split(PLACEHOLDERS.projectNumber).join(s.projectNumber)) as T;
}

/** Put placeholders back into names and emails read from GCP, so both sides of the diff compare equal. */
export function templatize<T>(value: T, s: Where): T {
  return deep(value, (v) => {
    let out = v
      .split(`projects/${s.project}/`).join(`projects/${PLACEHOLDERS.project}/`)
      .split(`/locations/${s.region}/`).join(`/locations/${PLACEHOLDERS.region}/`)
      .split(`@${s.project}.iam.gserviceaccount.com`).join(`@${PLACEHOLDERS.project}.iam.gserviceaccount.com`)
      .split(`https://${s.region}-${s.project}.cloudfunctions.net/`).join(`https://${PLACEHOLDERS.region}-${PLACEHOLDERS.project}.cloudfunctions.net/`);
    if (s.projectNumber) out = out.split(`service-${s.projectNumber}@`).join(`service-${PLACEHOLDERS.projectNumber}@`);
    if (out === s.project) out = PLACEHOLDERS.project;
    return out;
  }) as T;
}

function deep(value: unknown, map: (s: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((v) => deep(v, map));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v, map)]));
  return value;
}

/** Labels for resources of this service and stage. */
export function labelsFor(s: Pick<Session, 'service' | 'stage'>, extra: Record<string, string> = {}): Record<string, string> {
  return { 'slsx-service': labelValue(s.service), 'slsx-stage': labelValue(s.stage), ...extra };
}

function labelValue(v: string): string {
  return v.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 63);
}

/** True when `labels` say the resource is this service and stage's. */
export function isOurs(labels: Record<string, string> | null | undefined, s: Pick<Session, 'service' | 'stage'>): boolean {
  return labels?.['slsx-service'] === labelValue(s.service) && labels?.['slsx-stage'] === labelValue(s.stage);
}
