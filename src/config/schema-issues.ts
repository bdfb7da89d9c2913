import type { z } from 'zod';
import type { ConfigPath } from './positions.js';
import { didYouMean } from './did-you-mean.js';

/** One schema problem, before it gets a position. */
export interface SchemaProblem {
  code: 'unknown-key' | 'missing-key' | 'wrong-type' | 'invalid-value';
  path: ConfigPath;
  /** Point at the key (unknown/missing keys) or at the value. */
  part: 'key' | 'value';
  message: string;
  hint?: string;
}

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/** `functions.api.events[0].http` */
export function showPath(path: ConfigPath): string {
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join('') || '(top level)';
}

/** Turn zod issues into problems a user can act on: what, which key, and how to fix it. */
export function schemaProblems(issues: readonly Issue[], schema: AnySchema, data: unknown): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const add = (issue: Issue, prefix: ConfigPath): void => {
    const path = [...prefix, ...(issue.path as Array<string | number>)];
    const value = valueAt(data, path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeys(schema, path);
        for (const key of issue.keys) {
          const best = didYouMean(key, known);
          out.push({
            code: 'unknown-key',
            path: [...path, key],
            part: 'key',
            message: `Unknown key \`${key}\`${path.length ? ` in \`${showPath(path)}\`` : ''}.`,
            hint: best ? `Did you mean \`${best}\`?` : known.length ? `Allowed here: ${known.map((k) => `\`${k}\``).join(', ')}.` : 'Remove it.',
          });
        }
        return;
      }
      case 'invalid_union': {
        // Report the branch that matched the value's type (an object input -> the object form).
        const branches = issue.errors.filter((errs) => !errs.some((e) => e.code === 'invalid_type' && e.path.length === 0));
        // ...unless that branch is a plain value with a format (`10s`): the union's own message says it better.
        if (branches.length === 1 && branches[0]!.some((e) => e.path.length > 0)) {
          for (const e of branches[0]!) add(e, path);
          return;
        }
        // A union without its own message (zod's "Invalid input"): the one branch of the value's type says more.
        if (branches.length === 1 && issue.message === 'Invalid input') {
          for (const e of branches[0]!) add(e, path);
          return;
        }
        out.push({ code: branches.length === 1 ? 'invalid-value' : 'wrong-type', path, part: 'value', message: `\`${showPath(path)}\`: ${issue.message}${got(value)}.`, hint: FORM_HINT });
        return;
      }
      case 'invalid_type': {
        if (value === undefined) {
          const key = path[path.length - 1];
          out.push({
            code: 'missing-key',
            path,
            part: 'key',
            message: `Missing required key \`${String(key)}\`${path.length > 1 ? ` in \`${showPath(path.slice(0, -1))}\`` : ''}.`,
            hint: MISSING_HINTS[String(key)] ?? `Add \`${String(key)}:\`.`,
          });
          return;
        }
        out.push({ code: 'wrong-type', path, part: 'value', message: `\`${showPath(path)}\` must be ${article(issue.expected)}${got(value)}.`, hint: typeHint(issue.expected, path) });
        return;
      }
      case 'invalid_value': {
        const options = issue.values.map(String).filter((v) => v === v.toUpperCase() || !issue.values.includes(v.toUpperCase()));
        const best = typeof value === 'string' ? didYouMean(value, options) : undefined;
        out.push({
          code: 'invalid-value',
          path,
          part: 'value',
          message: `\`${showPath(path)}\` must be one of ${options.map((o) => `\`${o}\``).join(', ')}${got(value)}.`,
          hint: best ? `Did you mean \`${best}\`?` : `Write one of the values listed, exactly as shown.`,
        });
        return;
      }
      case 'too_small':
      case 'too_big': {
        const bound = issue.code === 'too_small' ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
        const what = issue.origin === 'array' ? `have ${bound} item(s)` : `be ${bound}`;
        out.push({ code: 'invalid-value', path, part: 'value', message: `\`${showPath(path)}\` must ${what}${got(value)}.`, hint: issue.origin === 'array' ? `Give it ${bound} item(s).` : `Use a value of ${bound}.` });
        return;
      }
      default:
        out.push({ code: 'invalid-value', path, part: 'value', message: `\`${showPath(path)}\`: ${issue.message}${got(value)}.`, hint: FORM_HINT });
    }
  };
  for (const issue of issues) add(issue, []);
  return out;
}

