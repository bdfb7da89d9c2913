import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Parse `.env` text: `KEY=VALUE` lines, `export KEY=VALUE`, `#` comments (whole lines, or after a
 * space in an unquoted value), single quotes taken literally, double quotes with `\n`, `\t`, `\"`
 * and `\\` escapes. Lines that are not assignments are skipped. Keys land in a prototype-free map.
 */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    const quoted = /^(["'])(.*)\1(\s+#.*)?$/.exec(value);
    if (quoted) {
      value = quoted[2]!;
      if (quoted[1] === '"') value = value.replace(/\\([nt"\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    out[m[1]!] = value;
  }
  return out;
}

/** Parse a `.env` file; a missing or unreadable file is empty. */
export function readEnvFile(path: string): Record<string, string> {
  try {
    return parseDotenv(readFileSync(path, 'utf8'));
  } catch {
    return Object.create(null);
  }
}

const STAGE = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Variables from `.env` files beside the config: `.env`, with `.env.<stage>` over it (for an empty
 * stage, `.env` alone). The process environment wins over both (the caller merges it last).
 */
export function dotenvForStage(dir: string, stage: string): Record<string, string> {
  const base = readEnvFile(join(dir, '.env'));
  if (!stage || !STAGE.test(stage)) return base;
  return Object.assign(Object.create(null), base, readEnvFile(join(dir, `.env.${stage}`)));
}
