import type { DesiredResource } from '../../src/core/resources.js';
import type { Service } from '../../src/model/service.js';
import { marker, PLACEHOLDERS, TYPES, type Names } from './naming.js';
import { bucketPhysicalName, DATABASE_ID, eventTrigger, TABLES_GRANT_ID } from './desired.js';
import { desiredHatchBindings } from './extra-iam.js';

export const ROLES = {
  invoker: 'roles/run.invoker',
  publisher: 'roles/pubsub.publisher',
  subscriber: 'roles/pubsub.subscriber',
  objectViewer: 'roles/storage.objectViewer',
  objectUser: 'roles/storage.objectUser',
  secretAccessor: 'roles/secretmanager.secretAccessor',
  tokenCreator: 'roles/iam.serviceAccountTokenCreator',
  datastoreUser: 'roles/datastore.user',
  datastoreViewer: 'roles/datastore.viewer',
} as const;

/** The Pub/Sub service agent: it moves undeliverable messages to the dead-letter topic. */
export const PUBSUB_AGENT = `serviceAccount:service-${PLACEHOLDERS.projectNumber}@gcp-sa-pubsub.iam.gserviceaccount.com`;

/**
 * `project`: the project's policy, conditional bindings only (the Firestore grants);
 * `project-extra`: the project's policy, unconditional bindings of escape-hatch entries
 * (extra-iam.ts); `subscription`: a Pub/Sub subscription's policy (escape hatch only).
 */
export type BindingKind = 'run' | 'topic' | 'subscription' | 'bucket' | 'secret' | 'sa' | 'project' | 'project-extra';

const sa = (email: string): string => `serviceAccount:${email}`;

/** A service account as an IAM resource (`-`: the project is implied by the email). */
export const accountResource = (email: string): string => `projects/-/serviceAccounts/${email}`;

/**
 * The IAM condition of the Firestore grants: the documented per-database form
 * (https://cloud.google.com/firestore/docs/manage-databases#configure_per-database_access_permissions:
 * `resource.name=="projects/PROJECT_ID/databases/DATABASE_ID"`). Its description is sls-x's
 * marker, how observe() tells sls-x's conditional bindings in the project's policy from anyone's.
 */
export function tablesCondition(service: string, stage: string, names: Names): { title: string; description: string; expression: string } {
  return {
    title: `sls-x ${service}/${stage} tables`.slice(0, 100),
    description: marker(service, stage, TABLES_GRANT_ID),
    expression: `resource.name=="${names.databasePath}"`,
  };
}

function binding(id: string, kind: BindingKind, resource: string, roles: Record<string, Set<string>>, dependsOn: string[], extra: Record<string, unknown> = {}): DesiredResource | undefined {
  const bindings = Object.fromEntries(
    Object.entries(roles)
      .filter(([, members]) => members.size > 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([role, members]) => [role, [...members].sort()]),
  );
  if (Object.keys(bindings).length === 0) return undefined;
  return { id, type: TYPES.binding, security: true, props: { kind, resource, ...extra, bindings }, dependsOn: [...new Set(dependsOn)] };
}

/**
 * Least privilege, one grant at a time and never project-wide: who may invoke each function
 * (everyone for HTTP functions; the Scheduler invoker account; the function's own account as
 * its trigger's identity), who may publish to each topic (the functions that send to it; the
 * Pub/Sub agent on dead-letter topics), who may read or write each bucket and read each secret,
 * (to sign URLs) each bucket-using function as itself, and who may use the stage's Firestore
 * database: Firestore has no policy of its own (per database or per collection), so these are
 * bindings in the project's policy with a condition naming that one database. The narrowest
 * grant there is per database, not per table: a function reads (`roles/datastore.viewer`, every
 * table it declares is `read`) or reads and writes (`roles/datastore.user`) every table of the
 * stage at the cloud level; the table client refuses what its declaration does not allow, and
 * validate warns when the cloud grant is wider (validate.ts, `gcp-table-boundary`).
 */
