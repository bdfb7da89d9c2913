import type { ConfigPath } from '../positions.js';
import type { RawBuild } from '../build.js';
import { SECRET_KEY } from './env.js';
import type { CheckContext } from './context.js';

/** A `define` key esbuild accepts: a name or a dotted path of names, `["..."]` members allowed (`process.env["X"]`). */
const DEFINE_KEY = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\["[^"\\]*"\])*$/;
const ENTITY = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;
const SINGLE_QUOTED = /^'(?:[^'\\\n]|\\.)*'$/;
export const LOADER_EXTENSION = /^\.[A-Za-z0-9][\w.-]*$/;
/** Names a bare `define` value may be without being a typo for a string. */
const GLOBALS = new Set(['undefined', 'NaN', 'Infinity', 'globalThis']);

/** Packages a target cannot run without leaving out of its bundle (see src/bundle/target-profile.ts). */
const REQUIRED_EXTERNAL: Record<string, string> = { '@google-cloud/functions-framework': 'gcp', '@azure/functions-core': 'azure' };

const isLiteral = (value: string): boolean => {
  if (SINGLE_QUOTED.test(value)) return true;
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
};

/** The environment variable a define key reads, when it is `process.env.X` / `process.env["X"]`. */
const envName = (key: string): string | undefined => /^process\.env(?:\.([A-Za-z_$][\w$]*)|\["([^"]*)"\])$/.exec(key)?.slice(1).find(Boolean);

/**
 * `build:` (top level and per function): formats the schema cannot say (define keys and values,
 * loader extensions), settings one target cannot honour, and that no secret reaches the code:
 * `define` values are compiled into every bundle, readable by anyone with the zip.
 */
export function checkBuild(ctx: CheckContext): void {
  const { raw, report } = ctx;
  const blocks: Array<{ path: ConfigPath; build: RawBuild; secrets: Set<string> }> = [];
  const allSecrets = new Set(Object.values(raw.functions ?? {}).flatMap((f) => f.secrets ?? []));
  if (raw.build) blocks.push({ path: ['build'], build: raw.build, secrets: allSecrets });
  for (const [name, fn] of Object.entries(raw.functions ?? {})) {
    if (!fn.build) continue;
    blocks.push({ path: ['functions', name, 'build'], build: fn.build, secrets: new Set(fn.secrets ?? []) });
    if (ctx.targets.includes('azure')) {
      report.warn('build-per-function', `\`functions.${name}.build\` does not apply on azure: every function is in one Function App package, built with the top-level \`build\`.`, {
        path: ['functions', name, 'build'],
        part: 'key',
        target: 'azure',
        hint: 'Move the settings to the top-level `build:` if the whole app should use them.',
      });
    }
  }

  for (const { path, build, secrets } of blocks) {
    for (const [key, value] of Object.entries(build.define ?? {})) {
      const at = [...path, 'define', key];
      if (!DEFINE_KEY.test(key)) {
        report.error('invalid-define', `\`${key}\` cannot be replaced by \`define\`: a key is a name or a dotted path of names.`, { path: at, part: 'key', hint: 'E.g. `DEBUG`, `process.env.NODE_ENV`, `import.meta.env.MODE`.' });
        continue;
      }
      const last = /([A-Za-z_$][\w$]*)(?:"\])?$/.exec(key.replace(/\["([^"]*)"\]$/, '.$1'))?.[1] ?? key;
      const env = envName(key);
      if (SECRET_KEY.test(last) || (env !== undefined && secrets.has(env))) {
        report.redact(value);
        report.error('build-define-secret', `\`define\` of \`${key}\` would compile ${env !== undefined && secrets.has(env) ? 'a secret' : 'what looks like a secret'} into the bundle, readable by anyone with the zip (the value is not shown here).`, {
          path: at,
          part: 'key',
          hint: `Remove it from \`define\`: list \`${env ?? last}\` under the function's \`secrets:\` and read \`process.env.${env ?? last}\` at run time.`,
        });
        continue;
      }
      if (isLiteral(value)) continue;
      if (!ENTITY.test(value)) {
        report.error('invalid-define', `\`define\` value of \`${key}\` is neither a JavaScript literal nor a name, got ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}.`, {
          path: at,
          hint: `The value is code: a string needs its own quotes inside the YAML string, e.g. \`${key}: '${JSON.stringify(value)}'\`.`,
        });
      } else if (ENTITY.test(value) && !value.includes('.') && !GLOBALS.has(value)) {
        report.warn('define-identifier', `\`define\` replaces \`${key}\` with the variable \`${value}\`, not the string "${value}".`, {
          path: at,
          hint: `For the string, quote it inside the YAML string: \`${key}: '"${value}"'\`.`,
        });
      }
    }
    for (const ext of Object.keys(build.loader ?? {})) {
      if (!LOADER_EXTENSION.test(ext)) {
        report.error('invalid-loader', `\`${ext}\` is not a file extension: \`loader\` keys start with a dot.`, { path: [...path, 'loader', ext], part: 'key', hint: `Write \`.${ext.replace(/^\.*/, '')}\`.` });
      }
    }
    (build.external ?? []).forEach((name, i) => {
      const target = name.startsWith('!') ? REQUIRED_EXTERNAL[name.slice(1)] : undefined;
      if (target && ctx.targets.includes(target as never)) {
        report.warn('build-external-required', `\`${name.slice(1)}\` stays out of the bundle on ${target}: the platform provides it, and a bundled copy would not work.`, {
          path: [...path, 'external', i],
          target: target as never,
          hint: `Remove \`${name}\`.`,
        });
      }
    });
  }
}
