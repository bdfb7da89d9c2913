import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { SlsxError } from '../../errors/slsx-error.js';
import type { CommandRun } from '../context.js';
import { openSession } from '../session.js';

export interface BucketPutOptions {
  key?: string;
}

/** Largest file `bucket put` sends through the control API. */
const MAX_BYTES = 32 * 1024 * 1024;

/** `sls-x bucket put <bucket> <file> [--key K]`: copy a file into a local bucket; its storage events fire. */
export const run: CommandRun<BucketPutOptions> = async ({ args, options }, ctx) => {
  const [bucket, file] = args;
  const path = resolve(ctx.cwd, file);
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    throw new SlsxError('USAGE', `Cannot read ${file}: no such file.`, { hint: 'Pass the path of a file to upload, relative to the current folder.' });
  }
  if (!st.isFile()) throw new SlsxError('USAGE', `${file} is ${st.isDirectory() ? 'a folder' : 'not a regular file'}; \`bucket put\` uploads one file.`, { hint: `Put each file with its own --key, or copy a folder into .sls-x/local/buckets/${bucket}/ directly: that fires the same events.` });
  const size = st.size;
  if (size > MAX_BYTES) throw new SlsxError('USAGE', `${file} is ${size} bytes; \`bucket put\` takes files up to 32 MB.`, { hint: `Copy bigger files into .sls-x/local/buckets/${bucket}/ directly: that fires the same events.` });
  const session = await openSession(options, ctx);
  if (session.target !== 'local') {
    throw new SlsxError('TARGET_NOT_AVAILABLE', `\`sls-x bucket put\` works on the local target, not '${session.target}'.`, { hint: "Use the cloud's own tools to upload to a deployed bucket." });
  }
  const { bucketPutLocal } = await import('../../../providers/local/queue-ops.js');
  const key = options.key ?? basename(path);
  const out = await bucketPutLocal(session.service, bucket, key, readFileSync(path), ctx.env);
  if (options.json) ctx.stdout.write(`${JSON.stringify({ bucket, ...out })}\n`);
  else ctx.stdout.write(`Put ${out.key} (${out.size} bytes) into bucket ${bucket}.\n`);
};
