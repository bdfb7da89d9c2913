/**
 * Validates the requests the gcp adapter sends against Google's published API definitions: the
 * Discovery documents vendored (trimmed) under ./specs (see specs/SOURCE.md). No dependencies.
 *
 * Two levels:
 * - `validatePortCall`: a call recorded by the fake of the client ports (test/gcp/support/fake-gcp.ts)
 *   on a gax client (Cloud Functions, Pub/Sub, Cloud Scheduler, Logging) is mapped to its REST
 *   method as the client's google.api.http rule does (path parameters, the body field, the rest as
 *   query parameters) and checked in "proto" form: the camelCase objects the gax clients take,
 *   where well-known types may be messages (`{ seconds }` for a Duration, `{ paths }` for a
 *   FieldMask, bytes as Uint8Array) and enums names or numbers. protobufjs silently drops fields a
 *   message does not have, so an unknown field here never shows up on the wire: it must fail here.
 * - `validateHttp`: a request as it reached the wire (the real clients replayed against a loopback
 *   recorder) is matched to a Discovery method by HTTP method and path template, then its path
 *   parameters, query parameters and JSON body are checked in strict JSON form.
 *
 * Rules: resource names in path parameters match the parameter's `pattern`; every body field
 * exists in the schema with the right JSON type; strings of an enum are among its values (numbers
 * must be a valid index); every update-mask path is a field path (snake_case or camelCase) of the
 * resource being updated; required parameters are present; a method without a request body gets
 * none. Output-only fields a request sets are reported apart, as warnings (AIP-203: ignored).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Schema {
  id?: string;
  type?: string;
  $ref?: string;
  format?: string;
  enum?: string[];
  pattern?: string;
  location?: 'path' | 'query';
  required?: boolean;
  repeated?: boolean;
  readOnly?: boolean;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema;
  items?: Schema;
}

export interface Method {
  id: string;
  httpMethod: string;
  path: string;
  flatPath?: string;
  parameters?: Record<string, Schema>;
  parameterOrder?: string[];
  request?: { $ref: string };
  mediaUpload?: { protocols?: Record<string, { path: string; multipart?: boolean }> };
  supportsMediaDownload?: boolean;
}

interface Resource {
  methods?: Record<string, Method>;
  resources?: Record<string, Resource>;
}

export interface DiscoveryDoc {
  name: string;
  version: string;
  revision: string;
  rootUrl: string;
  servicePath: string;
  parameters: Record<string, Schema>;
  resources: Record<string, Resource>;
  schemas: Record<string, Schema>;
}

export type Mode = 'proto' | 'json';
export type Rule = 'unknown-method' | 'unknown-field' | 'type' | 'enum' | 'pattern' | 'update-mask' | 'required' | 'unknown-parameter' | 'no-body';

export interface Issue {
  rule: Rule;
  /** Where in the request: `body.serviceConfig.availableMemory`, `path.name`, `query.updateMask`… */
  at: string;
  message: string;
}

export interface Result {
  /** Discovery method id, e.g. `cloudfunctions.projects.locations.functions.create`. */
  method?: string;
  issues: Issue[];
  /** Output-only fields set in a request (ignored by the API). */
  warnings: string[];
}

const SPECS = join(dirname(fileURLToPath(import.meta.url)), 'specs');

/** The vendored documents by `name.version` (`cloudfunctions.v2`, `pubsub.v1`…). */
export const DOCS: Record<string, DiscoveryDoc> = Object.fromEntries(
  readdirSync(SPECS)
    .filter((f) => /^[a-z]+\.v\d+\.json$/.test(f))
    .map((f) => {
      const doc = JSON.parse(readFileSync(join(SPECS, f), 'utf8')) as DiscoveryDoc;
      return [`${doc.name}.${doc.version}`, doc];
    }),
);

/**
 * specs/overlay.json: fields the installed client libraries' protos have that the vendored
 * Discovery revisions predate (SOURCE.md says where each comes from). Added, never replacing.
 */
