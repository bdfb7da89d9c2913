import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SlsxError } from '../../../src/errors/slsx-error.js';
import { call, isAwsError } from '../errors.js';
import { LAMBDA } from '../validate.js';
import type { ApplyContext } from './context.js';

/** Where code goes: bytes for a direct upload, or an S3 object for big zips. */
export type CodeLocation = { ZipFile: Uint8Array } | { S3Bucket: string; S3Key: string };

/** The shared bucket big zips are staged in, one per account and region (not per service). */
export function stagingBucket(account: string, region: string): string {
  return `slsx-deploy-${account}-${region}`;
}

/**
 * Read the zip the plan was made with and check it is still the same bytes: a plan saved
 * with `--out` must deploy exactly the code it showed. Zips over Lambda's direct-upload
 * limit are staged in S3 first.
 */
export async function codeFor(c: ApplyContext): Promise<CodeLocation> {
  const zipPath = c.change.inputs?.zipPath;
  if (typeof zipPath !== 'string') {
    throw new SlsxError('INTERNAL', `Change ${c.change.id} has no zip path.`, { hint: 'Plans for aws functions carry inputs.zipPath.' });
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(zipPath);
  } catch (err) {
    throw new SlsxError('PLAN_STALE', `The code of ${c.change.id} is gone: cannot read ${zipPath} (${(err as Error).message}).`, {
      hint: 'Run `sls-x plan` again (it packages the code), then deploy.',
    });
  }
  const sha = createHash('sha256').update(bytes).digest('base64');
  if (sha !== c.after.codeSha256) {
    throw new SlsxError('PLAN_STALE', `The code of ${c.change.id} changed since the plan was made (${zipPath}).`, { hint: 'Run `sls-x plan` again, then deploy.' });
  }
  if (bytes.length <= LAMBDA.maxDirectZipBytes) return { ZipFile: bytes };
  return stage(c, bytes, sha);
}

async function stage(c: ApplyContext, bytes: Buffer, sha: string): Promise<CodeLocation> {
  const s3 = await import('@aws-sdk/client-s3');
  const { session } = c;
  const bucket = stagingBucket(session.account, session.region);
  try {
    await session.clients.s3.send(
      new s3.CreateBucketCommand({ Bucket: bucket, ...(session.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: session.region as never } }) }),
    );
  } catch (err) {
    if (!isAwsError(err, 'BucketAlreadyOwnedByYou')) await call(`s3:CreateBucket ${bucket}`, () => Promise.reject(err));
  }
  const key = `${session.service}/${session.stage}/${String(c.after.name)}/${Buffer.from(sha, 'base64').toString('hex')}.zip`;
  await call(`s3:PutObject ${bucket}/${key}`, () => session.clients.s3.send(new s3.PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ExpectedBucketOwner: session.account })));
  return { S3Bucket: bucket, S3Key: key };
}

/**
 * Lambda copies a staged zip when CreateFunction / UpdateFunctionCode accepts it, so the
 * object is deleted right after: the shared bucket keeps no code (it would pile up at up to
 * 250 MB per code change). Best effort: a failure here leaves one object, never a broken deploy.
 */
export async function releaseCode(c: ApplyContext, code: CodeLocation): Promise<void> {
  if (!('S3Bucket' in code)) return;
  const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
  await c.session.clients.s3
    .send(new DeleteObjectCommand({ Bucket: code.S3Bucket, Key: code.S3Key, ExpectedBucketOwner: c.session.account }))
    .catch(() => undefined);
}
