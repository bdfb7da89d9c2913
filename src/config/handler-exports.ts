import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ExportsResult {
  /** Export names, or undefined when they cannot be known without running the code. */
  exports?: string[];
  /** The file does not build (syntax error, unresolvable relative import). */
  error?: { message: string; file?: string; line?: number; col?: number };
  /** The project files it imports (itself included), project-relative: what gets bundled of it. */
  inputs?: string[];
}

/**
 * The names a handler file exports, found statically: esbuild (imported lazily) builds it in
 * memory with packages left external and reports the entry's exports in its metafile; no user
 * code runs. CommonJS files are scanned for `exports.name =` / `module.exports = { ... }`.
 */
export async function detectExports(file: string, root: string): Promise<ExportsResult> {
  const esbuild = await import('esbuild');
  let exports: string[];
  let inputs: string[] = [];
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
    inputs = Object.keys(result.metafile!.inputs).filter((f) => !f.includes('node_modules'));
  } catch (err) {
    const first = (err as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } | null }> }).errors?.[0];
    if (!first) return { error: { message: (err as Error).message } };
    return { error: { message: first.text, ...(first.location ? { file: first.location.file, line: first.location.line, col: first.location.column + 1 } : {}) } };
  }
  if (exports.length > 1 || (exports.length === 1 && exports[0] !== 'default')) return { exports, inputs };
  const source = await readFile(file, 'utf8');
  if (!/\b(module\.)?exports\b/.test(source)) return { exports, inputs };
  return { ...cjsExports(source, exports), inputs };
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

/** A `queue('name')` or `bucket('name')` call of the sls-x/runtime clients, where it is written. */
export interface ClientUse {
  kind: 'queue' | 'bucket';
  name: string;
  file: string;
  line: number;
  col: number;
}

/**
 * The queue and bucket client calls in some project files, found statically: only in files that
 * import `queue` / `bucket` from `sls-x/runtime` (under any alias), and only with a literal
 * name. A name built at run time is not seen here; the client still refuses it at run time.
 */
export async function findClientUses(files: string[], root: string): Promise<ClientUse[]> {
  const out: ClientUse[] = [];
  for (const file of files) {
    const source = await readFile(join(root, file), 'utf8').catch(() => '');
    const aliases = new Map<string, 'queue' | 'bucket'>();
    for (const imp of source.matchAll(/import\s*(?:type\s+)?\{([^}]*)\}\s*from\s*['"]sls-x\/runtime['"]/g)) {
      for (const part of imp[1]!.split(',')) {
        const m = /^\s*(queue|bucket)(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*$/.exec(part);
        if (m) aliases.set(m[2] ?? m[1]!, m[1] as 'queue' | 'bucket');
      }
    }
    if (aliases.size === 0) continue;
    const names = [...aliases.keys()].map((a) => a.replace(/\$/g, '\\$')).join('|');
    const call = new RegExp(`(?<![\\w$.])(${names})\\(\\s*(['"\`])([^'"\`$\\\\]+)\\2\\s*\\)`, 'g');
    for (const m of source.matchAll(call)) {
      const before = source.slice(0, m.index);
      const line = before.split('\n').length;
      const col = m.index! - before.lastIndexOf('\n');
      out.push({ kind: aliases.get(m[1]!)!, name: m[3]!, file, line, col });
    }
  }
  return out;
}