export const OVERLAY = JSON.parse(readFileSync(join(SPECS, 'overlay.json'), 'utf8')) as {
  docs: Record<string, Record<string, Record<string, Schema & { source?: string }>>>;
  /** Path-parameter patterns of HTTP bindings Discovery leaves out, by document, method and parameter. */
  bindings?: Record<string, Record<string, Record<string, { pattern: string; source: string }>> | string>;
};

/**
 * Whether a path parameter's value fits: the Discovery pattern, or the pattern of another HTTP
 * binding of the same method (overlay.json `bindings`, each with its proto source).
 */
export function fitsPattern(docName: string, methodName: string, param: string, pattern: string | undefined, value: string): boolean {
  if (!pattern || new RegExp(pattern).test(value)) return true;
  const extra = OVERLAY.bindings?.[docName];
  const alt = typeof extra === 'object' ? extra[methodName]?.[param]?.pattern : undefined;
  return !!alt && new RegExp(alt).test(value);
}
for (const [docName, schemas] of Object.entries(OVERLAY.docs)) {
  for (const [schemaName, props] of Object.entries(schemas)) {
    const target = DOCS[docName]?.schemas[schemaName];
    if (!target?.properties) throw new Error(`overlay: ${docName} ${schemaName} is not a vendored schema`);
    for (const [prop, def] of Object.entries(props)) {
      if (target.properties[prop]) throw new Error(`overlay: ${docName} ${schemaName}.${prop} is already in the Discovery document: drop it from the overlay`);
      target.properties[prop] = def;
    }
  }
}
for (const [docName, methods] of Object.entries(OVERLAY.bindings ?? {})) {
  if (typeof methods !== 'object') continue;
  for (const [methodName, params] of Object.entries(methods)) {
    for (const [param, alt] of Object.entries(params)) {
      const spec = findMethod(docName, methodName)?.parameters?.[param];
      if (spec?.location !== 'path') throw new Error(`overlay: ${docName} ${methodName} has no vendored path parameter ${param}`);
      if (spec.pattern === alt.pattern) throw new Error(`overlay: ${docName} ${methodName} ${param}: the Discovery document has this pattern already: drop it from the overlay`);
    }
  }
}

function methodsOf(doc: DiscoveryDoc): Array<[string, Method]> {
  const out: Array<[string, Method]> = [];
  const walk = (res: Record<string, Resource> | undefined, prefix: string[]) => {
    for (const [name, r] of Object.entries(res ?? {})) {
      for (const [m, method] of Object.entries(r.methods ?? {})) out.push([[...prefix, name, m].join('.'), method]);
      walk(r.resources, [...prefix, name]);
    }
  };
  walk(doc.resources, []);
  return out;
}

export function findMethod(docName: string, method: string): Method | undefined {
  const doc = DOCS[docName];
  return doc ? methodsOf(doc).find(([n]) => n === method)?.[1] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Values against schemas

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const INT64 = /^-?\d+$/;
const UINT64 = /^\d+$/;
const DURATION = /^-?\d+(\.\d{1,9})?s$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2,3}(?:==?)?)?$|^[A-Za-z0-9_-]*={0,2}$/;
const LIMITS: Record<string, [number, number]> = { int32: [-(2 ** 31), 2 ** 31 - 1], uint32: [0, 2 ** 32 - 1] };

class Checker {
  readonly issues: Issue[] = [];
  readonly warnings: string[] = [];
  constructor(private readonly doc: DiscoveryDoc, private readonly mode: Mode) {}

  resolve(schema: Schema): Schema {
    let s = schema;
    for (let i = 0; s.$ref && i < 20; i++) {
      const target = this.doc.schemas[s.$ref];
      if (!target) throw new Error(`${this.doc.name}.${this.doc.version}: schema ${s.$ref} is not vendored`);
      s = { ...target, readOnly: schema.readOnly || target.readOnly };
    }
    return s;
  }

  issue(rule: Rule, at: string, message: string): void {
    this.issues.push({ rule, at, message });
  }

