import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ExportsResult {
  /** Export names, or undefined when they cannot be known without running the code. */
  exports?: string[];
  /** The file does not build (syntax error, unresolvable relative import). */
  error?: { message: string; file?: string; line?: number; col?: number };
  /** The project files it imports (itself included), project-relative: what gets bundled of it. */
  inputs?: string[];
  /**
   * What some exports are, when the code says so without running it: `object`, `string`,
   * `number`, `boolean`, `bigint`, `null`, `undefined` or `function` (see {@link exportKinds}).
   * An export missing here is one only running the code could tell.
   */
  kinds?: Record<string, string>;
}

/** esbuild loaders by file extension (`build.loader` of faas.yaml). */
export type LoaderMap = Record<string, string>;

type EsbuildMessage = { text: string; location?: { file: string; line: number; column: number } | null };

const firstError = (err: unknown): ExportsResult['error'] => {
  const first = (err as { errors?: EsbuildMessage[] }).errors?.[0];
  if (!first) return { message: (err as Error).message };
  return { message: first.text, ...(first.location ? { file: first.location.file, line: first.location.line, col: first.location.column + 1 } : {}) };
};

/**
 * The names each handler file exports, found statically and for all files at once: ONE esbuild
 * build (imported lazily) in memory with packages left external, every file an entry; the
 * metafile gives each entry's exports and, through its import graph, the project files it
 * bundles; the (unminified) output says what an export is when it is a plain literal (see
 * {@link exportKinds}). No user code runs. CommonJS files are scanned for `exports.name =` /
 * `module.exports = { ... }`. When the build fails, each file is built on its own, so every error
 * is reported against the handlers it breaks (only then: a broken build is rare and not timed).
 */
export async function detectHandlerExports(files: string[], root: string, loader: LoaderMap = {}): Promise<Map<string, ExportsResult>> {
  const unique = [...new Set(files)].sort();
  const out = new Map<string, ExportsResult>();
  if (unique.length === 0) return out;
  const { build } = await import('esbuild');
  let result: Awaited<ReturnType<typeof detectBuild>>;
  try {
    result = await detectBuild(build, unique, root, loader);
  } catch (err) {
    if (unique.length === 1) {
      out.set(unique[0]!, { error: firstError(err) });
      return out;
    }
    const each = await Promise.all(unique.map((f) => detectHandlerExports([f], root, loader)));
    for (const m of each) for (const [f, r] of m) out.set(f, r);
    return out;
  }
  const { metafile, outputFiles } = result;
  const texts = new Map(outputFiles.map((o) => [o.path.split(/[\\/]/).pop()!, o.text]));
  for (const [outPath, output] of Object.entries(metafile.outputs)) {
    if (!output.entryPoint) continue;
    const i = Number(/e(\d+)\.js$/.exec(outPath)?.[1]);
    const file = unique[i];
    if (file === undefined) continue;
    const text = texts.get(`e${i}.js`) ?? '';
    const cjs = metafile.inputs[output.entryPoint]?.format === 'cjs';
    const inputs = reachable(metafile.inputs, output.entryPoint);
    let r: ExportsResult = { exports: output.exports, inputs };
    if (!(output.exports.length > 1 || (output.exports.length === 1 && output.exports[0] !== 'default'))) {
      const source = await readFile(file, 'utf8');
      if (/\b(module\.)?exports\b/.test(source)) r = { ...cjsExports(source, output.exports), inputs };
    }
    out.set(file, { ...r, kinds: exportKinds(text, r.exports ?? [], cjs) });
  }
  for (const f of unique) if (!out.has(f)) out.set(f, { exports: [], inputs: [] });
  return out;
}

function detectBuild(build: typeof import('esbuild').build, files: string[], root: string, loader: LoaderMap) {
  return build({
    entryPoints: files.map((f, i) => ({ in: f, out: `e${i}` })),
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
    loader: loader as Record<string, import('esbuild').Loader>,
  });
}

/** The project files an entry bundles (itself included): its import graph in the metafile, without node_modules. */
function reachable(inputs: import('esbuild').Metafile['inputs'], entry: string): string[] {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length) {
    for (const imp of inputs[queue.pop()!]?.imports ?? []) {
      if (imp.external || seen.has(imp.path) || !(imp.path in inputs)) continue;
      seen.add(imp.path);
      queue.push(imp.path);
    }
  }
  return [...seen].filter((f) => !f.includes('node_modules'));
}

