import type { AdapterContext } from '../../src/core/adapter.js';
import type { Scope } from '../../src/core/resources.js';
import type { Diagnostic } from '../../src/model/diagnostic.js';
import type { Service } from '../../src/model/service.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { call, errorKind, mapGcpError } from './errors.js';
import { parseMarker } from './naming.js';
import { bucketPhysicalName } from './desired.js';
import { firestoreLocation, isKnownRegion } from './regions.js';
import { databaseName, ownerOf } from './observe-firestore.js';
import { isOurs, openSession, resolve, type Session } from './session.js';

/** The project: config (`targets.gcp.project`) first, then GOOGLE_CLOUD_PROJECT / GCLOUD_PROJECT / CLOUDSDK_CORE_PROJECT. */
export function resolveProject(service: Service, env: NodeJS.ProcessEnv): string {
  const project = service.targets.gcp?.account ?? env.GOOGLE_CLOUD_PROJECT ?? env.GCLOUD_PROJECT ?? env.CLOUDSDK_CORE_PROJECT;
  if (!project) {
    throw new SlsxError('USAGE', 'No GCP project: neither `targets.gcp.project` in the config nor GOOGLE_CLOUD_PROJECT is set.', {
      hint: 'Add `targets: { gcp: { project: my-project, region: europe-west1 } }` to faas.yaml, or export GOOGLE_CLOUD_PROJECT.',
    });
  }
  return String(project);
}

/** The region: config first, then GOOGLE_CLOUD_REGION / CLOUDSDK_FUNCTIONS_REGION. Unknown regions are refused. */
export function resolveRegion(service: Service, env: NodeJS.ProcessEnv): string {
  const fromConfig = service.targets.gcp?.region;
  const region = fromConfig ?? env.GOOGLE_CLOUD_REGION ?? env.CLOUDSDK_FUNCTIONS_REGION;
  if (!region) {
    throw new SlsxError('USAGE', 'No GCP region: neither `targets.gcp.region` in the config nor GOOGLE_CLOUD_REGION is set.', {
      hint: 'Add `targets: { gcp: { region: europe-west1 } }` to faas.yaml, or export GOOGLE_CLOUD_REGION.',
    });
  }
  if (!isKnownRegion(region)) {
    const where = fromConfig ? 'targets.gcp.region in the config' : 'GOOGLE_CLOUD_REGION';
    throw new SlsxError('CONFIG_INVALID', `Unknown GCP region '${region}' (from ${where}): Cloud Functions does not run there.`, {
      hint: 'Use a Cloud Functions region such as europe-west1 or us-central1.',
      diagnostics: fromConfig ? [{ severity: 'error', code: 'unknown-region', message: `Unknown GCP region '${region}'.`, hint: 'Use a Cloud Functions region such as europe-west1 or us-central1.', path: 'targets.gcp.region', file: service.configFile, target: 'gcp' }] : [],
    });
  }
  return region;
}

/** Why a service's tables cannot go to `region` (Firestore has no location there), or undefined. */
export function tablesRegionProblem(service: Service, region: string): string | undefined {
  if (!service.tables?.length || firestoreLocation(region)) return undefined;
  return `Firestore has no location in ${region}, where this stage's functions run, so the tables (${service.tables.map((t) => t.name).join(', ')}) have nowhere to go on GCP.`;
}

const TABLES_REGION_HINT = 'Deploy to a region where Firestore has a location (https://cloud.google.com/firestore/docs/locations), or keep the tables off this target.';

