import type { Diagnostic } from '../model/diagnostic.js';
import { ERROR_CODES, type ErrorCode } from './codes.js';

export interface SlsxErrorOptions {
  hint?: string;
  diagnostics?: Diagnostic[];
  cause?: unknown;
}

/** The one error class. Its code decides the exit code and whether a stack is shown. */
export class SlsxError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly diagnostics: Diagnostic[];

  constructor(code: ErrorCode, message: string, options: SlsxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SlsxError';
    this.code = code;
    this.hint = options.hint;
    this.diagnostics = options.diagnostics ?? [];
  }

  get isUserError(): boolean {
    return ERROR_CODES[this.code].user;
  }

  get exitCode(): 1 | 2 {
    return this.isUserError ? 2 : 1;
  }

  toJSON(): { code: ErrorCode; message: string; hint?: string; diagnostics: Diagnostic[] } {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}), diagnostics: this.diagnostics };
  }
}

/** Wrap anything thrown into an SlsxError; unknown errors are ours (INTERNAL). */
export function toSlsxError(err: unknown): SlsxError {
  if (err instanceof SlsxError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SlsxError('INTERNAL', message, { cause: err });
}
