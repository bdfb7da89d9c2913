import type { TargetName } from './service.js';

/** One deployable zip built by `sls-x package`. Deterministic: same input, same bytes. */
export interface Artifact {
  target: TargetName;
  /** Function name; for azure the whole Function App package is one artifact named `app`. */
  name: string;
  /** Functions inside this artifact (one for aws/gcp/local, all of them for azure). */
  functions: string[];
  /** Absolute path of the zip. */
  zipPath: string;
  /** Hex sha256 of the zip bytes. */
  sha256: string;
  /** Zip size in bytes. */
  size: number;
  /** Entry file inside the zip, e.g. `index.mjs`. */
  entry: string;
}
