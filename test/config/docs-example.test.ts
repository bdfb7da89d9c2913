import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { project, runCli } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

it('the full example in docs/faas-yaml.md validates for every target it lists', async () => {
  const doc = readFileSync(join(packageRoot(), 'docs/faas-yaml.md'), 'utf8');
  const example = /## A full example\s+```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
  const p = project({
    'faas.yaml': example,
    'src/api.ts': 'export const handler = async () => ({});\n',
    'src/worker.ts': 'export async function handler() {}\n',
    'src/jobs.ts': 'export async function nightly() {}\n',
    'src/images.ts': 'export async function thumbnail() {}\n',
  });
  cleanups.push(p.cleanup);
  const r = await runCli(['validate', '--json'], p.dir);
  const body = JSON.parse(r.stdout) as { ok?: boolean; targets: string[]; diagnostics: Array<{ severity: string; code: string; target?: string }> };
  expect(body.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(r.code).toBe(0);
  expect(body.targets).toEqual(['local', 'aws', 'azure', 'gcp']);
  // the differences between targets are said, not hidden
  expect(body.diagnostics.map((d) => `${d.target}:${d.code}`)).toEqual(expect.arrayContaining(['azure:unsupported-batch-window', 'gcp:storage-filter-in-function']));
});