/** The names a single handler file exports (see {@link detectHandlerExports}). */
export async function detectExports(file: string, root: string, loader: LoaderMap = {}): Promise<ExportsResult> {
  return (await detectHandlerExports([file], root, loader)).get(file)!;
}

/**
 * What some exports of a module are, read from esbuild's unminified ESM output of it, without
 * running it: a name is classified only when its one top-level binding is a function declaration
 * or class (`function`), or is initialized to a plain literal and never assigned again (`{...}`,
 * `[...]`, a string, number, bigint, `true`/`false`, `null`, `void 0`). Anything computed
 * (`wrap(fn)`, an identifier, `new X()`) is left out: only running it could tell, and the shim
 * checks it when the function starts (`assertHandler`). A CommonJS entry is read the same way for
 * its one `exports.name = <literal>` assignment.
 */
export function exportKinds(output: string, names: string[], cjs: boolean): Record<string, string> {
  const kinds: Record<string, string> = {};
  const esc = (s: string): string => s.replace(/[$]/g, '\\$');
  if (cjs) {
    if (/\bmodule\.exports\s*=(?!=)/.test(output)) return kinds;
    for (const name of names) {
      const re = new RegExp(`^([ \\t]*)(?:module\\.)?exports\\.${esc(name)}\\s*=(?![=>])\\s*`, 'gm');
      const all = [...output.matchAll(re)];
      const other = new RegExp(`\\bexports\\s*\\[|(?<![\\w$])exports\\.${esc(name)}\\s*(?:[-+*/%&|^]|\\?\\?|&&|\\|\\|)?=(?![=>])`, 'g');
      if (all.length !== 1 || [...output.matchAll(other)].length !== 1) continue;
      const kind = literalKind(output, all[0]!.index! + all[0]![0].length, all[0]![1]!);
      if (kind) kinds[name] = kind;
    }
    return kinds;
  }
  const list = /^export \{\n([^}]*)\n\};?$/m.exec(output);
  if (!list) return kinds;
  const local = new Map<string, string>();
  for (const part of list[1]!.split(',')) {
    const m = /^\s*([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*|"[^"]*"))?\s*$/.exec(part);
    if (m) local.set(m[2] ?? m[1]!, m[1]!);
  }
  for (const name of names) {
    const id = local.get(name);
    if (!id) continue;
    const e = esc(id);
    if (new RegExp(`^(?:async )?function\\*? ${e}\\(|^var ${e} = class\\b|^class ${e}\\b`, 'm').test(output)) {
      kinds[name] = 'function';
      continue;
    }
    const decl = [...output.matchAll(new RegExp(`^var ${e} = `, 'gm'))];
    // Assigned anywhere else (`x = ...`, `x += ...`): what it ends up as needs running it.
    const writes = [...output.matchAll(new RegExp(`(?<![\\w$.])${e}\\s*(?:[-+*/%&|^]|\\*\\*|<<|>>>?|\\?\\?|&&|\\|\\|)?=(?![=>])|(?:\\+\\+|--)${e}(?![\\w$])|(?<![\\w$.])${e}(?:\\+\\+|--)`, 'g'))];
    if (decl.length !== 1 || writes.length !== 1) continue;
    const kind = literalKind(output, decl[0]!.index! + decl[0]![0].length, '');
    if (kind) kinds[name] = kind;
  }
  return kinds;
}

/**
 * The type of the expression starting at `at`, when it is one whole literal ending its statement
 * (`;` and the end of the line); undefined otherwise. `indent` is the statement's indentation.
 */
