/** Fetches secret values by id: `{ NAME: id }` in, `{ NAME: value }` out. */
export type SecretLoader = (ids: Record<string, string>) => Promise<Record<string, string>>;

/**
 * Puts the function's secrets into `process.env` once per instance, before its first
 * invocation (the cold start pays for it, warm calls do not). A failed load is not cached: the
 * next invocation tries again. Errors name the secret ids and never a value.
 */
export function secretsOnce(ids: Record<string, string>, load: SecretLoader, env: NodeJS.ProcessEnv = process.env): () => Promise<void> {
  let ready: Promise<void> | undefined;
  return () => {
    if (Object.keys(ids).length === 0) return Promise.resolve();
    ready ??= load(ids).then(
      (values) => {
        const missing = Object.keys(ids).filter((name) => typeof values[name] !== 'string');
        if (missing.length > 0) throw new Error(`sls-x: no value for secret(s) ${missing.map((n) => `${n} (${ids[n]})`).join(', ')}`);
        for (const name of Object.keys(ids)) env[name] = values[name];
      },
      (err: unknown) => {
        const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        throw new Error(`sls-x: could not read secret(s) ${Object.entries(ids).map(([n, id]) => `${n} (${id})`).join(', ')}: ${reason}`);
      },
    );
    return ready.catch((err: unknown) => {
      ready = undefined;
      throw err;
    });
  };
}

/** Parses a `SLSX_SECRETS` map (`{"NAME":"id"}`); anything else is no secrets. */
export function secretIds(raw: string | undefined): Record<string, string> {
  if (!raw) return {};
  try {
    const value = JSON.parse(raw) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}
