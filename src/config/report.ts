import type { Diagnostic } from '../model/diagnostic.js';
import type { ConfigPath, SourcePositions } from './positions.js';
import { showPath } from './schema-issues.js';

export interface ReportOptions {
  path?: ConfigPath;
  part?: 'key' | 'value';
  hint?: string;
  target?: string;
  /** The path is already a path of the source (not of the pruned config). */
  exact?: boolean;
}

/**
 * Collects diagnostics with their `file:line:col`. Paths are those of the (pruned) config the
 * checks see; `original` maps them back to the source when invalid list items were dropped.
 */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  private readonly secrets = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly positions: SourcePositions | undefined,
    public original: (path: ConfigPath) => ConfigPath = (p) => p,
  ) {}

  error(code: string, message: string, options: ReportOptions = {}): void {
    this.add('error', code, message, options);
  }

  warn(code: string, message: string, options: ReportOptions = {}): void {
    this.add('warning', code, message, options);
  }

  add(severity: Diagnostic['severity'], code: string, message: string, options: ReportOptions = {}): void {
    const d: Diagnostic = { severity, code, message, file: this.file };
    if (options.path && this.positions) {
      const path = options.exact ? options.path : this.original(options.path);
      Object.assign(d, this.positions.locate(path, options.part ?? 'value'));
      d.path = showPath(path);
    } else if (this.positions) {
      Object.assign(d, this.positions.atOffset(0));
    }
    if (options.hint) d.hint = options.hint;
    if (options.target) d.target = options.target;
    this.diagnostics.push(d);
  }

  /** Add diagnostics made elsewhere (YAML syntax, interpolation). */
  push(...diagnostics: Diagnostic[]): void {
    this.diagnostics.push(...diagnostics);
  }

  /** A secret value seen in the file: it is masked in every code frame (`lineText`), now and later. */
  redact(value: string): void {
    if (value.length > 0) this.secrets.add(value);
  }

  /** The diagnostics with secret values masked in their code frames. */
  redacted(): Diagnostic[] {
    if (this.secrets.size === 0) return this.diagnostics;
    return this.diagnostics.map((d) => {
      if (d.lineText === undefined) return d;
      let lineText = d.lineText;
      for (const v of this.secrets) lineText = lineText.split(v).join('*'.repeat(8));
      return { ...d, lineText };
    });
  }

  get errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === 'error').length;
  }
}

/** Source order, then errors before warnings: what a reader expects. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0) || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