  value(schema: Schema, v: unknown, at: string): void {
    if (v === undefined || v === null) return;
    const s = this.resolve(schema);
    if (s.readOnly) this.warnings.push(`${at} is output only`);
    switch (s.type) {
      case 'any':
        return;
      case 'object':
        return this.object(s, v, at);
      case 'array':
        if (!Array.isArray(v)) return this.issue('type', at, `expected an array, got ${describe(v)}`);
        v.forEach((item, i) => this.value(s.items ?? { type: 'any' }, item, `${at}[${i}]`));
        return;
      case 'boolean':
        if (typeof v !== 'boolean') this.issue('type', at, `expected a boolean, got ${describe(v)}`);
        return;
      case 'integer':
        return this.integer(s, v, at);
      case 'number':
        if (typeof v !== 'number' && !(this.mode === 'json' && typeof v === 'string' && /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|NaN|-?Infinity)$/.test(v))) this.issue('type', at, `expected a number, got ${describe(v)}`);
        return;
      case 'string':
        return this.string(s, v, at);
      default:
        this.issue('type', at, `schema type ${String(s.type)} is not handled by the validator`);
    }
  }

  private integer(s: Schema, v: unknown, at: string): void {
    const n = typeof v === 'number' ? v : this.mode === 'json' && typeof v === 'string' && INT64.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n)) return this.issue('type', at, `expected an integer (${s.format ?? 'integer'}), got ${describe(v)}`);
    const [lo, hi] = LIMITS[s.format ?? 'int32'] ?? LIMITS.int32;
    if (n < lo || n > hi) this.issue('type', at, `${n} is out of the ${s.format ?? 'int32'} range`);
  }

  private string(s: Schema, v: unknown, at: string): void {
    const proto = this.mode === 'proto';
    const bad = (what: string) => this.issue('type', at, `expected ${what}, got ${describe(v)}`);
    switch (s.format) {
      case 'int64':
      case 'uint64':
        if (typeof v === 'number' ? Number.isInteger(v) && (s.format === 'int64' || v >= 0) : typeof v === 'string' && (s.format === 'int64' ? INT64 : UINT64).test(v)) return;
        return bad(`an ${s.format} (decimal string${proto ? ' or integer' : ''})`);
      case 'google-duration':
        if (typeof v === 'string') return void (DURATION.test(v) || bad('a duration like "3.5s"'));
        if (proto && isPlainObject(v)) return this.wellKnown(v, at, { seconds: { type: 'string', format: 'int64' }, nanos: { type: 'integer', format: 'int32' } }, 'Duration');
        return bad(proto ? 'a Duration ({ seconds, nanos } or "3.5s")' : 'a duration string like "3.5s"');
      case 'google-datetime':
        if (typeof v === 'string') return void (RFC3339.test(v) || bad('an RFC 3339 timestamp'));
        if (proto && isPlainObject(v)) return this.wellKnown(v, at, { seconds: { type: 'string', format: 'int64' }, nanos: { type: 'integer', format: 'int32' } }, 'Timestamp');
        return bad('a timestamp');
      case 'date-time':
        if (typeof v === 'string' && RFC3339.test(v)) return;
        return bad('an RFC 3339 date-time');
      case 'byte':
        if (typeof v === 'string') return void (BASE64.test(v) || bad('base64 bytes'));
        if (proto && ArrayBuffer.isView(v)) return;
        return bad(proto ? 'bytes (Uint8Array or base64)' : 'base64 bytes');
      case 'google-fieldmask':
        // The paths themselves are checked against the resource by `mask()`.
        if (typeof v === 'string') return;
        if (proto && isPlainObject(v) && Array.isArray(v.paths) && v.paths.every((p) => typeof p === 'string') && Object.keys(v).every((k) => k === 'paths')) return;
        return bad(proto ? 'a FieldMask ({ paths: string[] } or "a,b")' : 'a comma-separated field mask');
      default:
        if (s.enum) {
          if (typeof v === 'string') {
            if (!s.enum.includes(v)) this.issue('enum', at, `"${v}" is not one of ${s.enum.join(', ')}`);
            return;
          }
          if (typeof v === 'number') {
            if (!Number.isInteger(v) || v < 0 || v >= s.enum.length) this.issue('enum', at, `${v} is not a valid enum number (0..${s.enum.length - 1})`);
            return;
          }
          return bad('an enum value');
        }
        if (typeof v !== 'string') bad('a string');
    }
  }

  private wellKnown(v: Record<string, unknown>, at: string, props: Record<string, Schema>, name: string): void {
    for (const [k, x] of Object.entries(v)) {
      if (!props[k]) this.issue('unknown-field', `${at}.${k}`, `${name} has no field "${k}"`);
      else this.value(props[k], x, `${at}.${k}`);
    }
  }

  private object(s: Schema, v: unknown, at: string): void {
    if (!isPlainObject(v)) return this.issue('type', at, `expected an object, got ${describe(v)}`);
    if (s.properties) {
      for (const [k, x] of Object.entries(v)) {
        const prop = s.properties[k];
        if (!prop) {
          const hint = s.properties[camel(k)] ? ` (the JSON name is "${camel(k)}")` : '';
          this.issue('unknown-field', `${at}.${k}`, `${s.id ?? 'this object'} has no field "${k}"${hint}`);
          continue;
        }
        this.value(prop, x, `${at}.${k}`);
      }
      // A request message with an update mask: its paths are fields of the other (resource) field.
      const masks = Object.entries(s.properties).filter(([, p]) => p.format === 'google-fieldmask');
      const targets = Object.entries(s.properties).filter(([, p]) => p.$ref);
      if (masks.length === 1 && targets.length === 1 && v[masks[0][0]] != null) {
        this.mask(targets[0][1], v[masks[0][0]], `${at}.${masks[0][0]}`);
      }
      return;
    }
    if (s.additionalProperties) {
      for (const [k, x] of Object.entries(v)) this.value(s.additionalProperties, x, `${at}[${JSON.stringify(k)}]`);
    }
  }

  /** Every path of `mask` is a field path of `resource` (snake_case or camelCase segments). */
  mask(resource: Schema, mask: unknown, at: string): void {
    const paths = typeof mask === 'string' ? mask.split(',').map((p) => p.trim()).filter(Boolean) : isPlainObject(mask) && Array.isArray(mask.paths) ? (mask.paths as unknown[]) : undefined;
    if (!paths) return;
    if (paths.length === 0) this.issue('update-mask', at, 'the update mask is empty');
    for (const p of paths) {
      if (typeof p !== 'string') {
        this.issue('update-mask', at, `mask path ${describe(p)} is not a string`);
        continue;
      }
      const problem = this.maskPath(resource, p);
      if (problem) this.issue('update-mask', at, `"${p}" ${problem}`);
    }
  }

  private maskPath(resource: Schema, path: string): string | undefined {
    if (path === '*') return undefined;
    let s: Schema | undefined = this.resolve(resource);
    const segments = path.split('.');
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i];
      if (!s) return 'is not a field path';
      if (s.type === 'object' && !s.properties && s.additionalProperties) return undefined; // a map key
      if (s.type === 'array') return `goes into the repeated field "${segments.slice(0, i).join('.')}"`;
      const props: Record<string, Schema> = s.properties ?? {};
      const found = props[seg] ?? props[camel(seg)];
      if (!found) {
        const known = Object.keys(props).map(snake).join(', ');
        return `is not a field path of ${resource.$ref ?? 'the resource'}: "${seg}" is not a field${i ? ` of ${segments.slice(0, i).join('.')}` : ''} (fields: ${known})`;
      }
      s = i < segments.length - 1 ? this.resolve(found) : undefined;
    }
    return undefined;
  }
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (ArrayBuffer.isView(v)) return 'bytes';
  if (v === null) return 'null';
  return typeof v === 'string' ? `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"` : typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

