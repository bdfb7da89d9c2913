import { SlsxError } from '../errors/slsx-error.js';
import { formatDiagnostic } from '../ui/format-diagnostic.js';

export const REPORT_URL = 'https://github.com/sls-x/sls-x/issues/new';

/** Text for a failed command: what, where, how to fix. Stacks only for our own bugs, and only with SLSX_DEBUG. */
export function renderError(err: SlsxError, debug: boolean): string {
  const lines: string[] = [];
  for (const d of err.diagnostics) lines.push(formatDiagnostic(d), '');
  lines.push(`error ${err.code}: ${err.message}`);
  if (err.hint) lines.push(`  hint: ${err.hint}`);
  if (!err.isUserError) {
    lines.push(`  This is a bug in sls-x, not in your project. Please report it at ${REPORT_URL}`);
    lines.push('  with the command you ran, `sls-x --version`, and the output of the same command run with SLSX_DEBUG=1.');
    if (debug) {
      const cause = err.cause instanceof Error ? err.cause : err;
      if (cause.stack) lines.push(cause.stack);
    }
  }
  return `${lines.join('\n')}\n`;
}
