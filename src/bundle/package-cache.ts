import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { TargetName } from '../model/service.js';
import { stableJson } from '../plan/diff.js';
import { readZip } from './zip-writer.js';

/** One esbuild run remembered: what it read (size and mtime of each file) and what it wrote. */
interface Entry {
  inputs: Record<string, [number, number]>;
  /** Artifact name -> path inside it -> sha256 of the bytes. */
  outputs: Record<string, Record<string, string>>;
  /** Artifact name -> size and mtime of its zip as this build left it (see unchanged()). */
  zips?: Record<string, [number, number]>;
}

interface CacheFile {
  version: 1;
  groups: Record<string, Entry>;
}

const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** Every file the run read is as it was (size and mtime). */
function sameInputs(entry: Entry, root: string): boolean {
  for (const [file, [size, mtime]] of Object.entries(entry.inputs)) {
    try {
      const st = statSync(isAbsolute(file) ? file : join(root, file));
      if (st.size !== size || st.mtimeMs !== mtime) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * The incremental package cache (`.sls-x/cache/package-<target>.json`): an esbuild run whose
 * settings (the key: entries, target, options, esbuild and sls-x versions) and every input file
 * (size and mtime, from esbuild's metafile) are as they were is not run again; its output is read
 * back from the previous build's zips, checked byte for byte against the recorded hashes. Anything
 * else (a changed file, a missing or edited output, an unreadable cache) is a miss, never an error.
 */
export class PackageCache {
  private data: CacheFile;
  private readonly file: string;
  private readonly used = new Set<string>();

  constructor(root: string, target: TargetName) {
    this.file = join(root, '.sls-x', 'cache', `package-${target}.json`);
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as CacheFile;
      this.data = parsed.version === 1 && parsed.groups && typeof parsed.groups === 'object' ? parsed : { version: 1, groups: {} };
    } catch {
      this.data = { version: 1, groups: {} };
    }
  }

  static key(parts: unknown): string {
    return sha(stableJson(parts));
  }

  /**
   * The fast path of an unchanged build: nothing the run read has changed, and each of its zips is
   * the file this cache saw written (same size and mtime, the trust the inputs get too), so it
   * needs neither reading nor rebuilding. A zip edited, replaced or touched since is not.
   */
  unchanged(key: string, root: string, buildDir: string): boolean {
    const entry = this.data.groups[key];
    if (!entry?.zips || !sameInputs(entry, root)) return false;
    for (const name of Object.keys(entry.outputs)) {
      const was = entry.zips[name];
      try {
        const st = statSync(join(buildDir, `${name}.zip`));
        if (!was || st.size !== was[0] || st.mtimeMs !== was[1]) return false;
      } catch {
        return false;
      }
    }
    this.used.add(key);
    return true;
  }

  /** After the zips are written (or found as they were): remember each one's size and mtime. */
  recordZips(buildDir: string): void {
    for (const key of this.used) {
      const entry = this.data.groups[key];
      if (!entry) continue;
      const zips: Record<string, [number, number]> = {};
      try {
        for (const name of Object.keys(entry.outputs)) {
          const st = statSync(join(buildDir, `${name}.zip`));
          zips[name] = [st.size, st.mtimeMs];
        }
        entry.zips = zips;
      } catch {
        delete entry.zips;
      }
    }
  }

  /** The outputs of a run with this key, when nothing it read has changed; else undefined. */
  lookup(key: string, root: string, buildDir: string): Map<string, Map<string, Buffer>> | undefined {
    const entry = this.data.groups[key];
    if (!entry || !sameInputs(entry, root)) return undefined;
    const out = new Map<string, Map<string, Buffer>>();
    // The shared runtime module in every zip is inflated and hashed once, and stays one Buffer (compressed once).
    const seen = new Map<string, { body: Buffer; data: Buffer }>();
    const hashes = new Map<Buffer, string>();
    for (const [name, files] of Object.entries(entry.outputs)) {
      let zip: Map<string, Buffer>;
      try {
        zip = readZip(readFileSync(join(buildDir, `${name}.zip`)), seen);
      } catch {
        return undefined;
      }
      const m = new Map<string, Buffer>();
      for (const [inner, hash] of Object.entries(files)) {
        const bytes = zip.get(inner);
        if (!bytes) return undefined;
        if (!hashes.has(bytes)) hashes.set(bytes, sha(bytes));
        if (hashes.get(bytes) !== hash) return undefined;
        m.set(inner, bytes);
      }
      out.set(name, m);
    }
    this.used.add(key);
    return out;
  }

  /** Remember a run: its input files (as esbuild's metafile names them) and its outputs. */
  store(key: string, root: string, inputs: string[], outputs: Map<string, Map<string, Buffer>>): void {
    const seen: Record<string, [number, number]> = {};
    for (const file of inputs) {
      // Virtual entries and plugin namespaces are no files: the key covers them.
      if (file.includes(':') && !isAbsolute(file)) continue;
      try {
        const st = statSync(isAbsolute(file) ? file : join(root, file));
        if (st.isFile()) seen[file] = [st.size, st.mtimeMs];
      } catch {
        // Not a file on disk (virtual): covered by the key.
      }
    }
    const recorded: Entry['outputs'] = {};
    const hashes = new Map<Buffer, string>(); // the shared runtime module of every artifact is hashed once
    const hashOf = (bytes: Buffer): string => hashes.get(bytes) ?? (hashes.set(bytes, sha(bytes)), hashes.get(bytes)!);
    for (const [name, files] of outputs) recorded[name] = Object.fromEntries([...files].map(([inner, bytes]) => [inner, hashOf(bytes)]));
    this.data.groups[key] = { inputs: seen, outputs: recorded };
    this.used.add(key);
  }

  /** Write the cache, keeping only the runs of this build (nothing grows without bound). */
  save(): void {
    const groups = Object.fromEntries(Object.entries(this.data.groups).filter(([k]) => this.used.has(k)));
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(this.file, `${JSON.stringify({ version: 1, groups })}\n`);
    } catch {
      // A cache that cannot be written only costs the next build its speed.
    }
  }
}