// ---------------------------------------------------------------------------------------------
// REST requests: a method, its parameters, its body

export interface RestRequest {
  /** `cloudfunctions.v2`… */
  doc: string;
  /** `projects.locations.functions.create`… */
  method: string;
  /** Path and query parameters by Discovery name; nested objects flatten to `a.b` query names. */
  params: Record<string, unknown>;
  /** The request body, when one is sent. */
  body?: unknown;
  mode: Mode;
  /** Query parameters that are not the API's own (system parameters a transport adds). */
  system?: string[];
}

export function validateRequest(req: RestRequest): Result {
  const doc = DOCS[req.doc];
  const id = `${req.doc}:${req.method}`;
  if (!doc) return { method: id, issues: [{ rule: 'unknown-method', at: 'doc', message: `no vendored Discovery document ${req.doc}` }], warnings: [] };
  const method = findMethod(req.doc, req.method);
  if (!method) return { method: id, issues: [{ rule: 'unknown-method', at: 'method', message: `${req.doc} has no (vendored) method ${req.method}` }], warnings: [] };
  const c = new Checker(doc, req.mode);
  const params = flatten(req.params, method);
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const spec = method.parameters?.[name] ?? doc.parameters[name];
    if (!spec) {
      if (!req.system?.includes(name)) c.issue('unknown-parameter', `query.${name}`, `${method.id} has no parameter "${name}"`);
      continue;
    }
    const where = `${spec.location ?? 'query'}.${name}`;
    // Media download (`alt=media`) is declared by the method, not in the global `alt` enum.
    if (name === 'alt' && value === 'media' && method.supportsMediaDownload) continue;
    if (spec.location === 'path') {
      if (typeof value !== 'string' || value === '') c.issue('type', where, `a path parameter must be a non-empty string, got ${describe(value)}`);
      else if (!fitsPattern(req.doc, req.method, name, spec.pattern, value)) c.issue('pattern', where, `"${value}" does not match ${spec.pattern}`);
      continue;
    }
    const values = Array.isArray(value) && (spec.repeated || req.mode === 'json') ? value : [value];
    if (values.length > 1 && !spec.repeated) c.issue('type', where, `"${name}" is not repeated but was given ${values.length} times`);
    for (const v of values) c.value(spec, req.mode === 'json' ? queryValue(spec, v) : v, where);
    if (spec.format === 'google-fieldmask') {
      if (!method.request) c.issue('update-mask', where, 'an update mask on a method without a resource body');
      else c.mask(method.request, value, where);
    }
  }
  for (const [name, spec] of Object.entries(method.parameters ?? {})) {
    if (spec.required && (params[name] === undefined || params[name] === null)) c.issue('required', `${spec.location}.${name}`, `${method.id} requires "${name}"`);
  }
  const hasBody = req.body !== undefined && !(isPlainObject(req.body) && Object.keys(req.body).length === 0);
  if (hasBody && !method.request) c.issue('no-body', 'body', `${method.id} takes no request body (${method.httpMethod} ${method.path}); got ${JSON.stringify(req.body)}${suggestParams(method, req.body)}`);
  else if (hasBody && method.request) c.value(method.request, req.body, 'body');
  return { method: method.id, issues: c.issues, warnings: c.warnings };
}

