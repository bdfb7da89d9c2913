import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { testTmp } from '../support/tmp.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const HEAVY = /node_modules\/(esbuild|ink|react|@aws-sdk|@azure|@google-cloud|better-sqlite3|zod|yaml|cosmiconfig)\//;

function loaded(args: string[]): { urls: string[]; out: string } {
  const file = join(testTmp('slsx-imports-'), 'imports.txt');
  const out = execFileSync(process.execPath, ['--import', join(root, 'test/support/record-imports.mjs'), join(root, 'bin/sls-x'), ...args], {
    env: { ...process.env, SLSX_RECORD_IMPORTS: file },
    encoding: 'utf8',
  });
  return { urls: readFileSync(file, 'utf8').split('\n').filter(Boolean), out };
}

describe('start-up (built CLI; `npm test` builds first)', () => {
  it.each([['--help'], ['--version'], ['deploy', '--help']])('`sls-x %s` loads no SDK, esbuild, React or ink', (...args) => {
    const { urls, out } = loaded(args);
    expect(out.length).toBeGreaterThan(0);
    expect(urls.some((u) => u.includes('commander'))).toBe(true); // the recorder works
    expect(urls.filter((u) => HEAVY.test(u))).toEqual([]);
  });

  it('--help lists every command', () => {
    const { out } = loaded(['--help']);
    for (const cmd of ['init', 'validate', 'package', 'deploy', 'invoke', 'logs', 'remove', 'dev', 'cost', 'metrics']) {
      expect(out).toMatch(new RegExp(`^  ${cmd}\\b`, 'm'));
    }
    expect(loaded(['cost', '--help']).out).toMatch(/^  estimate\b/m);
  });
});
