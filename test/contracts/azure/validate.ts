/**
 * A small, hand-written validator of Azure Resource Manager requests against Microsoft's
 * published OpenAPI (Swagger 2.0) definitions, vendored as trimmed extracts under ./specs (see
 * specs/SOURCE.md). No dependencies: it resolves local and relative-file `$ref`s, `allOf`,
 * `properties`, `required`, `type`, `enum`, `pattern`, lengths and bounds, `additionalProperties`,
 * arrays and `discriminator` / `x-ms-discriminator-value` polymorphism. It is strict where a
 * client mistake hides: an unknown property is an error unless the schema allows additional
 * properties, a `readOnly` property sent by the client is an error, and so is a value outside an
 * `enum` even when the enum is marked extensible (`x-ms-enum.modelAsString`), because a value
 * the spec does not list is far more often a typo than a new service feature.
 *
 * For each request it checks that the path matches a path template of the spec file whose
 * `info.version` is the request's api-version, that the method is defined there, that every query
 * parameter is declared (and required ones are present), that path parameters meet their
 * constraints, and that the JSON body validates against the operation's body parameter schema.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One recorded request (the shape test/azure/support/fake-arm.ts records). */
export interface ArmRequest {
  method: string;
  host?: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
}

export interface ValidationResult {
  /** `file#operationId` of the operation the request was matched to, when one was. */
  operation?: string;
  errors: string[];
}

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Node {
  schema: Json;
  file: string;
  /** Definition name when the node is `#/definitions/<name>` of `file`. */
  name?: string;
}
interface Operation {
  file: string;
  version: string;
  template: string;
  regex: RegExp;
  params: string[];
  /** Count of literal characters: a more specific template wins over a generic `{scope}` one. */
  specificity: number;
  method: string;
  op: Json;
  pathParams: Json[];
}

const HERE = dirname(fileURLToPath(import.meta.url));
export const SPECS_DIR = join(HERE, 'specs');
const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head'];

export class ArmContract {
  private readonly docs = new Map<string, Json>();
  private readonly operations: Operation[] = [];

