import { isMap, isPair, isScalar, isSeq, Scalar, type Document, type Node } from 'yaml';
import type { Diagnostic } from '../model/diagnostic.js';
import { restoreReferences } from './parse-yaml.js';
import { keyString, type ConfigPath, type SourcePositions } from './positions.js';

/** What `${...}` may refer to. */
export interface InterpolationVars {
  env: NodeJS.ProcessEnv;
  /** From `--stage`; when absent the file's `stage:` (or `dev`) is used. */
  stage?: string;
  /**
   * Variables from `.env` files for a stage (`.env`, then `.env.<stage>` over it). The process
   * environment wins over both. Called once the stage is known.
   */
  envFiles?: (stage: string) => Record<string, string>;
}

export interface InterpolationResult {
  stage: string;
  diagnostics: Diagnostic[];
  /** Paths (JSON-encoded) whose value had a failed reference: schema errors there are noise. */
  failed: Set<string>;
  /** Paths (JSON-encoded) whose value came from the environment (`${env:...}`), not the file. */
  fromEnv: Set<string>;
}

const REF = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const SELF_PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const SUPPORTED = '`${env:VAR}`, `${env:VAR, default}`, `${param:NAME}`, `${self:path.to.value}`, `${ref:NAME}` / `${ref:NAME.<target>}`, `${stage}` and `${service}` (write `$${` for a literal `${`)';
const TARGET_NAMES = ['aws', 'azure', 'gcp'] as const;

export const pathKey = (path: ConfigPath): string => JSON.stringify(path);

/**
 * Replace `${env:VAR}`, `${env:VAR, default}`, `${param:NAME}`, `${self:a.b.c}`, `${stage}` and
 * `${service}` in every string value of the document, in place (keys are left alone). An unset
 * variable without a default is an error at its own `line:col`. A plain (unquoted) value that is
 * one whole reference takes the type YAML would give the result (`memory: ${env:MEM, 512}` is
 * the number 512).
 *
 * `${param:NAME}` reads `params.<stage>.NAME`, else `params.default.NAME`. `${self:a.b}` reads
 * another value of this file (after its own references are resolved); it must be a single value.
 * Environment variables come from the process, else `.env.<stage>`, else `.env`.
 */
