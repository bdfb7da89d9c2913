import { SlsxError } from '../errors/slsx-error.js';

/**
 * The local target inside the prebuilt GitHub Action (dist/action.js): refused, because its state
 * store (better-sqlite3) is a native addon and one JavaScript file cannot carry one. Raised when
 * the action is asked for `target: local`, and by the stand-in that takes better-sqlite3's place
 * in the bundle (stubs/better-sqlite3.ts) when the config's default target is local.
 */
export const LOCAL_NOT_IN_ACTION = new SlsxError(
  'TARGET_NOT_AVAILABLE',
  'The local target does not run inside the prebuilt sls-x GitHub Action: its state store (better-sqlite3) is a native addon the action does not carry.',
  {
    hint: 'Give the action `target: aws`, `azure` or `gcp` (or set one in faas.yaml), or list sls-x in your package.json and run `npm ci` before the step: the action then runs your own sls-x, which has it.',
  },
);
