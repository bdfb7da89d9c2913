import { isMap, isPair, isScalar, isSeq, Scalar, type Document, type Node } from 'yaml';
import type { Diagnostic } from '../model/diagnostic.js';
import { restoreReferences } from './parse-yaml.js';
import { keyString, type ConfigPath, type SourcePositions } from './positions.js';

/** What `${...}` may refer to. */
export interface InterpolationVars {
  env: NodeJS.ProcessEnv;
  /** From `--stage`; when absent the file's `stage:` (or `dev`) is used. */
  stage?: string;
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
const SUPPORTED = '`${env:VAR}`, `${env:VAR, default}`, `${stage}` and `${service}` (write `$${` for a literal `${`)';

export const pathKey = (path: ConfigPath): string => JSON.stringify(path);

/**
 * Replace `${env:VAR}`, `${env:VAR, default}`, `${stage}` and `${service}` in every string value
 * of the document, in place (keys are left alone). An unset variable without a default is an
 * error at its own `line:col`. A plain (unquoted) value that is one whole reference takes the
 * type YAML would give the result (`memory: ${env:MEM, 512}` is the number 512).
 */
export function interpolate(doc: Document, base: ConfigPath, text: string, positions: SourcePositions, file: string, vars: InterpolationVars): InterpolationResult {
  const result: InterpolationResult = { stage: vars.stage ?? 'dev', diagnostics: [], failed: new Set(), fromEnv: new Set() };
  const root = base.length ? doc.getIn(base, true) : doc.contents;
  if (!isMap(root)) return result;

  const scope: Record<string, string | undefined> = {};
  const run = (node: unknown, path: ConfigPath, allowed: string[]): void => {
    if (isScalar(node) && typeof node.value === 'string') node.value = restoreReferences(node.value);
    if (!isScalar(node) || typeof node.value !== 'string' || !node.value.includes('${')) return;
    const out = replace(node, path, allowed);
    if (out === undefined) return;
    node.value = out.value;
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
      const env = /^env\s*:\s*([^,]*?)\s*(?:,\s*(.*))?$/s.exec(ref);
      if (!env) return report('unknown-variable', `Unknown reference \`\${${ref}}\`.`, `sls-x supports ${SUPPORTED}.`);
      const name = env[1]!;
      if (!ENV_NAME.test(name)) return report('bad-reference', `\`${name}\` is not a valid environment variable name.`, 'Use letters, digits and `_`, not starting with a digit: `${env:MY_VAR}`.');
      const set = vars.env[name];
      if (set !== undefined) return set;
      if (env[2] !== undefined) return unquote(env[2].trim());
      return report('env-not-set', `Environment variable ${name} is not set (used as \`${token}\`).`, `Set it before running sls-x, or give a default: \`\${env:${name}, value}\`.`);
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

  // stage and service first: everything else may use them.
  const stageNode = root.get('stage', true);
  run(stageNode, ['stage'], []);
  if (vars.stage === undefined && isScalar(stageNode) && typeof stageNode.value === 'string' && stageNode.value !== '') result.stage = stageNode.value;
  scope.stage = result.stage;
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
