import { basename } from 'node:path';
import { parseSource } from './parse-yaml.js';
import type { ConfigPath, Place } from './positions.js';
import { readSource } from './read-source.js';

/**
 * Where `path` is written in the config file, for problems found after loading (the bundler's
 * handler checks), so they point at `faas.yaml:line:col` like validate's. Undefined when the file
 * can no longer be read or parsed: the diagnostic then goes without a position rather than failing.
 */
export async function locateInConfig(configFile: string, path: ConfigPath, part: 'key' | 'value' = 'value'): Promise<Place | undefined> {
  try {
    const text = await readSource(configFile, configFile);
    const base = basename(configFile) === 'package.json' ? ['faas'] : [];
    const parsed = parseSource(text, configFile, base);
    if (parsed.errors.length) return undefined;
    return parsed.positions.locate(path, part);
  } catch {
    return undefined;
  }
}

/**
 * Give diagnostics found after loading (target adapters' checks) the `file:line:col` and code
 * frame validate's have: each with a dotted `path` (`functions.api.events.0`) and no line yet is
 * placed at the deepest part of that path written in the file. The file is shown relative to `cwd`.
 */
export async function placeDiagnostics<D extends { path?: string; file?: string; line?: number; col?: number; lineText?: string }>(diagnostics: D[], configFile: string, cwd: string): Promise<D[]> {
  const { relative, isAbsolute } = await import('node:path');
  const shown = (() => {
    const rel = relative(cwd, configFile);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : configFile;
  })();
  const out: D[] = [];
  for (const d of diagnostics) {
    const placed = { ...d };
    if (!d.file || d.file === configFile) placed.file = shown;
    if (d.path && d.line === undefined) {
      const parts = d.path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      for (let n = parts.length; n > 0; n--) {
        const place = await locateInConfig(configFile, parts.slice(0, n), n === parts.length ? 'value' : 'key');
        if (place) {
          Object.assign(placed, place);
          break;
        }
      }
    }
    out.push(placed);
  }
  return out;
}
