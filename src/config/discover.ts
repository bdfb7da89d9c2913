import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { SlsxError } from '../errors/slsx-error.js';

/** Where the config lives. `prop` is set when it is a property of package.json. */
export interface ConfigLocation {
  file: string;
  prop?: 'faas';
}

/** The places searched, in order, from the working folder up to the project root. */
export const SEARCH_PLACES = ['faas.yaml', 'faas.yml', '.faasrc', '.faasrc.yaml', '.faasrc.yml', '.faasrc.json', 'package.json'];

const FOUND = { found: true } as const;

/**
 * Find the config file. An explicit `-c` path is checked as given; otherwise cosmiconfig
 * searches SEARCH_PLACES. cosmiconfig only finds the file: we read and parse it ourselves
 * (read-source.ts, parse-yaml.ts) to keep source positions for every diagnostic.
 */
export async function findConfig(cwd: string, configPath?: string): Promise<ConfigLocation> {
  if (configPath !== undefined) return explicit(cwd, configPath);
  // The usual case, answered without loading cosmiconfig (some 25 ms of start-up): the first
  // search place in the working folder, which is what its search returns first too.
  const first = resolve(cwd, SEARCH_PLACES[0]!);
  try {
    if ((await stat(first)).isFile()) return { file: first };
  } catch {
    // not there: search
  }
  const { cosmiconfig } = await import('cosmiconfig');
  const explorer = cosmiconfig('faas', {
    searchPlaces: SEARCH_PLACES,
    searchStrategy: 'project',
    packageProp: 'faas',
    cache: false,
    // An empty faas.yaml is still the config: report it as empty rather than search on.
    ignoreEmptySearchPlaces: false,
    loaders: {
      '.yaml': () => FOUND,
      '.yml': () => FOUND,
      noExt: () => FOUND,
      '.json': (filepath: string, content: string) => {
        if (basename(filepath) !== 'package.json') return FOUND;
        try {
          const pkg = JSON.parse(content) as Record<string, unknown>;
          return pkg && typeof pkg === 'object' && 'faas' in pkg ? { faas: FOUND } : {};
        } catch {
          return {}; // a broken package.json is not our config; keep searching
        }
      },
    },
  });
  let result: Awaited<ReturnType<typeof explorer.search>>;
  try {
    result = await explorer.search(cwd);
  } catch (err) {
    throw new SlsxError('CONFIG_UNREADABLE', `Could not search for a config file from ${cwd}: ${(err as Error).message}`, { cause: err });
  }
  if (!result) {
    throw new SlsxError('CONFIG_NOT_FOUND', `No faas.yaml found in ${cwd} or its parent folders (up to the project root).`, {
      hint: 'Create one with `sls-x init`, or pass its path with `-c path/to/faas.yaml`.',
    });
  }
  return basename(result.filepath) === 'package.json' ? { file: result.filepath, prop: 'faas' } : { file: result.filepath };
}

async function explicit(cwd: string, configPath: string): Promise<ConfigLocation> {
  const file = resolve(cwd, configPath);
  let info;
  try {
    info = await stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new SlsxError('CONFIG_NOT_FOUND', `Config file ${configPath} does not exist.`, {
        hint: 'Check the path given to -c/--config, or omit it to search for faas.yaml from the current folder.',
      });
    }
    throw new SlsxError('CONFIG_UNREADABLE', `Config file ${configPath} cannot be read (${code ?? 'error'}).`, {
      hint: 'Check the file permissions.',
      cause: err,
    });
  }
  if (info.isDirectory()) {
    throw new SlsxError('CONFIG_UNREADABLE', `${configPath} is a folder, not a config file.`, {
      hint: `Pass the file itself, e.g. \`-c ${configPath.replace(/\/+$/, '')}/faas.yaml\`, or run sls-x from that folder.`,
    });
  }
  if (!info.isFile()) {
    throw new SlsxError('CONFIG_UNREADABLE', `${configPath} is not a regular file.`, { hint: 'Pass a faas.yaml file.' });
  }
  return basename(file) === 'package.json' ? { file, prop: 'faas' } : { file };
}
