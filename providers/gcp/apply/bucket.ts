import { SlsxError } from '../../../src/errors/slsx-error.js';
import { call, errorKind, ignoreMissing } from '../errors.js';
import { LABEL_BUCKET } from '../naming.js';
import { isOurs, labelsFor } from '../session.js';
import { notOurs, type ApplyContext, type ResourceApply } from './context.js';

const labels = (c: ApplyContext) => labelsFor(c.session, { [LABEL_BUCKET]: String(c.after.bucket) });

async function update(c: ApplyContext): Promise<void> {
  await call(`storage.buckets.patch ${String(c.after.name)}`, () => c.session.clients.storage.setBucketLabels(String(c.after.name), labels(c)));
}

async function create(c: ApplyContext): Promise<void> {
  const name = String(c.after.name);
  try {
    await c.session.clients.storage.createBucket({ project: c.session.project, name, location: String(c.after.location), labels: labels(c) });
  } catch (err) {
    if (errorKind(err) !== 'conflict') return call(`storage.buckets.insert ${name}`, () => Promise.reject(err));
    const got = await call(`storage.buckets.get ${name}`, () => c.session.clients.storage.getBucket(name));
    if (!got || got.projectNumber !== c.session.projectNumber || (Object.keys(got.labels ?? {}).length > 0 && !isOurs(got.labels, c.session))) {
      throw notOurs('bucket', name, 'Bucket names are global: pick another bucket key or stage.');
    }
    await update(c);
  }
}

async function remove(c: ApplyContext): Promise<void> {
  const name = String(c.before.name);
  try {
    await ignoreMissing(`storage.buckets.delete ${name}`, () => c.session.clients.storage.deleteBucket(name));
  } catch (err) {
    if (err instanceof SlsxError && err.code === 'RESOURCE_CONFLICT') {
      throw new SlsxError('RESOURCE_CONFLICT', `The bucket '${name}' is not empty, so it was kept.`, { hint: `Empty it (\`gcloud storage rm gs://${name}/**\`), then run remove again.`, cause: err });
    }
    throw err;
  }
}

/** A Cloud Storage bucket sls-x created (uniform access, public access prevented). `existing:` buckets are never created or deleted. */
export const bucketApply: ResourceApply = { create, update, delete: remove };
