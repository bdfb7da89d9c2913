/**
 * The queue and bucket clients on the local cloud: messages go to the local cloud's queues
 * through the worker's host (the same SQLite queues the triggers read), objects are files in the
 * bucket's folder (`.sls-x/local-<stage>/buckets/<name>/`), written atomically so the folder
 * watcher turns each write into one storage event, exactly as `sls-x bucket put` does.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { ListResult, ObjectInfo, ResourceDriver, ResourceRef } from '../../../src/runtime/resources.js';
import type { TableDriver, TableItem, TablePage } from '../../../src/runtime/tables.js';
import type { TableRequest } from '../../../providers/local/daemon/tables.js';
import { checkKey, putObject, TMP_PREFIX } from '../../../providers/local/daemon/buckets.js';
import { signLocalUrl } from '../../../providers/local/signed-url.js';

interface HostLike {
  send(queue: string, body: string, attributes?: Record<string, string>, delaySeconds?: number): Promise<{ id: string }>;
  table?(req: TableRequest): Promise<unknown>;
}

function fileOf(bucket: ResourceRef, key: string): string {
  const problem = checkKey(key);
  if (problem) throw new Error(`sls-x: bucket '${bucket.name}': ${problem}`);
  const file = resolve(bucket.physical, key);
  if (relative(bucket.physical, file).startsWith('..')) throw new Error(`sls-x: bucket '${bucket.name}': key '${key}' escapes the bucket`);
  return file;
}

function info(key: string, file: string, withEtag: boolean): ObjectInfo {
  const st = statSync(file);
  return {
    key,
    size: st.size,
    ...(withEtag ? { etag: createHash('md5').update(readFileSync(file)).digest('hex') } : {}),
    lastModified: st.mtime.toISOString(),
  };
}

const missing = (err: unknown): boolean => (err as NodeJS.ErrnoException)?.code === 'ENOENT' || (err as NodeJS.ErrnoException)?.code === 'ENOTDIR' || (err as NodeJS.ErrnoException)?.code === 'EISDIR';

/** Every object key under `dir`, sorted (temp files of writes in progress left out). */
function keys(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch (err) {
      if (missing(err)) return;
      throw err;
    }
    for (const e of entries) {
      if (e.name.startsWith(TMP_PREFIX)) continue;
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** Table calls go to the local cloud, which runs them on its SQLite tables (and checks the declarations again). */
function localTableDriver(host: () => HostLike | undefined): TableDriver {
  const call = async (req: TableRequest): Promise<unknown> => {
    const h = host();
    if (!h?.table) throw new Error(`sls-x: table '${req.table}' needs the local cloud (sls-x deploy, sls-x dev or invoke --local)`);
    return h.table(req);
  };
  return {
    get: async (t, key) => (await call({ op: 'get', table: t.physical, key })) as TableItem | undefined,
    put: async (t, key, item, condition) => (await call({ op: 'put', table: t.physical, key, item, ...(condition ? { condition } : {}) })) as boolean,
    delete: async (t, key, condition) => (await call({ op: 'delete', table: t.physical, key, ...(condition ? { condition } : {}) })) as boolean,
    list: async (t, { prefix, cursor, limit }) => (await call({ op: 'list', table: t.physical, prefix, ...(cursor ? { cursor } : {}), limit })) as TablePage,
  };
}

export function localResources(host: () => HostLike | undefined): ResourceDriver {
  return {
    table: localTableDriver(host),
    maxBatch: 10,
    async sendBatch(queue, messages) {
      const h = host();
      if (!h) throw new Error('sls-x: sending to a queue needs the local cloud (sls-x deploy or sls-x dev)');
      return Promise.all(
        messages.map(async (m) => {
          try {
            return { id: (await h.send(queue.physical, m.body, m.attributes, m.delay)).id };
          } catch (err) {
            return { error: err instanceof Error ? err.message : String(err) };
          }
        }),
      );
    },
    async put(bucket, key, data) {
      fileOf(bucket, key);
      putObject(bucket.physical, key, data);
      return { key, size: data.length, etag: createHash('md5').update(data).digest('hex') };
    },
    async get(bucket, key) {
      const file = fileOf(bucket, key);
      try {
        const data = new Uint8Array(readFileSync(file));
        return { ...info(key, file, false), etag: createHash('md5').update(data).digest('hex'), data };
      } catch (err) {
        if (missing(err)) return undefined;
        throw err;
      }
    },
    async head(bucket, key) {
      const file = fileOf(bucket, key);
      try {
        return info(key, file, true);
      } catch (err) {
        if (missing(err)) return undefined;
        throw err;
      }
    },
    async delete(bucket, key) {
      rmSync(fileOf(bucket, key), { force: true });
    },
    async list(bucket, { prefix, cursor, limit }): Promise<ListResult> {
      const all = keys(bucket.physical).filter((k) => (!prefix || k.startsWith(prefix)) && (!cursor || k > cursor));
      const page = all.slice(0, limit);
      return {
        objects: page.map((k) => info(k, join(bucket.physical, k), false)),
        ...(all.length > limit ? { cursor: page[page.length - 1] } : {}),
      };
    },
    async signedUrl(bucket, key, { method, expiresIn }) {
      fileOf(bucket, key);
      const origin = process.env.SLSX_LOCAL_ORIGIN;
      const secret = process.env.SLSX_LOCAL_URL_KEY;
      if (!origin || !secret) throw new Error(`sls-x: signed URLs need the local cloud (bucket '${bucket.name}')`);
      return signLocalUrl({ origin, secret: Buffer.from(secret, 'hex'), bucket: bucket.name, key, method, expires: Math.floor(Date.now() / 1000) + expiresIn });
    },
  };
}
