import { LineCounter, parseDocument, type Document } from 'yaml';
import type { Diagnostic } from '../model/diagnostic.js';
import { SourcePositions } from './positions.js';

export interface ParsedSource {
  doc: Document.Parsed;
  positions: SourcePositions;
  /** YAML syntax errors, each with its position. */
  errors: Diagnostic[];
}

const HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'Each key may appear once per mapping: remove or merge the duplicate.',
  MULTIPLE_DOCS: 'A faas.yaml holds one document: remove the `---` separator and what follows, or merge them.',
  TAB_AS_INDENT: 'YAML indents with spaces, not tabs.',
  BAD_INDENT: 'Check the indentation: nested keys need more spaces than their parent, siblings the same.',
  MISSING_CHAR: 'A bracket or quote is not closed.',
  BLOCK_AS_IMPLICIT_KEY: 'A `key: value` line is probably missing its colon or is indented wrongly.',
  MULTILINE_IMPLICIT_KEY: 'A key must fit on one line: check for a missing colon or quote above.',
  UNEXPECTED_TOKEN: 'Check the line for a stray character, or quote the value.',
};

/** `{ path: /orders/{id} }`: braces end a flow mapping, so a path parameter there must be quoted. */
const FLOW_PARAM = /\{[^}]*:\s*[^"'\s]*\/\{/;
const FLOW_PARAM_HINT = 'Inside `{ ... }` a `{` or `}` ends the mapping: quote the path, `path: "/orders/{id}"`, or write `http: GET /orders/{id}`.';

/**
 * Parse YAML (JSON is YAML) keeping positions. `base` is the path of the config inside the
 * document (`['faas']` for package.json).
 */
export function parseSource(text: string, file: string, base: ReadonlyArray<string> = []): ParsedSource {
  const lineCounter = new LineCounter();
  text = protectReferences(text);
  // uniqueKeys: a duplicated key silently dropping the first value would be a silent change.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  const positions = new SourcePositions(doc, lineCounter, restoreReferences(text), base);
  // After the first error on a line the parser mostly reports knock-on errors: keep one per line, at most 3.
  const lines = new Set<number>();
  const errors: Diagnostic[] = [];
  for (const e of doc.errors) {
    const place = positions.atOffset(e.pos[0]);
    if (lines.has(place.line) || lines.size >= 3) continue;
    lines.add(place.line);
    // The parser recurses per nesting level; a document nested hundreds deep overflows the stack.
    if (/Maximum call stack/.test(e.message)) {
      errors.push({ severity: 'error', code: 'yaml-syntax', message: 'The document is nested too deeply to read.', hint: 'A faas.yaml needs a handful of levels: check that this is the right file, or flatten the nested lists and mappings.', file, ...place });
      continue;
    }
    errors.push({
      severity: 'error',
      code: 'yaml-syntax',
      message: `YAML syntax error: ${restoreReferences(e.message.split('\n')[0]!)}`,
      hint: FLOW_PARAM.test(place.lineText) ? FLOW_PARAM_HINT : (HINTS[e.code] ?? 'Fix the YAML syntax at this position.'),
      file,
      ...place,
    });
  }
  return { doc, positions, errors };
}

/** Stand-ins for the braces of `${...}`: one UTF-16 unit each, so every offset stays the same. */
const OPEN = '\uE000';
const CLOSE = '\uE001';
/** `${env:A, default}` inside `{ ... }`: its comma must not end the mapping entry. */
const COMMA = '\uE002';

/**
 * `{ TABLE: orders-${stage} }` is not valid YAML as written (braces end a flow mapping), yet it is
 * what everyone writes. Before parsing, the braces of each `${...}` become private-use characters
 * of the same length; interpolate.ts turns them back. Positions are unchanged.
 */
export function protectReferences(text: string): string {
  return text
    .replace(/\$\{([^{}\n]*)\}/g, (_m, inner: string) => `$${OPEN}${inner.replace(/,/g, COMMA)}${CLOSE}`)
    // and HTTP path parameters: `{ path: /orders/{id} }`
    .replace(/\/\{([A-Za-z_][A-Za-z0-9_]*\+?)\}/g, (_m, inner: string) => `/${OPEN}${inner}${CLOSE}`);
}

export function restoreReferences(text: string): string {
  return text.includes(OPEN) ? text.replace(/([$/])\uE000([^\uE001\n]*)\uE001/g, (_m, lead: string, inner: string) => `${lead}{${inner.replace(/\uE002/g, ',')}}`) : text;
}