  constructor(readonly root = SPECS_DIR) {
    for (const file of walk(root)) this.docs.set(file, JSON.parse(readFileSync(file, 'utf8')));
    for (const [file, doc] of this.docs) {
      for (const [template, item] of Object.entries<Json>(doc.paths ?? {})) {
        for (const method of METHODS) {
          const op = item[method];
          if (!op) continue;
          const pathParams = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: Json) => this.param(file, p).schema).filter((p: Json) => p.in === 'path');
          const { regex, params } = compile(template, pathParams);
          this.operations.push({ file, version: String(doc.info?.version ?? ''), template, regex, params, specificity: template.replace(/\{[^}]+\}/g, '').length, method, op, pathParams });
        }
      }
    }
  }

  /** Spec files, relative to the specs root, with the api-version they describe. */
  files(): Array<{ file: string; version: string; operations: number }> {
    return [...this.docs.entries()]
      .filter(([, doc]) => Object.keys(doc.paths ?? {}).length > 0)
      .map(([file, doc]) => ({ file: relative(this.root, file), version: String(doc.info.version), operations: this.operations.filter((o) => o.file === file).length }));
  }

  validate(req: ArmRequest): ValidationResult {
    const errors: string[] = [];
    const method = req.method.toLowerCase();
    const version = req.query['api-version'];
    const matches = this.operations.filter((o) => o.regex.test(req.path));
    if (matches.length === 0) return { errors: [`no path template in the vendored specs matches ${req.path}`] };
    const byMethod = matches.filter((o) => o.method === method);
    if (byMethod.length === 0) return { errors: [`${req.method} is not defined for ${matches[0].template} (defines: ${[...new Set(matches.map((o) => o.method.toUpperCase()))].join(', ')})`] };
    if (!version) return { errors: ['no api-version query parameter'] };
    const candidates = byMethod.filter((o) => o.version === version).sort((a, b) => b.specificity - a.specificity);
    if (candidates.length === 0) {
      const known = [...new Set(byMethod.map((o) => `${o.version} (${relative(this.root, o.file)})`))].join(', ');
      return { errors: [`api-version ${version} is not described for ${req.method} ${byMethod[0].template}; the vendored spec has ${known}`] };
    }
    const o = candidates[0];
    const operation = `${relative(this.root, o.file)}#${o.op.operationId}`;
    const params = [...(o.op.parameters ?? [])].map((p: Json) => this.param(o.file, p));

    // Path parameters: the values the template captured, against their constraints.
    const m = o.regex.exec(req.path)!;
    o.params.forEach((name, i) => {
      const p = o.pathParams.find((x: Json) => x.name === name);
      if (p) errors.push(...checkScalar(decodeURIComponent(m[i + 1]), p, `path parameter ${name}`));
    });

    // Query parameters: every one sent must be declared; declared required ones must be sent.
    const query = params.filter((p) => p.schema.in === 'query').map((p) => p.schema);
    for (const [k, v] of Object.entries(req.query)) {
      const p = query.find((q: Json) => q.name === k);
      if (!p) errors.push(`query parameter ${k} is not declared by ${o.op.operationId}`);
      else errors.push(...checkScalar(v, p, `query parameter ${k}`));
    }
    for (const p of query) if (p.required && req.query[p.name] === undefined) errors.push(`required query parameter ${p.name} is missing`);

    // Body.
    const body = params.find((p) => p.schema.in === 'body');
    if (!body) {
      if (req.body !== undefined && !isEmptyObject(req.body)) errors.push(`${o.op.operationId} takes no request body, but one was sent`);
    } else if (req.body === undefined) {
      if (body.schema.required) errors.push(`${o.op.operationId} requires a body (${body.schema.name})`);
    } else {
      errors.push(...this.check(req.body, { schema: body.schema.schema, file: body.file }, '$', method));
    }
    return { operation, errors };
  }

  /** Resolve a parameter (inline or `$ref`) to its definition and the file it lives in. */
  private param(file: string, p: Json): Node {
    return p.$ref ? this.deref(file, p.$ref) : { schema: p, file };
  }

  private deref(file: string, ref: string): Node {
    const [target, pointer = ''] = ref.split('#');
    const targetFile = target ? resolve(dirname(file), target) : file;
    const doc = this.docs.get(targetFile);
    if (!doc) throw new Error(`$ref ${ref} in ${relative(this.root, file)}: ${relative(this.root, targetFile)} is not vendored`);
    let cur: Json = doc;
    const segs = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    for (const s of segs) cur = cur?.[s];
    if (cur === undefined) throw new Error(`$ref ${ref} in ${relative(this.root, file)} does not resolve`);
    return { schema: cur, file: targetFile, name: segs[0] === 'definitions' && segs.length === 2 ? segs[1] : undefined };
  }

  /** Follow `$ref` chains; sibling keywords next to a `$ref` (readOnly, x-ms-mutability) are kept. */
  private resolveNode(node: Node): Node & { siblings: Json } {
    let cur = node;
    let siblings: Json = {};
    for (let i = 0; cur.schema?.$ref && i < 32; i++) {
      const { $ref, ...rest } = cur.schema;
      siblings = { ...rest, ...siblings };
      cur = this.deref(cur.file, $ref);
    }
    return { ...cur, siblings };
  }

  /** The object view of a schema: own and `allOf`-inherited properties, required names, discriminator. */
  private flatten(node: Node, seen = new Set<string>()): { properties: Map<string, Node>; required: Set<string>; additional?: Node | true; discriminator?: { name: string; base: Node } } {
    const r = this.resolveNode(node);
    const key = `${r.file}#${r.name ?? JSON.stringify(r.schema).slice(0, 200)}`;
    const out = { properties: new Map<string, Node>(), required: new Set<string>(), additional: undefined as Node | true | undefined, discriminator: undefined as { name: string; base: Node } | undefined };
    if (seen.has(key)) return out;
    seen.add(key);
    for (const parent of r.schema.allOf ?? []) {
      const p = this.flatten({ schema: parent, file: r.file }, seen);
      for (const [k, v] of p.properties) out.properties.set(k, v);
      for (const k of p.required) out.required.add(k);
      out.additional ??= p.additional;
      out.discriminator ??= p.discriminator;
    }
    for (const [k, v] of Object.entries<Json>(r.schema.properties ?? {})) out.properties.set(k, { schema: v, file: r.file });
    for (const k of r.schema.required ?? []) out.required.add(k);
    if (r.schema.additionalProperties !== undefined && r.schema.additionalProperties !== false) {
      out.additional = r.schema.additionalProperties === true ? true : { schema: r.schema.additionalProperties, file: r.file };
    }
    if (r.schema.discriminator) out.discriminator = { name: r.schema.discriminator, base: r };
    return out;
  }

  /** The definition in the base's file that extends it with `x-ms-discriminator-value` (or name) `value`. */
  private subtype(base: Node, value: string): Node | undefined {
    if (!base.name) return undefined;
    const doc = this.docs.get(base.file);
    for (const [name, def] of Object.entries<Json>(doc?.definitions ?? {})) {
      const extendsBase = (def.allOf ?? []).some((a: Json) => a.$ref === `#/definitions/${base.name}`);
      if (extendsBase && (def['x-ms-discriminator-value'] ?? name) === value) return { schema: def, file: base.file, name };
    }
    return undefined;
  }

  private check(value: unknown, node: Node, at: string, method: string): string[] {
    const r = this.resolveNode(node);
    const s = r.schema;
    const errors: string[] = [];
    if (value === null) return s['x-nullable'] || r.siblings['x-nullable'] ? [] : [`${at}: null is not allowed`];
    const type = s.type ?? (s.properties || s.allOf || s.additionalProperties ? 'object' : undefined);
    if (type && !hasType(value, type)) return [`${at}: expected ${type}, got ${describe(value)}`];
    if (s.enum && !s.enum.includes(value)) errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`);
    if (typeof value === 'string' || typeof value === 'number') errors.push(...checkScalar(value, s, at, false));
    if (type === 'array' && Array.isArray(value)) value.forEach((v, i) => errors.push(...this.check(v, { schema: s.items ?? {}, file: r.file }, `${at}[${i}]`, method)));
    // `type: object` with no properties, allOf or additionalProperties is a free-form object.
    const freeForm = !s.properties && !s.allOf && s.additionalProperties === undefined;
    if (type === 'object' && isObject(value) && !freeForm) {
      let view = this.flatten(r);
      let file = r.file;
      if (view.discriminator) {
        const d = (value as Record<string, unknown>)[view.discriminator.name];
        const sub = typeof d === 'string' ? this.subtype(view.discriminator.base, d) : undefined;
        if (sub && sub.name !== r.name) {
          view = this.flatten(sub);
          file = sub.file;
        }
      }
      for (const k of view.required) if ((value as Record<string, unknown>)[k] === undefined) errors.push(`${at}: required property ${k} is missing`);
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined) continue;
        const prop = view.properties.get(k);
        if (!prop) {
          if (view.additional === true) continue;
          if (view.additional) errors.push(...this.check(v, view.additional, `${at}.${k}`, method));
          else errors.push(`${at}.${k}: unknown property (not in ${r.name ?? 'the schema'} of ${relative(this.root, file)})`);
          continue;
        }
        const pr = this.resolveNode(prop);
        const readOnly = prop.schema.readOnly ?? pr.siblings.readOnly ?? pr.schema.readOnly;
        if (readOnly) {
          errors.push(`${at}.${k}: readOnly property sent by the client`);
          continue;
        }
        const mutability: string[] | undefined = prop.schema['x-ms-mutability'] ?? pr.siblings['x-ms-mutability'];
        if (mutability && !mutability.includes('create') && !mutability.includes('update')) errors.push(`${at}.${k}: x-ms-mutability ${JSON.stringify(mutability)} does not allow a client to send it`);
        errors.push(...this.check(v, prop, `${at}.${k}`, method));
      }
    }
    return errors;
  }
}

function checkScalar(value: string | number, p: Json, at: string, typed = true): string[] {
  const errors: string[] = [];
  if (typed && p.type && typeof value === 'string') {
    if ((p.type === 'integer' || p.type === 'number') && !/^-?\d+(\.\d+)?$/.test(value)) errors.push(`${at}: ${JSON.stringify(value)} is not a ${p.type}`);
    if (p.type === 'boolean' && value !== 'true' && value !== 'false') errors.push(`${at}: ${JSON.stringify(value)} is not a boolean`);
  }
  if (typed && p.enum && !p.enum.map(String).includes(String(value))) errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(p.enum)}`);
  if (typeof value === 'string') {
    if (p.pattern && !new RegExp(p.pattern, 'u').test(value)) errors.push(`${at}: ${JSON.stringify(value)} does not match ${p.pattern}`);
    if (p.minLength !== undefined && value.length < p.minLength) errors.push(`${at}: shorter than ${p.minLength}`);
    if (p.maxLength !== undefined && value.length > p.maxLength) errors.push(`${at}: longer than ${p.maxLength}`);
  } else {
    if (p.minimum !== undefined && value < p.minimum) errors.push(`${at}: ${value} is below the minimum ${p.minimum}`);
    if (p.maximum !== undefined && value > p.maximum) errors.push(`${at}: ${value} is above the maximum ${p.maximum}`);
    if (p.format === 'int32' && (value < -(2 ** 31) || value > 2 ** 31 - 1)) errors.push(`${at}: ${value} does not fit int32`);
  }
  return errors;
}

/** A path template as a case-insensitive regex (ARM paths are case-insensitive). */
function compile(template: string, pathParams: Json[]): { regex: RegExp; params: string[] } {
  const params: string[] = [];
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const m = /^\{([^}]+)\}$/.exec(part);
      if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(m[1]);
      const p = pathParams.find((x: Json) => x.name === m[1]);
      // x-ms-skip-url-encoding: the value is sent raw and may span segments (`{scope}`).
      return p?.['x-ms-skip-url-encoding'] ? '(.+)' : '([^/]+)';
    })
    .join('');
  return { regex: new RegExp(`^${source}$`, 'i'), params };
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : []));
}

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isEmptyObject(v: unknown): boolean {
  return isObject(v) && Object.keys(v as object).length === 0;
}

function hasType(v: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

function describe(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}
