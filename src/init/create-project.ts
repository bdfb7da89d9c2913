import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { SlsxError } from '../errors/slsx-error.js';
import { packageRoot, packageVersion } from '../paths.js';
import { serviceName } from './project-name.js';

export interface CreateProjectOptions {
  /** Folder to create the project in (absolute, or relative to cwd). */
  dir: string;
  cwd?: string;
  template: string;
  /** Service name; default: made from the folder name. */
  name?: string;
  /** Write into a non-empty folder (files with the same names are replaced, others kept). */
  force?: boolean;
  /** Where templates live; default: the package's templates/projects. */
  templatesDir?: string;
  /** The new project's `sls-x` dependency; default: `slsxDependency()`. */
  slsxDependency?: string;
}

export interface CreatedProject {
  dir: string;
  name: string;
  template: string;
  /** Project-relative POSIX paths written. */
  files: string[];
}

// npm leaves files named `.gitignore` out of published packages, so templates carry `gitignore`.
const RENAMES: Record<string, string> = { gitignore: '.gitignore' };

/**
 * What the new project's package.json asks npm for. Run from a checkout or a link: that folder,
 * as `file:` (a range would send `npm install` to the registry for a package it may not have).
 * Installed under a node_modules folder: the way the project that installed it asked for it, when
 * that is not a version range (a git URL, a tarball: sls-x is not on the npm registry; a relative
 * `file:` made absolute), else the version range.
 */
export function slsxDependency(root = packageRoot(), version = packageVersion()): string {
  const parts = root.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return `file:${root}`;
  const owner = parts.slice(0, at).join(sep) || sep;
  try {
    const pkg = JSON.parse(readFileSync(join(owner, 'package.json'), 'utf8')) as Record<string, Record<string, unknown> | undefined>;
    const spec = pkg.dependencies?.['sls-x'] ?? pkg.devDependencies?.['sls-x'] ?? pkg.optionalDependencies?.['sls-x'];
    if (typeof spec === 'string' && spec && !/^[\^~<>=]*\s*v?\d/.test(spec) && spec !== '*' && spec !== 'latest') {
      if (spec.startsWith('file:')) return `file:${resolve(owner, spec.slice('file:'.length))}`;
      // npm's shorthand for a local tarball or folder: a path
      if (/^(\.{1,2}[\\/]|[\\/])/.test(spec) || /\.(tgz|tar\.gz)$/.test(spec)) return `file:${resolve(owner, spec)}`;
      return spec;
    }
  } catch {
    // a global install (no package.json above it), or an unreadable one: the range
  }
  return `^${version}`;
}

export function defaultTemplatesDir(): string {
  return join(packageRoot(), 'templates', 'projects');
}

/** Names of the project templates (folders under templates/projects). */
export function listTemplates(templatesDir = defaultTemplatesDir()): string[] {
  if (!existsSync(templatesDir)) return [];
  return readdirSync(templatesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name), base) : [relative(base, join(dir, e.name)).split(sep).join('/')]))
    .sort();
}

/**
 * Write a new project from a template, with the service name and sls-x version filled in.
 * Every file is read and rendered before anything is written; a new folder is assembled in a
 * temporary sibling and renamed into place, so a failure leaves nothing half-made.
 */
export async function createProject(opts: CreateProjectOptions): Promise<CreatedProject> {
  const templatesDir = opts.templatesDir ?? defaultTemplatesDir();
  const templates = listTemplates(templatesDir);
  if (!templates.includes(opts.template)) {
    throw new SlsxError('USAGE', `Unknown template '${opts.template}'.`, { hint: `Use one of: ${templates.join(', ')}.` });
  }
  const dir = resolve(opts.cwd ?? process.cwd(), opts.dir);
  const name = serviceName(dir, opts.name);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) {
      throw new SlsxError('INIT_TARGET_EXISTS', `${opts.dir} exists and is not a folder.`, { hint: 'Choose another path for the new project.' });
    }
    const entries = readdirSync(dir);
    if (entries.length > 0 && !opts.force) {
      throw new SlsxError('INIT_TARGET_EXISTS', `Folder ${opts.dir} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}).`, {
        hint: 'Choose a new or empty folder, or pass --force to write into it (template files replace files of the same name).',
      });
    }
  }

  const source = join(templatesDir, opts.template);
  const version = packageVersion();
  // JSON-escaped: the only place it goes is a string in package.json (Windows paths have backslashes).
  const dependency = JSON.stringify(opts.slsxDependency ?? slsxDependency()).slice(1, -1);
  const rendered = walk(source).map((rel) => {
    const parts = rel.split('/');
    parts[parts.length - 1] = RENAMES[parts[parts.length - 1]] ?? parts[parts.length - 1];
    const text = readFileSync(join(source, rel), 'utf8').replaceAll('__SERVICE__', name).replaceAll('__SLSX_VERSION__', version).replaceAll('__SLSX_DEPENDENCY__', dependency);
    return { path: parts.join('/'), text };
  });

  const writeAll = async (into: string): Promise<void> => {
    for (const f of rendered) {
      const file = join(into, ...f.path.split('/'));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, f.text);
    }
  };
  if (existsSync(dir)) {
    await writeAll(dir);
  } else {
    await mkdir(dirname(dir), { recursive: true });
    const staging = await mkdtemp(join(dirname(dir), `.${basename(dir)}-init-`));
    try {
      await writeAll(staging);
      await rename(staging, dir);
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      throw err;
    }
  }
  return { dir, name, template: opts.template, files: rendered.map((f) => f.path).sort() };
}
