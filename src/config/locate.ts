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
