import type { ObservedResource, Props } from '../../src/core/resources.js';
import type { GcfFunction } from './clients.js';
import { call, callOrMissing } from './errors.js';
import { LABEL_BUCKET, LABEL_CODE, LABEL_KIND, parseMarker, TYPES } from './naming.js';
import { isOurs, labelsFor, templatize, type Session } from './session.js';
import { observeBindings } from './observe-iam.js';
import { observeSubscriptions } from './observe-pubsub.js';
import { observeDatabase } from './observe-firestore.js';
import { GRANTS_ENV } from './extra-iam.js';

/** Label naming the function key on a function (keys are lowercase on GCP: validate checks the physical name). */
export const LABEL_FN = 'slsx-fn';

/** Variables Cloud Functions adds to every function itself. */
const PLATFORM_ENV = ['LOG_EXECUTION_ID'];

const byId = (a: ObservedResource, b: ObservedResource): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const last = (path: string | null | undefined): string => String(path ?? '').split('/').pop() ?? '';

/** A function in the desired shape (placeholders for project and region). */
export function functionProps(session: Session, f: GcfFunction): Props {
  const sc = f.serviceConfig ?? {};
  const t = f.eventTrigger;
  const env = Object.fromEntries(Object.entries(sc.environmentVariables ?? {}).filter(([k]) => !PLATFORM_ENV.includes(k)));
  const bucket = t?.eventFilters?.find((x) => x.attribute === 'bucket')?.value;
  const props: Props = {
    name: last(f.name),
    runtime: f.buildConfig?.runtime,
    entryPoint: f.buildConfig?.entryPoint,
    memory: sc.availableMemory,
    timeout: sc.timeoutSeconds,
    env,
    secrets: (sc.secretEnvironmentVariables ?? []).map((s) => ({
      key: s.key,
      projectId: s.projectId === session.projectNumber ? session.project : s.projectId,
      secret: s.secret,
      version: s.version,
    })),
    maxInstances: sc.maxInstanceCount,
    minInstances: sc.minInstanceCount ?? 0,
    serviceAccount: sc.serviceAccountEmail,
    ingress: sc.ingressSettings,
    trigger: t
      ? {
          eventType: t.eventType,
          ...(t.pubsubTopic ? { pubsubTopic: t.pubsubTopic } : {}),
          ...(bucket ? { bucket } : {}),
          retryPolicy: t.retryPolicy,
          serviceAccount: t.serviceAccountEmail,
        }
      : undefined,
    // A function whose last build or deploy failed runs no (or old) code: show it as changed, so deploy redoes it.
    codeSha256: f.state === 'FAILED' ? `${f.labels?.[LABEL_CODE] ?? ''} (last deploy failed)` : f.labels?.[LABEL_CODE],
  };
  const out = templatize(props, session);
  // The escape hatch's resources are the config's, written as they are (extra-iam.ts): kept so.
  if (env[GRANTS_ENV] !== undefined) (out.env as Record<string, string>)[GRANTS_ENV] = env[GRANTS_ENV];
  return out;
}

async function observeServiceAccounts(session: Session): Promise<ObservedResource[]> {
  const accounts = await call('iam.serviceAccounts.list', () => session.clients.serviceAccounts.listServiceAccounts({ name: `projects/${session.project}` }));
  const out: ObservedResource[] = [];
  for (const a of accounts) {
    const m = parseMarker(a.description);
    if (!m || m.service !== session.service || m.stage !== session.stage) continue;
    out.push({
      id: m.id,
      type: TYPES.serviceAccount,
      security: true,
      props: { accountId: String(a.email ?? '').split('@')[0], displayName: a.displayName, description: a.description },
      physicalId: a.email,
    });
  }
  return out;
}

async function observeFunctions(session: Session): Promise<Array<ObservedResource & { raw: GcfFunction }>> {
  const parent = `projects/${session.project}/locations/${session.region}`;
  const labels = labelsFor(session);
  const [list] = await call(`cloudfunctions.functions.list ${parent}`, () =>
    session.clients.functions.listFunctions({ parent, filter: Object.entries(labels).map(([k, v]) => `labels.${k}=${v}`).join(' AND ') }),
  );
  return list
    .filter((f) => isOurs(f.labels, session) && f.labels?.[LABEL_FN])
    .map((f) => {
      const fn = String(f.labels?.[LABEL_FN]);
      const props = functionProps(session, f);
      const deps = [`sa:${fn}`];
      const trigger = props.trigger as { pubsubTopic?: string } | undefined;
      if (trigger?.pubsubTopic) deps.push(`topic:${last(trigger.pubsubTopic).slice(session.names.prefix.length + 1)}`);
      return { id: `function:${fn}`, type: TYPES.function, props, physicalId: f.name ?? undefined, dependsOn: deps, raw: f };
    });
}

