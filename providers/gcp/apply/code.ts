import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SlsxError } from '../../../src/errors/slsx-error.js';
import type { StorageSource } from '../clients.js';
import { call } from '../errors.js';
import { parents, type ApplyContext } from './context.js';

/** The label value recording which code a function runs: 48 hex characters of the zip's sha256. */
export function codeLabel(sha256Hex: string): string {
  return sha256Hex.slice(0, 48);
}

/**
 * Read the zip the plan was made with, check it is still the same bytes (a plan saved with
 * `--out` deploys exactly the code it showed), and upload it: Cloud Functions hands out a
 * signed URL (`generateUploadUrl`), the zip is PUT there, and the function is created or
 * updated from the storage source it names.
 */
export async function uploadSource(c: ApplyContext): Promise<StorageSource> {
  const zipPath = c.change.inputs?.zipPath;
  if (typeof zipPath !== 'string') throw new SlsxError('INTERNAL', `Change ${c.change.id} has no zip path.`, { hint: 'Plans for gcp functions carry inputs.zipPath.' });
  let bytes: Buffer;
  try {
    bytes = await readFile(zipPath);
  } catch (err) {
    throw new SlsxError('PLAN_STALE', `The code of ${c.change.id} is gone: cannot read ${zipPath} (${(err as Error).message}).`, { hint: 'Run `sls-x plan` again (it packages the code), then deploy.' });
  }
  if (codeLabel(createHash('sha256').update(bytes).digest('hex')) !== c.after.codeSha256) {
    throw new SlsxError('PLAN_STALE', `The code of ${c.change.id} changed since the plan was made (${zipPath}).`, { hint: 'Run `sls-x plan` again, then deploy.' });
  }
  const parent = parents(c).location;
  const [url] = await call(`cloudfunctions.functions.generateUploadUrl ${parent}`, () => c.session.clients.functions.generateUploadUrl({ parent }));
  if (!url.uploadUrl || !url.storageSource) throw new SlsxError('CLOUD_ERROR', `Cloud Functions returned no upload URL for ${c.change.id}.`);
  const uploadUrl = url.uploadUrl;
  const res = await call(`PUT source of ${c.change.id}`, () => c.session.clients.http.put(uploadUrl, bytes, { 'content-type': 'application/zip' }));
  if (res.status < 200 || res.status >= 300) {
    throw new SlsxError('CLOUD_ERROR', `Uploading the source of ${c.change.id} failed: HTTP ${res.status} ${res.text.slice(0, 200)}`, { hint: 'Deploy again; if it keeps failing, check network access to storage.googleapis.com.' });
  }
  return url.storageSource;
}
