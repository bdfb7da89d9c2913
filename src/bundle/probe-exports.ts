import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One export to look at in a module the probe imports. */
export interface ProbeCheck {
  key: string;
  /** File name inside the probe folder. */
  module: string;
  exportName: string;
  /** The module is CommonJS: its exports hang off `default`. */
  cjs: boolean;
}

export type ProbeResult = { type: string } | { error: string };

const MARKER = '@@SLSX_PROBE@@';
const TIMEOUT_MS = 10_000;

// Runs in the child. Imports each module on its own, so one module that throws does not hide
// the others, then prints one marked line (user code may print too) and exits at once, so
// timers or sockets the user's module opened at import time cannot keep it alive.
const RUNNER = `
const checks = JSON.parse(process.argv[2]);
const results = {};
for (const c of checks) {
  try {
    const m = await import(new URL(c.module, import.meta.url).href);
    const value = c.cjs ? (c.exportName === 'default' ? m.default : (m.default ?? {})[c.exportName]) : m[c.exportName];
    results[c.key] = { type: typeof value };
  } catch (e) {
    results[c.key] = { error: String((e && e.message) || e).split('\\n')[0].slice(0, 300) };
  }
}
process.stdout.write('\\n${MARKER}' + JSON.stringify(results) + '\\n');
process.exit(0);
`;

/** The permission-model flag of the running Node (renamed from --experimental-permission in 22.13 / 23.5). */
export function permissionFlag(version = process.versions.node): string {
  const [major, minor] = version.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13) ? '--permission' : '--experimental-permission';
}

/**
 * Find out whether exports are functions without running user code in the CLI's own process:
 * the self-contained handler modules (already bundled, so no imports reach outside them) are
 * imported by a child `node` with an EMPTY environment (no credentials or tokens to read),
 * the permission model on (file reads only: no file writes, child processes, workers or native
 * addons), a 10 s timeout, in a temporary folder removed afterwards. Only a definite answer
 * counts: a module that throws at import (say, it wants an env var) is reported as unchecked,
 * never as an error, because it may work fine in the cloud.
 */
export async function probeExports(modules: Record<string, string>, checks: ProbeCheck[]): Promise<Record<string, ProbeResult>> {
  if (checks.length === 0) return {};
  const dir = await mkdtemp(join(tmpdir(), 'slsx-probe-'));
  try {
    for (const [name, code] of Object.entries(modules)) await writeFile(join(dir, name), code);
    const runner = join(dir, 'probe-runner.mjs');
    await writeFile(runner, RUNNER);
    const stdout = await new Promise<string>((resolveOut) => {
      execFile(
        process.execPath,
        [permissionFlag(), '--allow-fs-read=*', '--no-warnings', runner, JSON.stringify(checks)],
        { cwd: dir, env: {}, timeout: TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 8 * 1024 * 1024, windowsHide: true },
        (_err, out) => resolveOut(String(out ?? '')),
      );
    });
    const at = stdout.lastIndexOf(MARKER);
    if (at < 0) {
      const reason = 'the module did not finish loading within 10 s, or it exited while loading';
      return Object.fromEntries(checks.map((c) => [c.key, { error: reason }]));
    }
    return JSON.parse(stdout.slice(at + MARKER.length).split('\n')[0]) as Record<string, ProbeResult>;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
