import { createHash } from 'node:crypto';

/**
 * Physical names of every GCP resource sls-x creates. Pure and deterministic: the same
 * service, stage and logical name always give the same name, so a re-run finds what an
 * interrupted run created. Function and topic names are checked against GCP's limits by
 * `sls-x validate` (providers/gcp/limits.ts uses these same functions); service account ids
 * (6-30 characters) and bucket names (global) are shortened with a hash suffix.
 */

export const NAME_LIMITS = { function: 63, serviceAccount: 30, bucket: 63, topic: 255, job: 500, database: 63 } as const;

/** Labels every labellable resource carries; observe() finds resources by the first two. */
export const LABEL_SERVICE = 'slsx-service';
export const LABEL_STAGE = 'slsx-stage';
/** What a topic is for (`queue` or `dlq`), or which bucket key a bucket is. */
export const LABEL_KIND = 'slsx-kind';
export const LABEL_BUCKET = 'slsx-bucket';
/** First 48 hex characters of the code zip's sha256 (a label value holds at most 63). */
export const LABEL_CODE = 'slsx-code';

/** Placeholders in desired props (pure: they cannot know the project); apply fills them in. */
export const PLACEHOLDERS = { project: '${GCP::Project}', region: '${GCP::Region}', projectNumber: '${GCP::ProjectNumber}' } as const;
const P = PLACEHOLDERS.project;
const R = PLACEHOLDERS.region;

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** `name` itself when it fits, else its head plus `-<hash of the whole name>`. */
export function fit(name: string, limit: number): string {
  if (name.length <= limit) return name;
  const hash = shortHash(name);
  return `${name.slice(0, limit - hash.length - 1).replace(/[-_.]+$/, '')}-${hash}`;
}

/** A label value: lowercase letters, digits, `-` and `_`, at most 63 characters. */
export function labelValue(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 63);
}

/** The marker sls-x writes into descriptions of things that take no labels (service accounts, scheduler jobs). */
export function marker(service: string, stage: string, id: string): string {
  return `slsx:service=${service} slsx:stage=${stage} slsx:id=${id}`;
}

/** Parse a description written by `marker`; undefined when it is not one. */
export function parseMarker(text: string | null | undefined): { service: string; stage: string; id: string } | undefined {
  const m = /slsx:service=(\S+) slsx:stage=(\S+) slsx:id=(\S+)/.exec(text ?? '');
  return m ? { service: m[1], stage: m[2], id: m[3] } : undefined;
}

/**
 * Bucket name (global namespace): `<service>-<stage>-<bucket>-<hash>`, the hash of service,
 * stage, bucket and project keeping two teams' `uploads` apart. `sls-x validate` checks the
 * unshortened name (limits.ts), so the shortening here is only a safety net.
 */
export function bucketName(service: string, stage: string, bucket: string, project = ''): string {
  const raw = `${service}-${stage}-${bucket}`.toLowerCase().replace(/[^a-z0-9_.-]/g, '-');
  return `${fit(raw, NAME_LIMITS.bucket - 9).replace(/[-_.]+$/, '')}-${shortHash(`${service}/${stage}/${bucket}/${project}`)}`;
}

/** The bucket name before any shortening: what validate checks against GCP's limits. */
export function fullBucketName(service: string, stage: string, bucket: string): string {
  return `${service}-${stage}-${bucket}-${shortHash(`${service}/${stage}/${bucket}/`)}`;
}

/**
 * The Firestore database of a service and stage (its tables are collections in it), shaped to
 * Firestore's database id rules (https://cloud.google.com/firestore/docs/manage-databases#database_id):
 * 4-63 lowercase letters, digits and `-`, starting with a letter, ending with a letter or digit,
 * not UUID-like. Service names start with a letter and hold only these characters (config
 * checks), so `<service>-<stage>` fits unless it is too short (`-db` is added), too long
 * (shortened with a hash, which ends in a hex digit) or UUID-like (`-db` is added).
 */
