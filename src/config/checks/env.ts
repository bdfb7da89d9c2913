import { pathKey } from '../interpolate.js';
import type { ConfigPath } from '../positions.js';
import type { CheckContext } from './context.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Keys that name a secret: the last word(s) say so (`DB_PASSWORD`, `STRIPE_API_KEY`), not `TOKEN_TTL`. */
export const SECRET_KEY = /(^|_)(SECRET|SECRETS|PASSWORD|PASSWD|PWD|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|SECRET_?KEY|CLIENT_?SECRET|CREDENTIALS?|AUTH_?KEY|SIGNING_?KEY)$/i;

/**
 * Environment and secrets. Secret values never live in the file: a secret-looking key with a
 * literal value is an error that points at it without repeating the value.
 */
export function checkEnv(ctx: CheckContext): void {
  const { raw, report } = ctx;
  const envBlocks: Array<{ path: ConfigPath; env: Record<string, unknown> }> = [];
  if (raw.defaults?.env) envBlocks.push({ path: ['defaults', 'env'], env: raw.defaults.env });
  for (const [name, fn] of Object.entries(raw.functions ?? {})) if (fn.env) envBlocks.push({ path: ['functions', name, 'env'], env: fn.env });

  for (const { path, env } of envBlocks) {
    for (const [key, value] of Object.entries(env)) {
      const at = [...path, key];
      if (!ENV_NAME.test(key)) {
        report.error('invalid-env-name', `\`${key}\` is not a valid environment variable name.`, { path: at, part: 'key', hint: 'Use letters, digits and `_`, not starting with a digit.' });
      }
      if (!SECRET_KEY.test(key) || value === '' || value === null) continue;
      if (ctx.fromEnv.has(pathKey(at))) {
        report.warn('secret-in-env', `\`${key}\` looks like a secret and would be stored as a plain environment variable (visible in the cloud console and in plans).`, {
          path: at,
          hint: `List \`${key}\` under the function's \`secrets:\` instead; sls-x resolves it from the target's secret store.`,
        });
      } else {
        report.redact(String(value));
        report.error('secret-literal', `\`${key}\` looks like a secret, and its value is written in the config (the value is not shown here).`, {
          path: at,
          hint: `Remove the value from the file, rotate it if it was committed, and list \`${key}\` under \`secrets:\`; store the value in the target's secret store (or \`.env\` for the local target).`,
        });
      }
    }
  }

  for (const [name, fn] of Object.entries(raw.functions ?? {})) {
    const merged = { ...(raw.defaults?.env ?? {}), ...(fn.env ?? {}) };
    (fn.secrets ?? []).forEach((secret, i) => {
      const at = ['functions', name, 'secrets', i];
      if (!ENV_NAME.test(secret)) {
        report.error('invalid-secret-name', `Secret name \`${secret}\` is not valid.`, { path: at, hint: 'Secrets are names (they become environment variables): letters, digits and `_`, e.g. `STRIPE_KEY`. Never put the value here.' });
      } else if (secret in merged) {
        report.error('secret-in-env', `\`${secret}\` is both a secret and a plain environment variable.`, { path: at, hint: `Remove \`${secret}\` from \`env\`: the secret provides it.` });
      }
    });
  }
}

/** An environment key that names a secret (its value is never printed). */
export function looksSecret(key: string): boolean {
  return SECRET_KEY.test(key);
}
