import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { stableJson } from '../plan/diff.js';

const sha = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** How many built runtime modules the user cache keeps (one per sls-x version, target and build settings in use). */
const KEEP = 32;

/**
 * Where sls-x keeps what belongs to no one project: `SLSX_CACHE_DIR` when set, else the user's
 * cache folder (`$XDG_CACHE_HOME/sls-x` or `~/.cache/sls-x`; `~/Library/Caches/sls-x` on macOS;
 * `%LOCALAPPDATA%\sls-x\Cache` on Windows). `SLSX_CACHE_DIR=off` turns it off.
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const own = env.SLSX_CACHE_DIR;
  if (own !== undefined && own !== '') return own === 'off' ? undefined : resolve(own);
  try {
    if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'sls-x');
    if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'sls-x', 'Cache');
    const xdg = env.XDG_CACHE_HOME;
    return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'sls-x');
  } catch {
    return undefined; // no home folder: no user cache
  }
}

interface Meta {
  version: 1;
  /** Absolute path of every file the build read -> sha256 of its bytes. */
  inputs: Record<string, string>;
  /** Output path (relative to the build folder) -> sha256 of its bytes. */
  outputs: Record<string, string>;
}

/** A built shared runtime module: its output files (relative path -> bytes) and the files it was built from. */
export interface RuntimeModule {
  files: Map<string, Buffer>;
  /** Absolute paths. */
  inputs: string[];
}

/**
 * The user-wide cache of the shared runtime module (`_slsx.mjs`: `sls-x/runtime` and a target's
 * shim). Its bytes depend on sls-x, the target and the build settings, never on a project's
 * functions, so it is built once per machine and setting rather than once per cold `package`.
 * The key holds everything the build is given (the caller's `parts`); an entry is used only when
 * every file the build read still has the same bytes (sha256, not mtime: the entry outlives any
 * one checkout) and every output is intact. Anything unreadable is a miss; a cache that cannot be
 * written costs only speed.
 */
export class RuntimeCache {
  private constructor(private readonly dir: string) {}

  static open(env: NodeJS.ProcessEnv = process.env): RuntimeCache | undefined {
    const base = userCacheDir(env);
    return base ? new RuntimeCache(join(base, 'runtime')) : undefined;
  }

  static key(parts: Record<string, unknown>): string {
    return sha(stableJson({ cache: 'runtime-module', version: 1, ...parts }));
  }

  get(key: string): RuntimeModule | undefined {
    const at = join(this.dir, key);
    try {
      const meta = JSON.parse(readFileSync(join(at, 'meta.json'), 'utf8')) as Meta;
      if (meta.version !== 1) return undefined;
      for (const [file, hash] of Object.entries(meta.inputs)) if (sha(readFileSync(file)) !== hash) return undefined;
      const files = new Map<string, Buffer>();
      for (const [rel, hash] of Object.entries(meta.outputs)) {
        const bytes = readFileSync(join(at, 'out', ...rel.split('/')));
        if (sha(bytes) !== hash) return undefined;
        files.set(rel, bytes);
      }
      return { files, inputs: Object.keys(meta.inputs) };
    } catch {
      return undefined;
    }
  }

  /** Remember a build (written aside, then renamed into place: a reader never sees half an entry). */
  put(key: string, module: RuntimeModule): void {
    const at = join(this.dir, key);
    const tmp = join(this.dir, `.tmp-${randomBytes(6).toString('hex')}`);
    try {
      const meta: Meta = { version: 1, inputs: {}, outputs: {} };
      for (const file of module.inputs) meta.inputs[file] = sha(readFileSync(file));
      // Private to the user (what is here goes into deployed zips): folders made here are 0700.
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      for (const [rel, bytes] of module.files) {
        const file = join(tmp, 'out', ...rel.split('/'));
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        writeFileSync(file, bytes);
        meta.outputs[rel] = sha(bytes);
      }
      mkdirSync(tmp, { recursive: true, mode: 0o700 });
      writeFileSync(join(tmp, 'meta.json'), `${JSON.stringify(meta)}\n`);
      rmSync(at, { recursive: true, force: true }); // a stale entry of the same key
      renameSync(tmp, at);
      this.prune();
    } catch {
      // Another process put the same key first, or the folder is read-only: only speed is lost.
    } finally {
      try {
        rmSync(tmp, { recursive: true, force: true });
      } catch {
        // nothing was made there
      }
    }
  }

  /** Keep the KEEP newest entries (and no leftovers of interrupted writes older than an hour). */
  private prune(): void {
    const entries = readdirSync(this.dir).map((name) => {
      try {
        return { name, at: statSync(join(this.dir, name)).mtimeMs };
      } catch {
        return { name, at: 0 };
      }
    });
    const hourAgo = Date.now() - 3_600_000;
    for (const e of entries) if (e.name.startsWith('.tmp-') && e.at < hourAgo) rmSync(join(this.dir, e.name), { recursive: true, force: true });
    const kept = entries.filter((e) => !e.name.startsWith('.')).sort((a, b) => b.at - a.at);
    for (const e of kept.slice(KEEP)) rmSync(join(this.dir, e.name), { recursive: true, force: true });
  }
}
