import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Message } from 'esbuild';
import type { Diagnostic } from '../model/diagnostic.js';

/** How to show paths: relative to the user's cwd when inside it, else project-relative. */
export interface PathContext {
  root: string;
  cwd?: string;
}

export function displayPath(abs: string, ctx: PathContext): string {
  const base = ctx.cwd ?? ctx.root;
  const rel = relative(base, abs);
  const inside = rel && !rel.startsWith('..') && !isAbsolute(rel);
  return (inside ? rel : relative(ctx.root, abs) || abs).split(sep).join('/');
}

function codeFor(text: string): { code: string; hint?: string } {
  const unresolved = /^Could not resolve "([^"]+)"/.exec(text);
  if (unresolved) {
    const spec = unresolved[1];
    return spec.startsWith('.') || spec.startsWith('/')
      ? { code: 'unresolved-import', hint: 'Check the path and file extension of this import.' }
      : { code: 'unresolved-import', hint: `Install the package in the project (\`npm install ${spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]}\`) or fix the import.` };
  }
  if (/No loader is configured for "\.node" files/.test(text)) {
    return { code: 'native-module', hint: 'Native addons (.node) cannot be bundled; use a pure-JS alternative.' };
  }
  if (/^No matching export/.test(text)) return { code: 'missing-export', hint: 'Export the name you import, or import one that exists.' };
  if (/^(Expected|Unexpected|Unterminated|Syntax|The symbol)/.test(text)) return { code: 'syntax-error', hint: 'Fix the syntax at this position.' };
  return { code: 'bundle-error' };
}

/** One esbuild message as a Diagnostic with file:line:col (esbuild's column is 0-based). */
export function messageToDiagnostic(msg: Message, severity: 'error' | 'warning', ctx: PathContext): Diagnostic {
  const { code, hint } = codeFor(msg.text);
  const loc = msg.location;
  const note = msg.notes.find((n) => n.text)?.text;
  const d: Diagnostic = { severity, code, message: msg.text, hint: hint ?? note };
  if (loc) {
    // Virtual entries we generate have no file on disk: point at nothing rather than a fake path.
    if (!loc.namespace || loc.namespace === 'file') d.file = displayPath(resolve(ctx.root, loc.file), ctx);
    d.line = loc.line;
    d.col = loc.column + 1;
    d.lineText = loc.lineText;
  }
  return d;
}
