/**
 * The key-by-key reference of docs/faas-yaml.md, rendered from the JSON Schema (itself generated
 * from the zod schema), so the docs cannot drift from what validate accepts.
 */
type Json = Record<string, any>;

interface Row {
  key: string;
  type: string;
  default: string;
  description: string;
}

const MAX_INT = 9007199254740991;

export function renderReference(schema: Json): string {
  const sections: Array<{ title: string; rows: Row[] }> = [];
  walkObject(schema, '', sections);
  const out: string[] = [];
  for (const { title, rows } of sections) {
    out.push(`### \`${title || '(top level)'}\``, '', '| key | type | default | description |', '|---|---|---|---|');
    for (const r of rows) out.push(`| ${r.key} | ${r.type} | ${r.default} | ${r.description} |`);
    out.push('');
  }
  return out.join('\n');
}

function walkObject(schema: Json, title: string, sections: Array<{ title: string; rows: Row[] }>): void {
  const props: Json = schema.properties ?? {};
  const required = new Set<string>(schema.required ?? []);
  const rows: Row[] = [];
  const nested: Array<[string, Json]> = [];
  for (const [key, raw] of Object.entries(props)) {
    const prop = raw as Json;
    rows.push({
      key: `\`${key}\`${required.has(key) ? ' (required)' : ''}`,
      type: typeOf(prop),
      default: prop.default === undefined ? '' : `\`${typeof prop.default === 'string' ? prop.default : JSON.stringify(prop.default)}\``,
      description: escape(prop.description ?? ''),
    });
    for (const [suffix, child] of children(prop)) nested.push([`${title ? `${title}.` : ''}${key}${suffix}`, child]);
  }
  sections.push({ title, rows });
  for (const [childTitle, child] of nested) walkObject(child, childTitle, sections);
}

/** Object schemas reachable from a property, with the path suffix a reader writes. */
function children(prop: Json): Array<[string, Json]> {
  const out: Array<[string, Json]> = [];
  const visit = (s: Json, suffix: string): void => {
    if (s.anyOf) for (const o of s.anyOf) visit(o, suffix);
    else if (s.type === 'object' && s.properties) out.push([suffix, s]);
    else if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') visit(s.additionalProperties, `${suffix}.<name>`);
    else if (s.type === 'array' && s.items) visit(s.items, `${suffix}[]`);
  };
  visit(prop, '');
  return out;
}

function typeOf(s: Json): string {
  if (s.anyOf) return [...new Set((s.anyOf as Json[]).filter((o) => o.type !== 'null').map(typeOf))].join(' or ');
  if (s.enum) return (s.enum as unknown[]).filter((v) => typeof v !== 'string' || v === v.toUpperCase() || !(s.enum as unknown[]).includes(v.toUpperCase())).map((v) => `\`${String(v)}\``).join(' \\| ');
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'anything'}`;
  if (s.type === 'object') return s.properties ? 'mapping' : s.additionalProperties ? `map of ${typeOf(s.additionalProperties)}` : 'mapping';
  if (s.type === 'integer' || s.type === 'number') {
    const hi = s.maximum !== undefined && s.maximum !== MAX_INT ? s.maximum : undefined;
    const range = s.exclusiveMinimum !== undefined ? ` > ${s.exclusiveMinimum}` : s.minimum !== undefined && hi !== undefined ? ` ${s.minimum}-${hi}` : s.minimum !== undefined ? ` >= ${s.minimum}` : '';
    return `${s.type === 'integer' ? 'integer' : 'number'}${range}`;
  }
  if (s.type === 'string') return 'string';
  if (s.type === 'boolean') return 'boolean';
  return 'any';
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export const REFERENCE_START = '<!-- reference:start (generated from the schema by `npm run build`; do not edit) -->';
export const REFERENCE_END = '<!-- reference:end -->';

/** The doc with its generated section replaced. */
export function spliceReference(doc: string, reference: string): string {
  const start = doc.indexOf(REFERENCE_START);
  const end = doc.indexOf(REFERENCE_END);
  if (start === -1 || end === -1 || end < start) throw new Error('docs/faas-yaml.md lacks the reference markers');
  return `${doc.slice(0, start + REFERENCE_START.length)}\n\n${reference}\n${doc.slice(end)}`;
}
