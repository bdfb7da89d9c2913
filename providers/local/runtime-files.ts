import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packageRoot } from '../../src/paths.js';

/** The two scripts the local cloud runs: its process entry and each instance's worker bootstrap. */
export interface RuntimeFiles {
  daemon: string;
  worker: URL;
}

function sourceStamp(dirs: string[]): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts')) {
        const st = statSync(file);
        hash.update(`${file}:${st.size}:${st.mtimeMs}\n`);
      }
    }
  };
  for (const d of dirs) if (existsSync(d)) walk(d);
  return hash.digest('hex').slice(0, 16);
}

/**
 * Where the local cloud's scripts are. From the built package (dist/, `.js` files) they sit next
 * to this module. From the TypeScript sources (tests, `npm run dev` style) they are bundled once
 * with esbuild into node_modules/.cache/, so a plain `node` can run them (packages stay external).
 */
export async function runtimeFiles(): Promise<RuntimeFiles> {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) {
    return { daemon: join(dirname(here), 'daemon', 'main.js'), worker: pathToFileURL(join(dirname(here), 'worker', 'entry.js')) };
  }
  const root = packageRoot();
  // Everything the daemon bundles from outside providers/local (the gateway uses src/runtime's CORS).
  const stamp = sourceStamp([dirname(here), join(root, 'src', 'errors'), join(root, 'src', 'model'), join(root, 'src', 'runtime')]);
  const out = join(root, 'node_modules', '.cache', 'sls-x-local', stamp);
  const files = { daemon: join(out, 'daemon.mjs'), worker: pathToFileURL(join(out, 'worker.mjs')) };
  if (existsSync(files.daemon) && existsSync(fileURLToPath(files.worker))) return files;
  const tmp = `${out}.${process.pid}.${Date.now()}.tmp`;
  mkdirSync(tmp, { recursive: true });
  const { build } = await import('esbuild');
  await build({
    entryPoints: { daemon: join(dirname(here), 'daemon', 'main.ts'), worker: join(dirname(here), 'worker', 'entry.ts') },
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  try {
    renameSync(tmp, out);
  } catch {
    // Another process built the same sources first: use theirs.
    rmSync(tmp, { recursive: true, force: true });
  }
  return files;
}
