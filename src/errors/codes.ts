/**
 * The closed set of error codes. Each is registered as the user's fault (exit 2, no stack)
 * or ours (exit 1, with a request to report it). Every code has an entry in docs/errors.md
 * (a test keeps the two in step).
 */
export const ERROR_CODES = {
  CONFIG_NOT_FOUND: { user: true, summary: 'No faas.yaml (or other sls-x config) was found.' },
  CONFIG_INVALID: { user: true, summary: 'The config has errors; each diagnostic says where and how to fix it.' },
  CONFIG_UNREADABLE: { user: true, summary: 'The config file could not be read or parsed (binary, too large, syntax).' },
  USAGE: { user: true, summary: 'A command-line argument or flag is missing or wrong.' },
  TARGET_NOT_AVAILABLE: { user: true, summary: 'The command is not yet available for that target.' },
  UNSUPPORTED_CAPABILITY: { user: true, summary: 'The target cannot do what the config asks.' },
  BUNDLE_FAILED: { user: true, summary: 'esbuild could not bundle a handler.' },
  HANDLER_INVALID: { user: true, summary: 'A handler file or export is missing, or the file is outside the project.' },
  FUNCTION_NOT_FOUND: { user: true, summary: 'The named function is not in the config (or not deployed).' },
  INIT_TARGET_EXISTS: { user: true, summary: '`sls-x init` would overwrite files in a non-empty folder.' },
  PLAN_STALE: { user: true, summary: 'A saved plan no longer matches the account, service or state it was made for.' },
  DEPLOY_LOCKED: { user: true, summary: 'Another deploy of the same service and stage is running.' },
  CREDENTIALS: { user: true, summary: 'Cloud credentials are missing, expired or invalid.' },
  ACCESS_DENIED: { user: true, summary: 'The cloud refused an action; the message names the missing permission.' },
  QUOTA_EXCEEDED: { user: true, summary: 'A cloud quota or limit was hit.' },
  RESOURCE_CONFLICT: { user: true, summary: 'A resource with that name exists and is owned by something else.' },
  NETWORK: { user: true, summary: 'A cloud endpoint could not be reached (no network, DNS, or a wrong endpoint override).' },
  LOCAL_CLOUD: { user: true, summary: 'The local cloud is not running, or could not start (e.g. its port is taken).' },
  INVOKE_FAILED: { user: true, summary: 'The invoked function failed, timed out or ran out of memory.' },
  COST_INPUT: { user: true, summary: 'A cost-estimate flag or traffic profile is invalid.' },
  RATES_INVALID: { user: true, summary: 'A --rates override file is unreadable or has an unknown key.' },
  STATE_CORRUPT: { user: true, summary: 'A state file under .sls-x/ is unreadable.' },
  INTERNAL: { user: false, summary: 'A bug in sls-x.' },
  CLOUD_ERROR: { user: false, summary: 'A cloud API call failed in a way sls-x did not expect.' },
} as const satisfies Record<string, { user: boolean; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isUserCode(code: ErrorCode): boolean {
  return ERROR_CODES[code].user;
}
