import { LOCAL_NOT_IN_ACTION } from '../local-refused.js';

/**
 * What `better-sqlite3` is inside the prebuilt GitHub Action (dist/action.js). Only the local
 * target's state store loads it, lazily (`await import('better-sqlite3')` in
 * providers/local/store.ts), so loading it here means the local target was asked for: that import
 * fails with a user error saying so. scripts/build-action.mjs puts this module in its place.
 */
throw LOCAL_NOT_IN_ACTION;
