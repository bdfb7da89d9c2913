import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { packageService } from '../../src/bundle/package-service.js';
import { userCacheDir } from '../../src/bundle/runtime-cache.js';
import { unpack } from '../support/unzip.js';
import { FIXTURE_SHIMS, fn, makeProject, service } from './helpers.js';

const API = "import { json } from 'sls-x/runtime';\nexport const handler = async () => json(200, { ok: true });\n";

let dirs: string[] = [];
let cacheDir = '';
beforeEach(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'slsx-user-cache-'));
  dirs = [cacheDir];
  vi.stubEnv('SLSX_CACHE_DIR', cacheDir);
});
afterEach(() => {
  vi.unstubAllEnvs();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function project(shimDir = FIXTURE_SHIMS) {
  const p = makeProject({ 'src/api.ts': API });
  dirs.push(p.root);
  return { ...p, svc: service(p.root, [fn('api', 'src/api.ts#handler')]), shimDir };
}
const runtimeOf = (zip: string): Buffer => readFileSync(join(unpack(zip), '_slsx.mjs'));
const entries = (): string[] => (existsSync(join(cacheDir, 'runtime')) ? readdirSync(join(cacheDir, 'runtime')).filter((n) => !n.startsWith('.')) : []);

describe('the user cache of the shared runtime module', () => {
  it('is where the platform keeps caches, unless SLSX_CACHE_DIR says otherwise (off: none)', () => {
    expect(userCacheDir({ SLSX_CACHE_DIR: '/somewhere/else' })).toBe('/somewhere/else');
    expect(userCacheDir({ SLSX_CACHE_DIR: 'off' })).toBeUndefined();
    if (process.platform === 'linux') {
      expect(userCacheDir({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/sls-x');
      expect(userCacheDir({ XDG_CACHE_HOME: 'relative/is/ignored' })).toMatch(/\.cache\/sls-x$/);
    }
  });

  it('a second project (cold: no .sls-x) takes the module from it: same bytes, nothing built or written again', async () => {
    const a = project();
    const [x] = await packageService(a.svc, 'aws', { shimDir: a.shimDir });
    expect(entries()).toHaveLength(1);
    const entry = join(cacheDir, 'runtime', entries()[0]!);
    const ino = statSync(entry).ino;
    const b = project();
    const [y] = await packageService(b.svc, 'aws', { shimDir: b.shimDir });
    expect(statSync(entry).ino).toBe(ino); // not put again (a put replaces the folder)
    if (process.platform !== 'win32') expect(statSync(entry).mode & 0o077).toBe(0); // the user's alone: it goes into deployed zips
    expect(entries()).toHaveLength(1);
    // The same bytes as a build that never saw the cache.
    const c = project();
    const [z] = await packageService(c.svc, 'aws', { shimDir: c.shimDir, cache: false });
    expect(runtimeOf(y!.zipPath).equals(runtimeOf(z!.zipPath))).toBe(true);
    expect(y!.sha256).toBe(x!.sha256);
    expect(y!.sha256).toBe(z!.sha256);
  });

  it('a damaged entry, or a changed file the module was built from, is a miss: built again, right', async () => {
    const shims = mkdtempSync(join(tmpdir(), 'slsx-shims-'));
    dirs.push(shims);
    cpSync(FIXTURE_SHIMS, shims, { recursive: true });
    const a = project(shims);
    const [fresh] = await packageService(a.svc, 'aws', { shimDir: shims, cache: false });
    await packageService(a.svc, 'aws', { shimDir: shims });
    const entry = join(cacheDir, 'runtime', entries()[0]!);
    // Damaged output: refused (sha256), rebuilt, and put back whole.
    writeFileSync(join(entry, 'out', '_slsx.mjs'), 'export const tampered = 1;\n');
    const b = project(shims);
    const [y] = await packageService(b.svc, 'aws', { shimDir: shims });
    expect(runtimeOf(y!.zipPath).toString('utf8')).not.toContain('tampered');
    expect(y!.sha256).toBe(fresh!.sha256);
    expect(readFileSync(join(entry, 'out', '_slsx.mjs'), 'utf8')).not.toContain('tampered');
    // An input changed (the shim's source): the old module is not used.
    writeFileSync(join(shims, 'aws.ts'), `${readFileSync(join(shims, 'aws.ts'), 'utf8')}\n(globalThis as Record<string, unknown>).edited = 'shim-was-edited';\n`);
    const c = project(shims);
    const [z] = await packageService(c.svc, 'aws', { shimDir: shims });
    expect(runtimeOf(z!.zipPath).toString('utf8')).toContain('shim-was-edited');
    expect(z!.sha256).not.toBe(fresh!.sha256);
  });

  it('SLSX_CACHE_DIR=off, or a cache folder that cannot be written: packaging works the same, nothing is kept', async () => {
    vi.stubEnv('SLSX_CACHE_DIR', 'off');
    const a = project();
    const [x] = await packageService(a.svc, 'aws', { shimDir: a.shimDir });
    expect(entries()).toEqual([]);
    const file = join(cacheDir, 'a-file');
    writeFileSync(file, 'not a folder');
    vi.stubEnv('SLSX_CACHE_DIR', file);
    const b = project();
    const [y] = await packageService(b.svc, 'aws', { shimDir: b.shimDir });
    expect(y!.sha256).toBe(x!.sha256);
    expect(readFileSync(file, 'utf8')).toBe('not a folder');
  });
});
