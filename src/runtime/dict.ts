/**
 * A map with no prototype, for keys that come from outside (query strings, headers, path
 * parameters, message attributes): `constructor`, `toString` or `__proto__` are ordinary keys
 * there, never inherited values or a way to change the prototype.
 */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A prototype-free copy of `obj`'s own enumerable entries. */
export function dictFrom<T>(obj: Record<string, T> | undefined | null): Record<string, T> {
  const out = dict<T>();
  if (obj) for (const [k, v] of Object.entries(obj)) out[k] = v;
  return out;
}
