import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Artifact } from '../model/artifact.js';
import type { TargetName } from '../model/service.js';
import { writeZip } from './zip-writer.js';

/** An artifact's files in memory, before anything is written. */
export interface PendingArtifact {
  name: string;
  functions: string[];
  entry: string;
  /** Path inside the zip -> bytes. */
  files: Map<string, Buffer>;
}

export interface Manifest {
  target: TargetName;
  artifacts: Array<{ name: string; functions: string[]; sha256: string; size: number; entry: string }>;
}

export function buildDir(root: string, target: TargetName): string {
  return join(root, '.sls-x', 'build', target);
}

function previousShas(dir: string): Map<string, string> {
  try {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    return new Map(m.artifacts.map((a) => [a.name, a.sha256]));
  } catch {
    return new Map();
  }
}

/** Targets whose artifacts are also written unpacked: the local cloud and `invoke --local` run the folder. */
const UNPACKED = new Set<TargetName>(['local']);

/**
 * Write a target's artifacts (a zip each, plus its unpacked folder for local) and manifest.json into a fresh
 * temporary folder next to the final one, then swap it into place with renames: a failure
 * part-way leaves the previous build untouched, never a mix. Returns artifacts with final paths
 * and whether each zip is byte-identical to the previous build's.
 */
export async function writeBuild(root: string, target: TargetName, pending: PendingArtifact[]): Promise<Array<{ artifact: Artifact; unchanged: boolean }>> {
  const finalDir = buildDir(root, target);
  const parent = dirname(finalDir);
  await mkdir(parent, { recursive: true });
  const before = previousShas(finalDir);
  const staging = await mkdtemp(join(parent, `.tmp-${target}-`));
  const out: Array<{ artifact: Artifact; unchanged: boolean }> = [];
  try {
    // Synchronously: for hundreds of small files (a zip of a function is a few kB) much faster
    // than a promise and a file handle each.
    for (const p of [...pending].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const dirs = new Set<string>();
      for (const [path, data] of UNPACKED.has(target) ? p.files : []) {
        const dir = dirname(join(staging, p.name, ...path.split('/')));
        if (!dirs.has(dir)) mkdirSync(dir, { recursive: true });
        dirs.add(dir);
        writeFileSync(join(dir, basename(path)), data);
      }
      const zip = writeZip([...p.files].map(([path, data]) => ({ path, data })));
      writeFileSync(join(staging, `${p.name}.zip`), zip);
      const sha256 = createHash('sha256').update(zip).digest('hex');
      out.push({
        artifact: { target, name: p.name, functions: p.functions, zipPath: join(finalDir, `${p.name}.zip`), sha256, size: zip.length, entry: p.entry },
        unchanged: before.get(p.name) === sha256,
      });
    }
    const manifest: Manifest = {
      target,
      artifacts: out.map(({ artifact: a }) => ({ name: a.name, functions: a.functions, sha256: a.sha256, size: a.size, entry: a.entry })),
    };
    await writeFile(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const old = existsSync(finalDir) ? join(parent, `.old-${target}-${randomBytes(4).toString('hex')}`) : undefined;
    if (old) await rename(finalDir, old);
    try {
      await rename(staging, finalDir);
    } catch (err) {
      if (old) await rename(old, finalDir); // put the previous build back
      throw err;
    }
    if (old) await rm(old, { recursive: true, force: true });
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  return out;
}
