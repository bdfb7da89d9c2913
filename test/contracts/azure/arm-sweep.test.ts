/**
 * The sweep half of the ARM contract tests: every Azure Resource Manager request that the azure
 * adapter sends in ANY existing fake-backed test (every test file that imports the fake ARM,
 * found by search, not by list) is validated against the vendored OpenAPI specs, not only the
 * shop lifecycle of arm-requests.test.ts. It runs those test files once more in a nested vitest
 * whose setup file (record-setup.ts) records each request the fake ARM receives to a JSON-lines
 * file, then validates every line. Their own pass/fail is their business (their run reports it);
 * this test fails only on a contract violation or when nothing was recorded.
 */
import { testTmp } from '../../support/tmp.js';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArmContract } from './validate.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const CHILD = process.env.SLSX_ARM_SWEEP_CHILD === '1';

/** Test files (outside test/contracts) that drive the fake ARM. */
function fakeBackedTests(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'contracts' && e.name !== 'fixtures') walk(p);
      } else if (e.name.endsWith('.test.ts') && /support\/fake-arm\.js/.test(readFileSync(p, 'utf8'))) out.push(relative(ROOT, p));
    }
  };
  walk(join(ROOT, 'test'));
  return out.sort();
}

describe.skipIf(CHILD)('ARM contract sweep over every fake-backed test', () => {
  it('every ARM request the existing fake-backed tests make validates against the published specs', { timeout: 300_000 }, () => {
    const files = fakeBackedTests();
    expect(files.length).toBeGreaterThan(5);
    const record = join(testTmp('slsx-arm-sweep-'), 'requests.jsonl');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
    const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/contracts/azure/vitest.record.config.ts', ...files], {
      cwd: ROOT,
      env: { ...env, SLSX_ARM_RECORD: record, SLSX_ARM_SWEEP_CHILD: '1' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(existsSync(record), `the nested run recorded nothing:\n${run.stdout}\n${run.stderr}`.slice(0, 4000)).toBe(true);
    const lines = readFileSync(record, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { test: string; method: string; host: string; path: string; query: Record<string, string>; body?: unknown });
    const arm = lines.filter((r) => r.host === 'management.azure.com');
    expect(arm.length).toBeGreaterThan(500);
    expect(new Set(arm.map((r) => r.test.split(' > ')[0])).size).toBeGreaterThan(5);

    const contract = new ArmContract();
    const problems = new Map<string, string[]>();
    for (const r of arm) {
      for (const e of contract.validate(r).errors) {
        const key = `${r.method} ${r.path.replace(/^\/subscriptions\/[^/]+/, '/subscriptions/{sub}')}?api-version=${r.query['api-version']}: ${e}`;
        problems.set(key, [...(problems.get(key) ?? []), r.test]);
      }
    }
    const report = [...problems].map(([k, tests]) => `${k}\n    sent by: ${[...new Set(tests)].slice(0, 3).join('; ')}`);
    expect(report).toEqual([]);
  });
});
