import { readFile } from 'node:fs/promises';

export interface ExportsResult {
  /** Export names, or undefined when they cannot be known without running the code. */
  exports?: string[];
  /** The file does not build (syntax error, unresolvable relative import). */
  error?: { message: string; file?: string; line?: number; col?: number };
}

/**
 * The names a handler file exports, found statically: esbuild (imported lazily) builds it in
 * memory with packages left external and reports the entry's exports in its metafile; no user
 * code runs. CommonJS files are scanned for `exports.name =` / `module.exports = { ... }`.
 */
export async function detectExports(file: string, root: string): Promise<ExportsResult> {
  const esbuild = await import('esbuild');
  let exports: string[];
  try {
    const result = await esbuild.build({
      entryPoints: [file],
      absWorkingDir: root,
      bundle: true,
      packages: 'external',
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outdir: 'out',
      logLevel: 'silent',
    });
    const output = Object.values(result.metafile!.outputs).find((o) => o.entryPoint);
    exports = output?.exports ?? [];
  } catch (err) {
    const first = (err as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } | null }> }).errors?.[0];
    if (!first) return { error: { message: (err as Error).message } };
    return { error: { message: first.text, ...(first.location ? { file: first.location.file, line: first.location.line, col: first.location.column + 1 } : {}) } };
  }
  if (exports.length > 1 || (exports.length === 1 && exports[0] !== 'default')) return { exports };
  const source = await readFile(file, 'utf8');
  if (!/\b(module\.)?exports\b/.test(source)) return { exports };
  return cjsExports(source, exports);
}

function cjsExports(source: string, esm: string[]): ExportsResult {
  const names = new Set(esm);
  for (const m of source.matchAll(/\b(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=/g)) names.add(m[1]!);
  for (const m of source.matchAll(/\bexports\[\s*['"]([^'"]+)['"]\s*\]\s*=/g)) names.add(m[1]!);
  const whole = /\bmodule\.exports\s*=\s*([^;]*)/.exec(source);
  if (whole) {
    const obj = /^\{([^{}]*)\}/.exec(whole[1]!.trim());
    // `module.exports = fn` or a computed object: the names cannot be known without running it.
    if (!obj) return {};
    for (const part of obj[1]!.split(',')) {
      const key = /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*(?:[:(]|$)/.exec(part);
      if (key) names.add(key[1]!);
      else if (part.trim().startsWith('...')) return {};
    }
  }
  return { exports: [...names] };
}
