import { isAbsolute, relative, resolve, sep } from 'node:path';

const posix = (p: string): string => p.split(sep).join('/');

function under(base: string, abs: string): string | undefined {
  const rel = relative(base, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? posix(rel) : undefined;
}

/**
 * Rewrite a source map's `sources` so they say nothing about the build machine: project files
 * become project-relative (`src/api.ts`, shown as `/var/task/src/api.ts` in a cloud stack trace),
 * sls-x's own files `sls-x/<path>`, anything else its path from the nearest node_modules.
 */
export function rewriteSourceMap(mapText: string, mapDir: string, root: string, slsxRoot: string): string {
  const map = JSON.parse(mapText) as { sources?: string[]; sourceRoot?: string };
  map.sources = (map.sources ?? []).map((src) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(src) && !/^[a-z]:[\\/]/i.test(src)) return src; // virtual (slsx-entry:api)
    const abs = resolve(mapDir, src);
    const inPkg = under(slsxRoot, abs);
    const inRoot = under(root, abs);
    // Check the sls-x package first: it may live inside the project (node_modules/sls-x).
    if (inPkg !== undefined && !inPkg.startsWith('node_modules/')) return `sls-x/${inPkg}`;
    if (inRoot !== undefined) return inRoot;
    const nm = posix(abs).lastIndexOf('/node_modules/');
    return nm >= 0 ? posix(abs).slice(nm + 1) : `external/${posix(abs).split('/').pop()}`;
  });
  delete map.sourceRoot;
  return JSON.stringify(map);
}
