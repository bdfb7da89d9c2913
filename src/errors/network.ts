import { SlsxError } from './slsx-error.js';

const UNREACHABLE = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'REQUEST_SEND_ERROR',
]);

/** The network error code somewhere in an error's chain (cause, AggregateError members), if any. */
export function networkCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 5) return undefined;
  const e = err as { code?: unknown; errno?: unknown; cause?: unknown; errors?: unknown[] };
  for (const value of [e.code, e.errno]) if (typeof value === 'string' && UNREACHABLE.has(value)) return value;
  return networkCode(e.cause, depth + 1) ?? (Array.isArray(e.errors) ? e.errors.map((x) => networkCode(x, depth + 1)).find(Boolean) : undefined);
}

/**
 * A cloud endpoint that cannot be reached (no network, a wrong endpoint override, DNS) is the
 * user's to fix, not a bug in sls-x: say which call, which code, and where endpoints come from.
 */
export function unreachable(err: unknown, cloud: string, doing: string, endpointHint: string): SlsxError | undefined {
  const code = networkCode(err);
  if (!code) return undefined;
  return new SlsxError('NETWORK', `${cloud} could not be reached during ${doing} (${code}).`, {
    hint: `Check the network connection and any endpoint override (${endpointHint}), then run the command again: finished changes are kept.`,
    cause: err,
  });
}