/** Who we deploy as and where: the project must exist and be visible to the credentials. Opens the session. */
export async function gcpScope(service: Service, ctx: AdapterContext): Promise<Scope> {
  const region = resolveRegion(service, ctx.env);
  const noTables = tablesRegionProblem(service, region);
  if (noTables) {
    throw new SlsxError('CONFIG_INVALID', noTables, {
      hint: TABLES_REGION_HINT,
      diagnostics: [{ severity: 'error', code: 'gcp-tables-region', message: noTables, hint: TABLES_REGION_HINT, path: service.targets.gcp?.region ? 'targets.gcp.region' : 'tables', file: service.configFile, target: 'gcp' }],
    });
  }
  const project = resolveProject(service, ctx.env);
  const session = await openSession(ctx, {
    project,
    projectNumber: '',
    region,
    service: service.service,
    stage: service.stage,
    external: {
      buckets: service.buckets.filter((b) => b.existing).map((b) => ({ key: b.name, name: b.existing as string })),
      secrets: [...new Set(service.functions.flatMap((f) => f.secrets))].sort(),
      grants: [...new Set(service.functions.flatMap((f) => (f.extraIam?.gcp ?? []).map((r) => r.resource)))].sort(),
    },
    tables: !!service.tables?.length,
  });
  const got = await call(`resourcemanager.projects.get ${project}`, () => session.clients.projects.getProject({ name: `projects/${project}` }));
  if (!got || (got.state && got.state !== 'ACTIVE')) {
    throw new SlsxError('USAGE', `GCP project '${project}' does not exist, is being deleted, or the credentials in use cannot see it.`, {
      hint: 'Check targets.gcp.project (or GOOGLE_CLOUD_PROJECT) and that your credentials have access (`gcloud projects describe <id>`).',
    });
  }
  session.projectNumber = String(got.name ?? '').replace(/^projects\//, '');
  await preflight(service, session);
  return { target: 'gcp', service: service.service, stage: service.stage, account: project, region };
}

/**
 * Plan-time refusals that need a look at the project (read-only), all at once: a function or
 * service account name taken by something that is not this service and stage's, a bucket
 * owned by another project (or by someone else in this one), an existing bucket that is missing;
 * for tables, a region Firestore has no location in, and the stage's database id taken by a
 * database that is not this stage's or sitting in another region.
 */
export async function preflight(service: Service, session: Session): Promise<void> {
  const { clients, names } = session;
  const problems: Diagnostic[] = [];
  const conflict = (code: string, message: string, hint: string, path?: string): void => void problems.push({ severity: 'error', code, message, hint, path, file: service.configFile, target: 'gcp' });
  const checks: Array<Promise<void>> = [];
  const guard = (doing: string, work: () => Promise<void>): void =>
    void checks.push(
      work().catch((err) => {
        if (errorKind(err) !== 'not-found') throw mapGcpError(err, doing);
      }),
    );
  for (const fn of service.functions) {
    const name = resolve(names.functionPath(fn.name), session);
    guard(`cloudfunctions.functions.get ${name}`, async () => {
      const [f] = await clients.functions.getFunction({ name });
      if (!isOurs(f.labels, session)) conflict('function-name-taken', `The Cloud Function '${names.functionName(fn.name)}' exists and is not ${service.service}/${service.stage}'s (no sls-x labels).`, 'Rename the function or the stage, or delete that function.', `functions.${fn.name}`);
    });
  }
  const accounts = service.functions.map((f) => ({ id: `sa:${f.name}`, accountId: names.serviceAccountId(f.name), path: `functions.${f.name}` }));
  if (service.functions.some((f) => f.events.some((e) => e.kind === 'schedule'))) accounts.push({ id: 'sa:invoker', accountId: names.invokerAccountId, path: 'functions' });
  for (const a of accounts) {
    const email = `${a.accountId}@${session.project}.iam.gserviceaccount.com`;
    guard(`iam.serviceAccounts.get ${email}`, async () => {
      const got = await clients.serviceAccounts.getServiceAccount({ name: `projects/${session.project}/serviceAccounts/${email}` });
      const m = parseMarker(got?.description);
      if (got && (!m || m.service !== service.service || m.stage !== service.stage)) conflict('service-account-taken', `The service account '${email}' exists and is not ${service.service}/${service.stage}'s.`, 'Rename the function or the stage, or delete that service account.', a.path);
    });
  }
  for (const b of service.buckets) {
    const bucket = bucketPhysicalName(service, names, b.name);
    const path = `buckets.${b.name}${b.existing ? '.existing' : ''}`;
    checks.push(
      (async () => {
        let got;
        try {
          got = await clients.storage.getBucket(bucket);
        } catch (err) {
          if (errorKind(err) !== 'denied') throw mapGcpError(err, `storage.buckets.get ${bucket}`);
          conflict('bucket-owned-elsewhere', `The bucket '${bucket}' belongs to another project (or denies these credentials).`, b.existing ? 'Name a bucket of this project.' : 'Bucket names are global: pick another bucket key or stage.', path);
          return;
        }
        if (!got) {
          if (b.existing) conflict('bucket-missing', `The existing bucket '${bucket}' does not exist.`, 'Create it first, or drop `existing:` so sls-x creates one.', path);
          return;
        }
        if (got.projectNumber && got.projectNumber !== session.projectNumber) {
          conflict('bucket-owned-elsewhere', `The bucket '${bucket}' belongs to another project (number ${got.projectNumber}, not ${session.projectNumber}); Eventarc and sls-x's grants need a bucket of this project.`, b.existing ? 'Name a bucket of this project.' : 'Bucket names are global: pick another bucket key or stage.', path);
        } else if (!b.existing && !isOurs(got.labels, session)) {
          conflict('bucket-not-ours', `The bucket '${bucket}' exists but is not ${service.service}/${service.stage}'s.`, `Name it as existing (buckets.${b.name}.existing: ${bucket}) to use it, or delete it.`, path);
        }
      })(),
    );
  }
  if (service.tables?.length) {
    const tablesAt = `tables.${service.tables[0]!.name}`;
    if (firestoreLocation(session.region)) {
      const name = databaseName(session);
      guard(`firestore.databases.get ${name}`, async () => {
        const db = await clients.firestore.getDatabase({ name });
        if (!db) return;
        const owner = await ownerOf(session, db);
        if (owner === 'taken') conflict('database-taken', `The Firestore database '${names.databaseId}' exists and is not ${service.service}/${service.stage}'s (no sls-x marker, and it holds data or is in Datastore mode).`, 'Rename the stage, or delete that database.', tablesAt);
        else if (db.locationId && db.locationId !== session.region) conflict('database-location', `The Firestore database '${names.databaseId}' of ${service.service}/${service.stage} is in ${db.locationId}, but the functions are deployed to ${session.region}: a database cannot move.`, `Deploy to ${db.locationId}, or \`sls-x remove\` the stage first (this deletes its tables' data).`, tablesAt);
      });
    }
  }
  await Promise.all(checks);
  if (problems.length > 0) {
    throw new SlsxError('RESOURCE_CONFLICT', `Cannot deploy ${service.service}/${service.stage} to GCP: ${problems.length} problem(s) with names that belong to something else.`, {
      diagnostics: problems,
      hint: problems[0].hint,
    });
  }
}