async function observeTopics(session: Session): Promise<ObservedResource[]> {
  const [topics] = await call('pubsub.topics.list', () => session.clients.publisher.listTopics({ project: `projects/${session.project}` }));
  const out: ObservedResource[] = [];
  for (const t of topics) {
    if (!isOurs(t.labels, session)) continue;
    const name = last(t.name);
    const kind = t.labels?.[LABEL_KIND] === 'dlq' ? 'dlq' : 'queue';
    let queue = name.startsWith(`${session.names.prefix}-`) ? name.slice(session.names.prefix.length + 1) : name;
    if (kind === 'dlq') queue = queue.replace(/-dlq$/, '');
    const props: Record<string, unknown> = { name, kind };
    if (kind === 'dlq') {
      const sub = await callOrMissing(`pubsub.subscriptions.get ${name}`, () => session.clients.subscriber.getSubscription({ subscription: `projects/${session.project}/subscriptions/${name}` }));
      if (sub?.[0] && sub[0].topic === t.name) props.subscription = { retention: Number(sub[0].messageRetentionDuration?.seconds ?? 0) };
    }
    out.push({ id: kind === 'dlq' ? `topic:${queue}:dlq` : `topic:${queue}`, type: TYPES.topic, props, physicalId: t.name ?? undefined });
  }
  return out;
}

async function observeJobs(session: Session): Promise<ObservedResource[]> {
  const parent = `projects/${session.project}/locations/${session.region}`;
  const [jobs] = await call(`cloudscheduler.jobs.list ${parent}`, () => session.clients.scheduler.listJobs({ parent }));
  const out: ObservedResource[] = [];
  for (const j of jobs) {
    const m = parseMarker(j.description);
    if (!m || m.service !== session.service || m.stage !== session.stage) continue;
    const h = j.httpTarget ?? {};
    const body = h.body === undefined || h.body === null ? '' : typeof h.body === 'string' ? h.body : Buffer.from(h.body).toString('utf8');
    const fn = m.id.split(':')[1];
    out.push({
      id: m.id,
      type: TYPES.job,
      props: templatize(
        {
          name: last(j.name),
          description: j.description,
          schedule: j.schedule,
          timeZone: j.timeZone,
          state: j.state === 'PAUSED' ? 'PAUSED' : 'ENABLED',
          uri: h.uri,
          body,
          oidc: { serviceAccount: h.oidcToken?.serviceAccountEmail, audience: h.oidcToken?.audience },
        },
        session,
      ),
      physicalId: j.name ?? undefined,
      dependsOn: ['sa:invoker', `function:${fn}`, `iam:run:${fn}`],
    });
  }
  return out;
}

async function observeBuckets(session: Session): Promise<ObservedResource[]> {
  const buckets = await call('storage.buckets.list', () => session.clients.storage.listBuckets({ project: session.project, labels: labelsFor(session) }));
  return buckets
    .filter((b) => isOurs(b.labels, session) && b.labels?.[LABEL_BUCKET])
    .map((b) => ({
      id: `bucket:${b.labels?.[LABEL_BUCKET]}`,
      type: TYPES.bucket,
      props: { name: b.name, bucket: b.labels?.[LABEL_BUCKET], location: b.location?.toLowerCase() === session.region ? '${GCP::Region}' : b.location },
      physicalId: b.name,
    }));
}

/**
 * What exists for this service and stage: functions, topics and buckets found by their labels;
 * service accounts and Scheduler jobs (which take no labels) by the marker in their
 * description; the Firestore database (no labels either) by the marker document in it; trigger
 * subscriptions and IAM grants through the resources they belong to.
 * Read-only: only get/list calls.
 */
export async function observeAll(session: Session): Promise<ObservedResource[]> {
  const [accounts, functions, topics, jobs, buckets] = await Promise.all([
    observeServiceAccounts(session),
    observeFunctions(session),
    observeTopics(session),
    observeJobs(session),
    observeBuckets(session),
  ]);
  const [subscriptions, databases] = await Promise.all([observeSubscriptions(session, functions), observeDatabase(session, functions)]);
  const bindings = await observeBindings(session, { accounts, functions, topics, buckets, databases });
  const all: ObservedResource[] = [...accounts, ...functions.map(({ raw: _raw, ...r }) => r), ...topics, ...subscriptions, ...jobs, ...buckets, ...databases, ...bindings];
  return all.sort(byId);
}

/** One function as it is, or undefined. */
export async function getFunction(session: Session, name: string): Promise<GcfFunction | undefined> {
  const got = await callOrMissing(`cloudfunctions.functions.get ${name}`, () => session.clients.functions.getFunction({ name }));
  return got?.[0];
}