/** Nested non-parameter objects become dotted query names (`options.requestedPolicyVersion`). */
function flatten(params: Record<string, unknown>, method: Method, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    const name = `${prefix}${k}`;
    if (isPlainObject(v) && !method.parameters?.[name]) Object.assign(out, flatten(v, method, `${name}.`));
    else out[name] = v;
  }
  return out;
}

/** Query strings carry text: read them as the JSON value of the parameter's type. */
function queryValue(spec: Schema, v: unknown): unknown {
  if (typeof v !== 'string') return v;
  if (spec.type === 'integer') return INT64.test(v) ? Number(v) : v;
  if (spec.type === 'boolean') return v === 'true' ? true : v === 'false' ? false : v;
  return v;
}

function suggestParams(method: Method, body: unknown): string {
  if (!isPlainObject(body)) return '';
  const names = Object.keys(flatten(body, method)).filter((n) => method.parameters?.[n]?.location === 'query');
  return names.length ? `; ${names.map((n) => `"${n}"`).join(', ')} is a query parameter of this method` : '';
}

// ---------------------------------------------------------------------------------------------
// Port calls (the fake's `calls`) -> REST requests

interface Mapping {
  doc: string;
  method: string;
  /** Discovery path parameter -> the input field it is read from (`name`, `function.name`). */
  path: Record<string, string>;
  /** The google.api.http body: '*' (every field not bound to the path), one field, or none. */
  body?: '*' | string;
}