const MISSING_HINTS: Record<string, string> = {
  service: 'Name the service at the top: `service: my-service` (lowercase letters, digits, hyphens).',
  functions: 'Declare at least one function: `functions: { api: { handler: src/api.handler } }`.',
  handler: 'Point it at a source file and export: `handler: src/api.handler`.',
  path: 'Give the route a path, e.g. `path: /orders/{id}`.',
  name: 'Name the queue (declared under top-level `queues`).',
  bucket: 'Name the bucket (declared under top-level `buckets`).',
  expression: 'Give the schedule an expression: `cron(0 3 * * *)` or `rate(5 minutes)`.',
  requests: 'Give a rate: `requests: 10M/month`.',
  duration: 'Give the average duration: `duration: 120ms`.',
};

/** For values whose message already says which forms are accepted. */
const FORM_HINT = 'Rewrite the value in one of the forms the message names.';

/** How to write a value of the expected type, in YAML terms. */
function typeHint(expected: string, path: ConfigPath): string {
  const key = String(path[path.length - 1] ?? 'key');
  switch (expected) {
    case 'string':
      return `Write text; quote it when it looks like a number or true/false: \`${key}: "42"\`.`;
    case 'object':
    case 'record':
      return `Write \`${key}:\` followed by indented \`name: value\` lines, or \`${key}: { name: value }\`.`;
    case 'array':
      return `Write a list: \`- item\` lines indented under \`${key}:\`, or \`${key}: [a, b]\`.`;
    case 'number':
    case 'int':
      return 'Write a plain number, without quotes or units.';
    case 'boolean':
      return 'Write `true` or `false`, without quotes.';
    default:
      return FORM_HINT;
  }
}

function article(expected: string): string {
  const names: Record<string, string> = { object: 'a mapping (`key: value` lines)', record: 'a mapping (`name: value` lines)', array: 'a list (`- item` lines or `[a, b]`)', string: 'a string', number: 'a number', boolean: '`true` or `false`', int: 'a whole number' };
  return names[expected] ?? expected;
}

/** `, got "abc"` / `, got a list` — never the whole value (it could be long, or a secret). */
function got(value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return ', got nothing (null)';
  if (Array.isArray(value)) return ', got a list';
  if (typeof value === 'object') return ', got a mapping';
  if (typeof value === 'string') return value.length > 40 ? ', got a string' : `, got "${value}"`;
  return `, got ${String(value)}`;
}

export function valueAt(data: unknown, path: ConfigPath): unknown {
  let cur: unknown = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

type Def = { type: string; shape?: Record<string, AnySchema>; valueType?: AnySchema; element?: AnySchema; innerType?: AnySchema; options?: AnySchema[] };
const defOf = (s: AnySchema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The keys an object at `path` may have, read from the schema itself (for "did you mean"). */
export function knownKeys(schema: AnySchema, path: ConfigPath): string[] {
  let cur: AnySchema | undefined = schema;
  for (const seg of [...path, undefined]) {
    // unwrap wrappers and pick the object form of unions
    for (let i = 0; cur && i < 10; i++) {
      const def = defOf(cur);
      if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') cur = def.innerType;
      else if (def.type === 'union') cur = def.options!.find((o) => ['object', 'record', 'array'].includes(defOf(o).type));
      else break;
    }
    if (!cur) return [];
    if (seg === undefined) break;
    const def = defOf(cur);
    if (def.type === 'object') cur = def.shape![String(seg)];
    else if (def.type === 'record') cur = def.valueType;
    else if (def.type === 'array') cur = def.element;
    else return [];
  }
  const def = cur ? defOf(cur) : undefined;
  return def?.type === 'object' ? Object.keys(def.shape!) : [];
}
