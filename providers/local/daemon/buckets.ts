import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { RawStorageEvent } from '../protocol.js';

/** Events for the same key within this window are one event (editors write files in steps). */
const DEBOUNCE_MS = 60;
/** Files a write in progress uses; never an object, never an event. */
export const TMP_PREFIX = '.slsx-tmp-';

/** A bucket key that stays inside the bucket folder, or an error message. */
export function checkKey(key: string): string | undefined {
  if (!key || key.length > 1024) return 'a key must be 1 to 1024 characters';
  if (key.startsWith('/') || key.includes('\\') || key.split('/').some((part) => part === '..' || part === '.' || part === '')) return `key '${key}' must be a relative path without '.', '..' or empty segments`;
  if (key.split('/').some((part) => part.startsWith(TMP_PREFIX))) return `key '${key}' uses the reserved prefix ${TMP_PREFIX}`;
  return undefined;
}

/**
 * Write an object into a bucket folder atomically (a temp file, then a rename), so the folder
 * watcher sees one complete write. Used by the local cloud and by the functions' bucket client.
 */
export function putObject(dir: string, key: string, content: Uint8Array): void {
  const file = resolve(dir, key);
  if (relative(dir, file).startsWith('..')) throw new Error(`key '${key}' escapes the bucket`);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `${TMP_PREFIX}${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

/**
 * A local bucket: a folder under `.sls-x/local/buckets/<name>/`. Files written there (by
 * `sls-x bucket put` or by hand) become storage events through fs.watch, debounced per key.
 */
export class BucketFolder {
  private watcher: FSWatcher | undefined;
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(readonly name: string, readonly dir: string, private readonly onEvent: (ev: RawStorageEvent) => void) {}

  start(): void {
    mkdirSync(this.dir, { recursive: true });
    this.watcher = watch(this.dir, { recursive: true }, (_type, filename) => {
      if (!filename) return;
      const key = filename.toString().split(sep).join('/');
      if (key.split('/').some((p) => p.startsWith(TMP_PREFIX))) return;
      const prior = this.pending.get(key);
      if (prior) clearTimeout(prior);
      this.pending.set(key, setTimeout(() => this.settle(key), DEBOUNCE_MS));
    });
    this.watcher.on('error', () => {
      // The folder went away (bucket removed): nothing more to watch.
      this.stop();
    });
  }

  private settle(key: string): void {
    this.pending.delete(key);
    const file = join(this.dir, key);
    try {
      const st = statSync(file);
      if (!st.isFile()) return;
      const etag = st.size <= 16 * 1048576 ? createHash('md5').update(readFileSync(file)).digest('hex') : `${st.size}-${Math.trunc(st.mtimeMs)}`;
      this.onEvent({ bucket: this.name, key, size: st.size, etag, type: 'created' });
    } catch {
      this.onEvent({ bucket: this.name, key, type: 'deleted' });
    }
  }

  /** Write an object atomically (temp file then rename); the watcher turns it into an event. */
  put(key: string, content: Buffer): { key: string; size: number } {
    putObject(this.dir, key, content);
    return { key, size: content.length };
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }
}