/**
 * How each gax client method reaches REST, from the google.api.http rules of the services
 * (google/cloud/functions/v2, google/pubsub/v1, google/cloud/scheduler/v1, google/logging/v2).
 */
export const GAX: Record<string, Mapping> = {
  'functions.getFunction': { doc: 'cloudfunctions.v2', method: 'projects.locations.functions.get', path: { name: 'name' } },
  'functions.listFunctions': { doc: 'cloudfunctions.v2', method: 'projects.locations.functions.list', path: { parent: 'parent' } },
  'functions.createFunction': { doc: 'cloudfunctions.v2', method: 'projects.locations.functions.create', path: { parent: 'parent' }, body: 'function' },
  'functions.updateFunction': { doc: 'cloudfunctions.v2', method: 'projects.locations.functions.patch', path: { name: 'function.name' }, body: 'function' },
  'functions.deleteFunction': { doc: 'cloudfunctions.v2', method: 'projects.locations.functions.delete', path: { name: 'name' } },
  'functions.generateUploadUrl': { doc: 'cloudfunctions.v2', method: 'projects.locations.functions.generateUploadUrl', path: { parent: 'parent' }, body: '*' },
  'publisher.getTopic': { doc: 'pubsub.v1', method: 'projects.topics.get', path: { topic: 'topic' } },
  'publisher.listTopics': { doc: 'pubsub.v1', method: 'projects.topics.list', path: { project: 'project' } },
  'publisher.createTopic': { doc: 'pubsub.v1', method: 'projects.topics.create', path: { name: 'name' }, body: '*' },
  'publisher.updateTopic': { doc: 'pubsub.v1', method: 'projects.topics.patch', path: { name: 'topic.name' }, body: '*' },
  'publisher.deleteTopic': { doc: 'pubsub.v1', method: 'projects.topics.delete', path: { topic: 'topic' } },
  'publisher.listTopicSubscriptions': { doc: 'pubsub.v1', method: 'projects.topics.subscriptions.list', path: { topic: 'topic' } },
  'publisher.publish': { doc: 'pubsub.v1', method: 'projects.topics.publish', path: { topic: 'topic' }, body: '*' },
  'publisher.getIamPolicy': { doc: 'pubsub.v1', method: 'projects.topics.getIamPolicy', path: { resource: 'resource' } },
  'publisher.setIamPolicy': { doc: 'pubsub.v1', method: 'projects.topics.setIamPolicy', path: { resource: 'resource' }, body: '*' },
  'subscriber.getSubscription': { doc: 'pubsub.v1', method: 'projects.subscriptions.get', path: { subscription: 'subscription' } },
  'subscriber.createSubscription': { doc: 'pubsub.v1', method: 'projects.subscriptions.create', path: { name: 'name' }, body: '*' },
  'subscriber.updateSubscription': { doc: 'pubsub.v1', method: 'projects.subscriptions.patch', path: { name: 'subscription.name' }, body: '*' },
  'subscriber.deleteSubscription': { doc: 'pubsub.v1', method: 'projects.subscriptions.delete', path: { subscription: 'subscription' } },
  'subscriber.pull': { doc: 'pubsub.v1', method: 'projects.subscriptions.pull', path: { subscription: 'subscription' }, body: '*' },
  'subscriber.acknowledge': { doc: 'pubsub.v1', method: 'projects.subscriptions.acknowledge', path: { subscription: 'subscription' }, body: '*' },
  'subscriber.modifyAckDeadline': { doc: 'pubsub.v1', method: 'projects.subscriptions.modifyAckDeadline', path: { subscription: 'subscription' }, body: '*' },
  'subscriber.getIamPolicy': { doc: 'pubsub.v1', method: 'projects.subscriptions.getIamPolicy', path: { resource: 'resource' } },
  'subscriber.setIamPolicy': { doc: 'pubsub.v1', method: 'projects.subscriptions.setIamPolicy', path: { resource: 'resource' }, body: '*' },
  'scheduler.listJobs': { doc: 'cloudscheduler.v1', method: 'projects.locations.jobs.list', path: { parent: 'parent' } },
  'scheduler.getJob': { doc: 'cloudscheduler.v1', method: 'projects.locations.jobs.get', path: { name: 'name' } },
  'scheduler.createJob': { doc: 'cloudscheduler.v1', method: 'projects.locations.jobs.create', path: { parent: 'parent' }, body: 'job' },
  'scheduler.updateJob': { doc: 'cloudscheduler.v1', method: 'projects.locations.jobs.patch', path: { name: 'job.name' }, body: 'job' },
  'scheduler.deleteJob': { doc: 'cloudscheduler.v1', method: 'projects.locations.jobs.delete', path: { name: 'name' } },
  'scheduler.pauseJob': { doc: 'cloudscheduler.v1', method: 'projects.locations.jobs.pause', path: { name: 'name' }, body: '*' },
  'scheduler.resumeJob': { doc: 'cloudscheduler.v1', method: 'projects.locations.jobs.resume', path: { name: 'name' }, body: '*' },
  'logging.listLogEntries': { doc: 'logging.v2', method: 'entries.list', path: {}, body: '*' },
};