export function databaseId(service: string, stage: string): string {
  let id = `${service}-${stage}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-+$/, '');
  if (!/^[a-z]/.test(id)) id = `db-${id}`;
  if (id.length < 4 || /[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/.test(id)) id = `${id}-db`;
  return fit(id, NAME_LIMITS.database).replace(/-+$/, '');
}

/**
 * The marker document sls-x writes into the database it creates: Firestore databases take no
 * labels and no description, so this is how a database is known to be this service and stage's
 * (`_slsx` cannot be a table: table names start with a letter).
 */
export const DATABASE_MARKER = { collection: '_slsx', document: 'owner' } as const;

export interface Names {
  prefix: string;
  functionName(fn: string): string;
  /** `projects/<P>/locations/<R>/functions/<name>` (placeholders). */
  functionPath(fn: string): string;
  /** The Cloud Run service behind a 2nd gen function (same name). */
  runServicePath(fn: string): string;
  serviceAccountId(fn: string): string;
  /** Service account email (placeholder project). */
  serviceAccountEmail(fn: string): string;
  /** The account Cloud Scheduler signs its OIDC tokens as. */
  invokerAccountId: string;
  invokerAccountEmail: string;
  topicName(queue: string, dlq?: boolean): string;
  topicPath(queue: string, dlq?: boolean): string;
  jobId(fn: string, index: number): string;
  jobPath(fn: string, index: number): string;
  bucketName(bucket: string, project?: string): string;
  secretPath(secret: string): string;
  /** The function's HTTPS URL (`https://<region>-<project>.cloudfunctions.net/<name>`). */
  functionUrl(fn: string): string;
  /** The stage's Firestore database id, and `projects/<P>/databases/<id>`. */
  databaseId: string;
  databasePath: string;
  /** A table: the collection `projects/<P>/databases/<id>/documents/<table>`. */
  tablePath(table: string): string;
}

const accountId = (raw: string): string => {
  const id = fit(raw.toLowerCase().replace(/[^a-z0-9-]/g, '-'), NAME_LIMITS.serviceAccount);
  return id.length < 6 ? `${id}-slsx` : id;
};

/** All names for one service and stage. */
export function names(service: string, stage: string): Names {
  const prefix = `${service}-${stage}`;
  const fnName = (fn: string): string => fit(`${prefix}-${fn}`, NAME_LIMITS.function);
  const email = (id: string): string => `${id}@${P}.iam.gserviceaccount.com`;
  const topicName = (queue: string, dlq = false): string => `${prefix}-${queue}${dlq ? '-dlq' : ''}`;
  const jobId = (fn: string, index: number): string => fit(`${prefix}-${fn}-${index}`.replace(/[^A-Za-z0-9_-]/g, '-'), NAME_LIMITS.job);
  // A double dash: function keys cannot start with `-`, so no function's account collides.
  const invoker = accountId(`${prefix}--invoker`);
  return {
    prefix,
    functionName: fnName,
    functionPath: (fn) => `projects/${P}/locations/${R}/functions/${fnName(fn)}`,
    runServicePath: (fn) => `projects/${P}/locations/${R}/services/${fnName(fn)}`,
    serviceAccountId: (fn) => accountId(`${prefix}-${fn}`),
    serviceAccountEmail: (fn) => email(accountId(`${prefix}-${fn}`)),
    invokerAccountId: invoker,
    invokerAccountEmail: email(invoker),
    topicName,
    topicPath: (queue, dlq) => `projects/${P}/topics/${topicName(queue, dlq)}`,
    jobId,
    jobPath: (fn, index) => `projects/${P}/locations/${R}/jobs/${jobId(fn, index)}`,
    bucketName: (bucket, project) => bucketName(service, stage, bucket, project),
    secretPath: (secret) => `projects/${P}/secrets/${prefix}-${secret}`,
    functionUrl: (fn) => `https://${R}-${P}.cloudfunctions.net/${fnName(fn)}`,
    databaseId: databaseId(service, stage),
    databasePath: `projects/${P}/databases/${databaseId(service, stage)}`,
    tablePath: (table) => `projects/${P}/databases/${databaseId(service, stage)}/documents/${table}`,
  };
}

/** Resource types of the gcp adapter, as they appear in plans. */
export const TYPES = {
  serviceAccount: 'gcp:iam:service-account',
  function: 'gcp:functions:function',
  binding: 'gcp:iam:binding',
  topic: 'gcp:pubsub:topic',
  subscription: 'gcp:pubsub:trigger-subscription',
  job: 'gcp:scheduler:job',
  bucket: 'gcp:storage:bucket',
  database: 'gcp:firestore:database',
} as const;