export function desiredBindings(service: Service, names: Names): DesiredResource[] {
  const out: Array<DesiredResource | undefined> = [];
  for (const fn of service.functions) {
    const members = new Set<string>();
    const deps = [`function:${fn.name}`];
    if (fn.events.some((e) => e.kind === 'http')) members.add('allUsers');
    if (fn.events.some((e) => e.kind === 'schedule')) {
      members.add(sa(names.invokerAccountEmail));
      deps.push('sa:invoker');
    }
    if (eventTrigger(service, fn, names)) members.add(sa(names.serviceAccountEmail(fn.name)));
    out.push(binding(`iam:run:${fn.name}`, 'run', names.runServicePath(fn.name), { [ROLES.invoker]: members }, deps));
  }
  for (const q of service.queues) {
    const senders = service.functions.filter((f) => f.sends.includes(q.name));
    out.push(binding(`iam:topic:${q.name}`, 'topic', names.topicPath(q.name), { [ROLES.publisher]: new Set(senders.map((f) => sa(names.serviceAccountEmail(f.name)))) }, [`topic:${q.name}`, ...senders.map((f) => `sa:${f.name}`)]));
    if (q.deadLetter && service.functions.some((f) => f.events.some((e) => e.kind === 'queue' && e.queue === q.name))) {
      out.push(binding(`iam:topic:${q.name}:dlq`, 'topic', names.topicPath(q.name, true), { [ROLES.publisher]: new Set([PUBSUB_AGENT]) }, [`topic:${q.name}:dlq`]));
    }
  }
  for (const b of service.buckets) {
    const viewers = new Set<string>();
    const users = new Set<string>();
    const deps = b.existing ? [] : [`bucket:${b.name}`];
    for (const fn of service.functions) {
      const use = fn.buckets.find((x) => x.name === b.name);
      if (!use) continue;
      (use.access === 'read' ? viewers : users).add(sa(names.serviceAccountEmail(fn.name)));
      deps.push(`sa:${fn.name}`);
    }
    out.push(binding(`iam:bucket:${b.name}`, 'bucket', bucketPhysicalName(service, names, b.name), { [ROLES.objectViewer]: viewers, [ROLES.objectUser]: users }, deps));
  }
  // A function that uses buckets may sign URLs for them (bucket(name).signedUrl): IAM Credentials
  // signBlob as itself, which needs Token Creator on its own account, and on nothing else.
  for (const fn of service.functions) {
    if (fn.buckets.length === 0) continue;
    const email = names.serviceAccountEmail(fn.name);
    out.push(binding(`iam:sa:${fn.name}`, 'sa', accountResource(email), { [ROLES.tokenCreator]: new Set([sa(email)]) }, [`sa:${fn.name}`]));
  }
  if (service.tables?.length) {
    const viewers = new Set<string>();
    const users = new Set<string>();
    const deps = [DATABASE_ID];
    for (const fn of service.functions) {
      if (!fn.tables?.length) continue;
      (fn.tables.every((t) => t.access === 'read') ? viewers : users).add(sa(names.serviceAccountEmail(fn.name)));
      deps.push(`sa:${fn.name}`);
    }
    out.push(binding(TABLES_GRANT_ID, 'project', `projects/${PLACEHOLDERS.project}`, { [ROLES.datastoreUser]: users, [ROLES.datastoreViewer]: viewers }, deps, { condition: tablesCondition(service.service, service.stage, names) }));
  }
  const secrets = [...new Set(service.functions.flatMap((f) => f.secrets))].sort();
  for (const s of secrets) {
    const users = service.functions.filter((f) => f.secrets.includes(s));
    out.push(binding(`iam:secret:${s}`, 'secret', names.secretPath(s), { [ROLES.secretAccessor]: new Set(users.map((f) => sa(names.serviceAccountEmail(f.name)))) }, users.map((f) => `sa:${f.name}`)));
  }
  // The escape hatch (targets.gcp.roles): grants on existing resources the config names.
  out.push(...desiredHatchBindings(service, names));
  return out.filter((r): r is DesiredResource => r !== undefined);
}