/** Ports whose calls are not gax requests: checked on the wire (`validateHttp`) after a replay. */
export const WIRE_ONLY = ['run', 'secrets', 'iam', 'projects', 'storage', 'projectPolicies', 'firestore'];
/** Not Google APIs: the signed upload URL, function URLs, identity tokens. */
export const NOT_GOOGLE_APIS = ['http'];

/** A gax port call as its REST request, in proto form. */
export function restOfPortCall(call: { name: string; input: any }): RestRequest | undefined {
  const m = GAX[call.name];
  if (!m) return undefined;
  const input = isPlainObject(call.input) ? call.input : {};
  const params: Record<string, unknown> = {};
  for (const [p, from] of Object.entries(m.path)) params[p] = from.split('.').reduce<any>((o, k) => (isPlainObject(o) ? o[k] : undefined), input);
  // Top-level fields bound to the path leave the body ('*') and the query; nested ones stay in their message.
  const bound = new Set(Object.values(m.path).filter((from) => !from.includes('.')));
  let body: unknown;
  if (m.body === '*') body = Object.fromEntries(Object.entries(input).filter(([k]) => !bound.has(k)));
  else if (m.body) {
    body = input[m.body];
    for (const [k, v] of Object.entries(input)) if (k !== m.body && !bound.has(k)) params[k] = v;
  } else {
    for (const [k, v] of Object.entries(input)) if (!bound.has(k)) params[k] = v;
  }
  return { doc: m.doc, method: m.method, params, body, mode: 'proto' };
}

/** Validate one recorded port call (gax clients); undefined for ports checked on the wire only. */
export function validatePortCall(call: { name: string; input: unknown }): Result | undefined {
  const port = call.name.split('.')[0];
  if (WIRE_ONLY.includes(port) || NOT_GOOGLE_APIS.includes(port)) return undefined;
  const req = restOfPortCall(call);
  if (!req) return { issues: [{ rule: 'unknown-method', at: call.name, message: `no Discovery mapping for port call ${call.name}` }], warnings: [] };
  return validateRequest(req);
}

// ---------------------------------------------------------------------------------------------
// Wire requests

/** The Discovery document behind each endpoint override (providers/gcp/endpoints.ts). */
export const DOC_OF_API: Record<string, string> = {
  FUNCTIONS: 'cloudfunctions.v2',
  RUN: 'run.v2',
  PUBSUB: 'pubsub.v1',
  SCHEDULER: 'cloudscheduler.v1',
  STORAGE: 'storage.v1',
  IAM: 'iam.v1',
  SECRETMANAGER: 'secretmanager.v1',
  RESOURCEMANAGER: 'cloudresourcemanager.v3',
  LOGGING: 'logging.v2',
  FIRESTORE: 'firestore.v1',
};

