import { join } from 'node:path';
import { readEnvFile } from './daemon/env-file.js';

/** What a local function instance runs with, from its faas.yaml declarations. */
export interface FunctionEnvInput {
  name: string;
  root: string;
  /** The config's env (SLSX_FUNCTIONS included). */
  env: Record<string, string>;
  secrets: string[];
  sends: string[];
  buckets: Array<{ name: string; access: 'read' | 'write' | 'readwrite' }>;
  /** Declared tables with their key attribute. */
  tables?: Array<{ name: string; access: 'read' | 'write' | 'readwrite'; key: string }>;
  /** The folder of a bucket. */
  bucketDir(bucket: string): string;
  /** Signed object URLs: the gateway's origin and the signing key (only with a running local cloud). */
  signing?: { origin: string; key: Buffer };
  /** A declared secret `.env` does not set. */
  missingSecret?(secret: string): void;
}

/**
 * The environment of a local function instance, the same in the local cloud and for
 * `invoke --local`: its env, its secrets read from `.env`, and what the queue and bucket clients
 * may use (the declared queues, the declared buckets' folders and access). Nothing of the shell's.
 */
export function localFunctionEnv(o: FunctionEnvInput): Record<string, string> {
  const secrets = readEnvFile(join(o.root, '.env'));
  const env: Record<string, string> = { ...o.env };
  for (const s of o.secrets) {
    if (secrets[s] !== undefined) env[s] = secrets[s];
    else o.missingSecret?.(s);
  }
  return Object.assign(env, {
    SLSX_TARGET: 'local',
    SLSX_FUNCTION_NAME: o.name,
    SLSX_QUEUES: JSON.stringify(Object.fromEntries(o.sends.map((q) => [q, q]))),
    SLSX_BUCKETS: JSON.stringify(Object.fromEntries(o.buckets.map((b) => [b.name, o.bucketDir(b.name)]))),
    SLSX_BUCKET_ACCESS: JSON.stringify(Object.fromEntries(o.buckets.map((b) => [b.name, b.access]))),
    // Tables live in the local cloud's SQLite file, under their faas.yaml names.
    ...(o.tables?.length ? { SLSX_TABLES: JSON.stringify(Object.fromEntries(o.tables.map((t) => [t.name, { name: t.name, key: t.key, access: t.access }]))) } : {}),
    // Signed object URLs: the gateway's origin and this local cloud's signing key (it dies with it).
    ...(o.signing && o.buckets.length ? { SLSX_LOCAL_ORIGIN: o.signing.origin, SLSX_LOCAL_URL_KEY: o.signing.key.toString('hex') } : {}),
  });
}
