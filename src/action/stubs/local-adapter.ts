import { LOCAL_NOT_IN_ACTION } from '../local-refused.js';

/**
 * What the local target's adapter (providers/local/index.ts, loaded lazily by src/core/targets.ts)
 * is inside the prebuilt GitHub Action: every command that would plan, deploy, observe or measure
 * the local cloud stops here with a user error that says what to do instead. The local cloud needs
 * better-sqlite3 (a native addon) and a daemon built from its sources, neither of which one
 * JavaScript file can carry. scripts/build-action.mjs puts this module in its place.
 */
throw LOCAL_NOT_IN_ACTION;
