import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { ExportsResult } from './handler-exports.js';

interface Entry {
  /** Project files the handler file bundles (itself included): size and mtime. */
  inputs: Record<string, [number, number]>;
  exports?: string[];
  kinds?: Record<string, string>;
}

interface CacheFile {
  version: 1;
  /** esbuild and sls-x versions: another one reads the code again. */
  stamp: string;
  entries: Record<string, Entry>;
}

/**
 * What validate learned of each handler file's exports (`.sls-x/cache/handler-exports.json`),
 * reused while every project file it bundles has the size and mtime it had: then the config
 * check builds nothing, and an unchanged `sls-x package` runs no esbuild at all. Files that did
 * not build are never remembered. Only a check that found no errors is kept, and it is written
 * by the packaging that follows it ({@link keepForPackaging}): `validate` alone, a config error
 * or a command that stops before building (no credentials) writes nothing. An unreadable or
 * unwritable cache only costs the build it would have saved.
 */
export class ExportsCache {
  private data: CacheFile;
  private readonly file: string;
  private readonly used = new Set<string>();
  private dirty = false;

  constructor(
    private readonly root: string,
    stamp: string,
  ) {
    this.file = join(root, '.sls-x', 'cache', 'handler-exports.json');
    let data: CacheFile = { version: 1, stamp, entries: {} };
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as CacheFile;
      if (parsed.version === 1 && parsed.stamp === stamp && parsed.entries && typeof parsed.entries === 'object') data = parsed;
    } catch {
      // no cache yet
    }
    this.data = data;
  }

  private stat(file: string): [number, number] | undefined {
    try {
      const st = statSync(isAbsolute(file) ? file : join(this.root, file));
      return st.isFile() ? [st.size, st.mtimeMs] : undefined;
    } catch {
      return undefined;
    }
  }

  /** The remembered result for `key`, when none of the files it read has changed. */
  get(key: string): ExportsResult | undefined {
    const entry = this.data.entries[key];
    if (!entry) return undefined;
    for (const [file, [size, mtime]] of Object.entries(entry.inputs)) {
      const now = this.stat(file);
      if (!now || now[0] !== size || now[1] !== mtime) return undefined;
    }
    this.used.add(key);
    return { ...(entry.exports ? { exports: entry.exports } : {}), inputs: Object.keys(entry.inputs), kinds: entry.kinds ?? {} };
  }

  /** Remember a result (not an error: a file that does not build is built again next time). */
  set(key: string, result: ExportsResult): void {
    if (result.error || !result.inputs?.length) return;
    const inputs: Entry['inputs'] = {};
    for (const file of result.inputs) {
      const st = this.stat(file);
      if (!st) return;
      inputs[file] = st;
    }
    this.data.entries[key] = { inputs, ...(result.exports ? { exports: result.exports } : {}), ...(result.kinds ? { kinds: result.kinds } : {}) };
    this.used.add(key);
    this.dirty = true;
  }

  /** Write it when something changed, keeping only the handler files of this config. */
  save(): void {
    const keys = Object.keys(this.data.entries);
    if (!this.dirty && keys.every((k) => this.used.has(k))) return;
    const entries = Object.fromEntries(Object.entries(this.data.entries).filter(([k]) => this.used.has(k)));
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      // Whole or not at all: another sls-x may read it meanwhile.
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify({ version: 1, stamp: this.data.stamp, entries })}\n`);
      renameSync(tmp, this.file);
    } catch {
      // read-only project folder: fine
    }
  }
}

const kept = new Map<string, ExportsCache>();

/** A clean check's cache, to be written when the project is packaged (see {@link saveKeptExports}). */
export function keepForPackaging(root: string, cache: ExportsCache): void {
  kept.set(root, cache);
}

/** Write what the last clean check of this project learned: packaging wrote its build, so `.sls-x` is there anyway. */
export function saveKeptExports(root: string): void {
  kept.get(root)?.save();
  kept.delete(root);
}

/** Handler file (absolute) -> what the last config check of this process found it exports. */
const known = new Map<string, string[]>();

/** Remember what a handler file exports (the config check), for packaging in the same process. */
export function rememberExports(file: string, exports: string[] | undefined): void {
  if (exports) known.set(file, exports);
  else known.delete(file);
}

/**
 * What the config check found a handler file exports, if it ran in this process. Only a hint:
 * packaging reads the real exports from its own build's metafile and is right either way.
 */
export function knownExports(file: string): string[] | undefined {
  return known.get(file);
}