/** Query parameters transports add that no Discovery document lists (gax's REST fallback). */
const SYSTEM_PARAMS = ['$alt'];

export interface WireRequest {
  api: string;
  method: string;
  /** Path and query, as the server saw them (`/v2/projects/...?a=b`). */
  url: string;
  contentType?: string;
  body: string;
}

interface Route {
  name: string;
  method: Method;
  regex: RegExp;
  names: string[];
  literal: number;
  upload: boolean;
}

function routes(doc: DiscoveryDoc): Route[] {
  const out: Route[] = [];
  for (const [name, method] of methodsOf(doc)) {
    const templates: Array<[string, boolean]> = [[`/${doc.servicePath}${method.path}`, false]];
    for (const p of Object.values(method.mediaUpload?.protocols ?? {})) templates.push([p.path, true]);
    for (const [template, upload] of templates) {
      const names: string[] = [];
      const source = template.split(/(\{\+?[^}]+\})/).map((part) => {
        const m = /^\{(\+?)([^}]+)\}$/.exec(part);
        if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(m[2]);
        return m[1] ? '(.+?)' : '([^/]+)';
      }).join('');
      out.push({ name, method, regex: new RegExp(`^${source}$`), names, literal: template.replace(/\{[^}]+\}/g, '').length, upload });
    }
  }
  return out.sort((a, b) => b.literal - a.literal);
}

/** Match a wire request to its Discovery method and validate it in JSON form. */
export function validateHttp(req: WireRequest): Result & { route?: string } {
  const docName = DOC_OF_API[req.api];
  const doc = DOCS[docName];
  const url = new URL(req.url, 'http://recorder');
  const path = url.pathname;
  const route = routes(doc).find((r) => r.method.httpMethod === req.method && r.regex.test(path) && r.names.every((n, i) => {
    const got = safeDecode(r.regex.exec(path)![i + 1]);
    return fitsPattern(docName, r.name, n, r.method.parameters?.[n]?.pattern, got);
  })) ?? routes(doc).find((r) => r.method.httpMethod === req.method && r.regex.test(path));
  if (!route) return { issues: [{ rule: 'unknown-method', at: `${req.method} ${path}`, message: `no ${docName} method (of those vendored) is ${req.method} ${path}` }], warnings: [] };
  const params: Record<string, unknown> = {};
  const match = route.regex.exec(path)!;
  route.names.forEach((n, i) => (params[n] = safeDecode(match[i + 1])));
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    params[key] = all.length > 1 ? all : all[0];
  }
  let body: unknown;
  if (req.body.length > 0) {
    const type = req.contentType ?? '';
    if (type.startsWith('multipart/related')) body = multipartMetadata(req.body, type);
    else if (route.upload) body = undefined; // media bytes
    else {
      try {
        body = JSON.parse(req.body);
      } catch {
        return { method: route.method.id, route: route.name, issues: [{ rule: 'type', at: 'body', message: `the body is not JSON: ${req.body.slice(0, 80)}` }], warnings: [] };
      }
    }
  }
  const result = validateRequest({ doc: docName, method: route.name, params, body, mode: 'json', system: SYSTEM_PARAMS });
  return { ...result, route: route.name };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The metadata of a multipart/related upload: its first part, JSON (the media comes second). */
function multipartMetadata(body: string, contentType: string): unknown {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  const part = boundary ? body.split(`--${boundary}`)[1] : undefined;
  if (part === undefined) return undefined;
  const [headers, ...rest] = part.split(/\r?\n\r?\n/);
  if (!/content-type:\s*application\/json/i.test(headers)) return undefined;
  return JSON.parse(rest.join('\n\n').trim());
}

/** One line per issue, for assertion messages and the report. */
export function explain(result: Result, label = ''): string[] {
  return result.issues.map((i) => `${label}${result.method ? ` [${result.method}]` : ''} ${i.rule} at ${i.at}: ${i.message}`);
}
