import { open } from 'node:fs/promises';
import { SlsxError } from '../errors/slsx-error.js';

/** Larger configs are refused before parsing: a faas.yaml is a few KB; 1 MB is far beyond any real one. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Read the config as UTF-8 text, refusing what cannot be a config: too large, NUL bytes,
 * invalid UTF-8. `shown` is the path as the user would type it, for messages.
 */
export async function readSource(file: string, shown: string): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SlsxError(code === 'ENOENT' ? 'CONFIG_NOT_FOUND' : 'CONFIG_UNREADABLE', `Config file ${shown} cannot be read (${code ?? 'error'}).`, {
      hint: code === 'EISDIR' ? 'Pass a file, not a folder.' : 'Check that the file exists and is readable.',
      cause: err,
    });
  }
  try {
    const { size } = await handle.stat();
    if (size > MAX_CONFIG_BYTES) {
      throw new SlsxError('CONFIG_UNREADABLE', `Config file ${shown} is ${(size / 1024 / 1024).toFixed(1)} MB; sls-x refuses configs over 1 MB.`, {
        hint: 'A faas.yaml is normally a few KB: check that -c points at the right file.',
      });
    }
    const bytes = await handle.readFile();
    const nul = bytes.indexOf(0);
    if (nul !== -1) {
      throw new SlsxError('CONFIG_UNREADABLE', `Config file ${shown} is binary (a NUL byte at offset ${nul}), not YAML or JSON text.`, {
        hint: 'Check that -c points at your faas.yaml, and that it was saved as UTF-8 text.',
      });
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
    } catch {
      throw new SlsxError('CONFIG_UNREADABLE', `Config file ${shown} is not valid UTF-8 text.`, {
        hint: 'Save the file as UTF-8 (most editors: "Save with encoding").',
      });
    }
  } finally {
    await handle.close();
  }
}