export function interpolate(doc: Document, base: ConfigPath, text: string, positions: SourcePositions, file: string, vars: InterpolationVars): InterpolationResult {
  const result: InterpolationResult = { stage: vars.stage ?? 'dev', diagnostics: [], failed: new Set(), fromEnv: new Set() };
  const root = base.length ? doc.getIn(base, true) : doc.contents;
  if (!isMap(root)) return result;

  const scope: Record<string, string | undefined> = {};
  let env: NodeJS.ProcessEnv = vars.env;
  /** Scalars already resolved (a second pass would read an unescaped `$${` as a reference). */
  const done = new WeakSet<object>();
  /** Scalars being resolved: meeting one again is a cycle of `${self:}` / `${param:}`. */
  const busy = new WeakSet<object>();
  const run = (node: unknown, path: ConfigPath, allowed: string[]): void => {
    if (!isScalar(node) || done.has(node)) return;
    done.add(node);
    if (typeof node.value === 'string') node.value = restoreReferences(node.value);
    if (typeof node.value !== 'string' || !node.value.includes('${')) return;
    busy.add(node);
    const out = replace(node, path, allowed);
    busy.delete(node);
    if (out === undefined) return;
    node.value = out.value;
  };
  const mapRoot = root;
  /** Resolve the scalar at `path` (inside this config) and return it, or why it cannot be used. */
  const valueAt = (path: ConfigPath): { value: unknown } | { error: string } => {
    const node = mapRoot.getIn(path, true);
    if (node === undefined || node === null) return { error: 'missing' };
    if (!isScalar(node)) return { error: 'not-scalar' };
    if (busy.has(node)) return { error: 'cycle' };
    run(node, path, ['stage', 'service']);
    if (result.failed.has(pathKey(path))) return { error: 'failed' };
    return { value: node.value };
  };

  const replace = (node: Scalar, path: ConfigPath, allowed: string[]): { value: unknown } | undefined => {
    const source = node.value as string;
    let failed = false;
    let envOnly = true;
    let refs = 0;
    const value = source.replace(REF, (token: string, inner: string | undefined) => {
      if (token === '$${') return '${';
      refs++;
      const report = (code: string, message: string, hint: string) => {
        failed = true;
        const start = node.range ? text.indexOf(token, node.range[0]) : -1;
        const place = positions.atOffset(start >= 0 && node.range && start < node.range[1] ? start : (node.range?.[0] ?? 0));
        result.diagnostics.push({ severity: 'error', code, message, hint, file, ...place, path: path.join('.') });
        return '';
      };
      if (inner === undefined) return report('bad-reference', 'A `${` is not closed with `}`.', `Close it, or write \`$\${\` for a literal \`\${\`. Supported: ${SUPPORTED}.`);
      const ref = inner.trim();
      if (ref === 'stage' || ref === 'service') {
        envOnly = false;
        if (!allowed.includes(ref)) return report('bad-reference', `\`\${${ref}}\` cannot be used here.`, ref === 'stage' ? '`stage` cannot refer to itself; use `${env:VAR, default}`.' : '`service` and `stage` can only use `${env:...}` (and `service` `${stage}`).');
        return scope[ref] ?? '';
      }
      const param = /^param\s*:\s*([^,]*?)\s*(?:,\s*(.*))?$/s.exec(ref);
      if (param) {
        envOnly = false;
        const name = param[1]!;
        if (!PARAM_NAME.test(name)) return report('bad-reference', `\`${name}\` is not a valid param name.`, 'Use letters, digits, `_` and `-`: `${param:dbHost}`.');
        if (path[0] === 'params') return report('bad-reference', '`${param:...}` cannot be used inside `params:`.', 'Give the value itself, or use `${env:...}` / `${self:...}`.');
        for (const stage of [result.stage, 'default']) {
          const found = valueAt(['params', stage, name]);
          if ('value' in found) return String(found.value ?? '');
          if (found.error === 'failed') {
            failed = true;
            return '';
          }
          if (found.error === 'not-scalar') return report('bad-reference', `\`params.${stage}.${name}\` is not a single value.`, 'A param is a string, number or boolean.');
        }
        if (param[2] !== undefined) return unquote(param[2].trim());
        return report('param-not-set', `Param \`${name}\` has no value for stage \`${result.stage}\` (used as \`${token}\`).`, `Add it under \`params: { ${result.stage}: { ${name}: ... } }\` or \`params: { default: { ${name}: ... } }\`, or give a default: \`\${param:${name}, value}\`.`);
      }
      const refTo = /^ref\s*:\s*(.*)$/s.exec(ref);
      if (refTo) {
        envOnly = false;
        // `${ref:NAME.<target>}`, or `${ref:NAME}` inside a `targets.<target>` block: the id of an
        // existing resource sls-x does not manage, from `references:`.
        const m = /^([A-Za-z_][A-Za-z0-9_-]*)(?:\.([a-z]+))?$/.exec(refTo[1]!.trim());
        if (!m) return report('bad-reference', `\`${refTo[1]!.trim()}\` is not a reference name.`, 'Write `${ref:NAME}` inside a `targets.<target>` block, or `${ref:NAME.aws}` (azure, gcp) elsewhere; NAME is a key of `references:`.');
        const name = m[1]!;
        const at = path.indexOf('targets');
        const target = m[2] ?? (at >= 0 ? String(path[at + 1] ?? '') : '');
        if (!(TARGET_NAMES as readonly string[]).includes(target)) {
          return report('bad-reference', m[2] ? `\`${m[2]}\` is not a cloud target (used as \`${token}\`).` : `\`${token}\` is outside a \`targets.<target>\` block, so it does not say which cloud's id it means.`, `Write \`\${ref:${name}.aws}\` (or azure, gcp).`);
        }
        if (path[0] === 'references') return report('bad-reference', '`${ref:...}` cannot be used inside `references:`.', 'Give the id itself.');
        const found = valueAt(['references', name, target]);
        if ('value' in found) return String(found.value ?? '');
        if (found.error === 'failed') {
          failed = true;
          return '';
        }
        return report('bad-reference', `\`references.${name}.${target}\` is not set (used as \`${token}\`).`, `Add it: \`references: { ${name}: { ${target}: <the resource's ${target === 'aws' ? 'ARN' : target === 'azure' ? 'resource id' : 'resource name'}> } }\`.`);
      }
      const self = /^self\s*:\s*(.*)$/s.exec(ref);
      if (self) {
        envOnly = false;
        const target = self[1]!.trim();
        if (!SELF_PATH.test(target)) return report('bad-reference', `\`${target}\` is not a path into this file.`, 'Write the keys separated by dots, e.g. `${self:queues.orders.maxRetries}` (list items by number: `functions.api.events.0`).');
        const parts: ConfigPath = target.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
        const found = valueAt(parts);
        if ('value' in found) return String(found.value ?? '');
        if (found.error === 'failed') {
          failed = true;
          return '';
        }
        if (found.error === 'cycle') return report('bad-reference', `\`${token}\` refers back to itself (a cycle of references).`, 'Break the cycle: give one of the values directly.');
        if (found.error === 'not-scalar') return report('bad-reference', `\`${target}\` is a mapping or list, not a single value.`, 'Point `${self:...}` at one value (a string, number or boolean).');
        return report('bad-reference', `\`${target}\` does not exist in this file (used as \`${token}\`).`, 'Check the path: keys separated by dots, from the top of the file.');
      }
      const envRef = /^env\s*:\s*([^,]*?)\s*(?:,\s*(.*))?$/s.exec(ref);
      if (!envRef) return report('unknown-variable', `Unknown reference \`\${${ref}}\`.`, `sls-x supports ${SUPPORTED}.`);
      const name = envRef[1]!;
      if (!ENV_NAME.test(name)) return report('bad-reference', `\`${name}\` is not a valid environment variable name.`, 'Use letters, digits and `_`, not starting with a digit: `${env:MY_VAR}`.');
      const set = Object.hasOwn(env, name) ? env[name] : undefined;
      if (set !== undefined) return set;
      if (envRef[2] !== undefined) return unquote(envRef[2].trim());
      return report('env-not-set', `Environment variable ${name} is not set (used as \`${token}\`).`, `Set it before running sls-x, in \`.env\` or \`.env.${result.stage}\` beside the config, or give a default: \`\${env:${name}, value}\`.`);
    });
    if (failed) {
      result.failed.add(pathKey(path));
      return { value: '' };
    }
    if (refs > 0 && envOnly) result.fromEnv.add(pathKey(path));
    const whole = /^\$\{[^}]*\}$/.test(source.trim());
    if (whole && node.type === Scalar.PLAIN) return { value: typed(value) };
    return { value };
  };

  // stage and service first: everything else may use them. The stage may come from `.env` (not
  // `.env.<stage>`, which needs it).
  if (vars.envFiles) env = { ...vars.envFiles(''), ...vars.env };
  const stageNode = root.get('stage', true);
  run(stageNode, ['stage'], []);
  if (vars.stage === undefined && isScalar(stageNode) && typeof stageNode.value === 'string' && stageNode.value !== '') result.stage = stageNode.value;
  scope.stage = result.stage;
  if (vars.envFiles) env = { ...vars.envFiles(result.stage), ...vars.env };
  const serviceNode = root.get('service', true);
  run(serviceNode, ['service'], ['stage']);
  scope.service = isScalar(serviceNode) ? String(serviceNode.value ?? '') : '';

  const walk = (node: unknown, path: ConfigPath): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (isScalar(pair.key) && typeof pair.key.value === 'string') pair.key.value = restoreReferences(pair.key.value);
        const key = keyString(pair.key);
        if (path.length === 0 && (key === 'stage' || key === 'service')) continue;
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i]));
    } else {
      run(node as Node, path, ['stage', 'service']);
    }
  };
  walk(root, []);
  return result;
}

function unquote(s: string): string {
  const m = /^(['"])(.*)\1$/s.exec(s);
  return m ? m[2]! : s;
}

/** What YAML's core schema would make of the text, for whole-reference plain values. */
function typed(value: string): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}
