/** One problem found in the config or at plan time. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  /** A stable, machine-readable code, e.g. `unknown-key`, `invalid-cron`, `limit-memory`. */
  code: string;
  message: string;
  /** How to fix it. */
  hint?: string;
  /** Config file path as the user would type it (relative to cwd when inside it). */
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  col?: number;
  /** The offending source line, for the code frame. */
  lineText?: string;
  /** Dotted path in the config, e.g. `functions.api.memory`. */
  path?: string;
  /** The target a limit or capability diagnostic is about. */
  target?: string;
}