function literalKind(text: string, at: number, indent: string): string | undefined {
  const eol = text.indexOf('\n', at);
  const line = text.slice(at, eol < 0 ? undefined : eol);
  if (/^function\b|^async (?:function\b|\(|[A-Za-z_$][\w$]* =>)|^class\b|^\([^()]*\) =>|^[A-Za-z_$][\w$]* =>/.test(line)) return 'function';
  const simple: Array<[RegExp, string]> = [
    [/^"(?:[^"\\]|\\.)*";$/, 'string'],
    [/^'(?:[^'\\]|\\.)*';$/, 'string'],
    [/^`[^`$\\]*(?:\\.[^`$\\]*)*`;$/, 'string'],
    [/^-?(?:\d[\d_]*(?:\.[\d_]*)?(?:[eE][+-]?\d+)?|\.\d+|0[xXoObB][\da-fA-F_]+);$/, 'number'],
    [/^-?\d[\d_]*n;$/, 'bigint'],
    [/^(?:true|false);$/, 'boolean'],
    [/^null;$/, 'null'],
    [/^void 0;$/, 'undefined'],
  ];
  for (const [re, kind] of simple) if (re.test(line)) return kind;
  if (line[0] !== '{' && line[0] !== '[') return undefined;
  const end = closing(text, at);
  if (end < 0) return undefined;
  // The literal must be the whole expression: `{...};` at the end of its line, nothing after.
  const rest = text.slice(end + 1, text.indexOf('\n', end) < 0 ? undefined : text.indexOf('\n', end));
  if (rest !== ';') return undefined;
  // A multi-line literal closes at the statement's own indentation (esbuild indents what is inside).
  const lineStart = text.lastIndexOf('\n', end) + 1;
  if (lineStart > at && text.slice(lineStart, end) !== indent) return undefined;
  return 'object';
}

/** Index of the bracket closing the one at `at`, skipping strings; -1 when unsure. */
function closing(text: string, at: number): number {
  const stack: string[] = [];
  for (let i = at; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < text.length && text[i] !== c; i++) {
        if (text[i] === '\\') i++;
        else if (c === '`' && text[i] === '$' && text[i + 1] === '{') return -1;
        else if (c !== '`' && text[i] === '\n') return -1;
      }
      continue;
    }
    if (c === '/' ) return -1; // a regular expression or a comment: not a plain literal to read here
    if (c === '{' || c === '[' || c === '(') stack.push(c === '{' ? '}' : c === '[' ? ']' : ')');
    else if (c === '}' || c === ']' || c === ')') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
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

/** A `queue('name')`, `bucket('name')` or `table('name')` call of the sls-x/runtime clients, where it is written. */
export interface ClientUse {
  kind: 'queue' | 'bucket' | 'table';
  name: string;
  file: string;
  line: number;
  col: number;
}

/**
 * The queue and bucket client calls in some project files, found statically: only in files that
 * import `queue` / `bucket` from `sls-x/runtime` (under any alias), and only with a literal
 * name. A name built at run time is not seen here; the client still refuses it at run time.
 * `read` lets a caller share one read of a file that many handlers import.
 */
export async function findClientUses(files: string[], root: string, read: (file: string) => Promise<string> = (f) => readFile(join(root, f), 'utf8')): Promise<ClientUse[]> {
  const out: ClientUse[] = [];
  for (const file of files) {
    const source = await read(file).catch(() => '');
    const aliases = new Map<string, ClientUse['kind']>();
    for (const imp of source.matchAll(/import\s*(?:type\s+)?\{([^}]*)\}\s*from\s*['"]sls-x\/runtime['"]/g)) {
      for (const part of imp[1]!.split(',')) {
        const m = /^\s*(queue|bucket|table)(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*$/.exec(part);
        if (m) aliases.set(m[2] ?? m[1]!, m[1] as ClientUse['kind']);
      }
    }
    if (aliases.size === 0) continue;
    const names = [...aliases.keys()].map((a) => a.replace(/\$/g, '\\$')).join('|');
    // An optional type argument: `table<Todo>('todos')`.
    const call = new RegExp(`(?<![\\w$.])(${names})(?:<[^>()]*>)?\\(\\s*(['"\`])([^'"\`$\\\\]+)\\2\\s*\\)`, 'g');
    for (const m of source.matchAll(call)) {
      const before = source.slice(0, m.index);
      const line = before.split('\n').length;
      const col = m.index! - before.lastIndexOf('\n');
      out.push({ kind: aliases.get(m[1]!)!, name: m[3]!, file, line, col });
    }
  }
  return out;
}
