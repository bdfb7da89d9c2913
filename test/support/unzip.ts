import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readZip } from '../../src/bundle/zip-writer.js';

/**
 * Extract a package zip as the cloud would see it (default: beside it, `<name>/` for
 * `<name>.zip`), for tests that load or read what is inside. Only the local target writes its
 * artifacts unpacked; the others are zips only. Returns the folder.
 */
export function unpack(zipPath: string, to = zipPath.replace(/\.zip$/, '')): string {
  for (const [path, data] of readZip(readFileSync(zipPath))) {
    const file = join(to, ...path.split('/'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, data);
  }
  return to;
}

/** Paths inside a zip, sorted. */
export const zipPaths = (zipPath: string): string[] => [...readZip(readFileSync(zipPath)).keys()].sort();
