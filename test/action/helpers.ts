import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { testTmp } from '../support/tmp.js';
import { join } from 'node:path';

/**
 * A workspace whose package.json pins sls-x and whose node_modules holds a stand-in sls-x (its
 * bin is a small node script): what it prints comes from `replies` (first argv word -> stdout),
 * and every call is appended to calls.jsonl with its argv and environment, so a test sees exactly
 * what the action ran and with which variables.
 */
export function pinnedProject(replies: Record<string, string>, opts: { install?: boolean; link?: boolean; at?: string } = {}): { dir: string; calls: string } {
  const dir = opts.at ?? testTmp('slsx-action-pinned-');
  mkdirSync(dir, { recursive: true });
  const calls = join(dir, 'calls.jsonl');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, devDependencies: { 'sls-x': 'git+https://github.com/sls-x/sls-x.git#v0.1.0' } }));
  writeFileSync(join(dir, 'faas.yaml'), 'service: shop\ntarget: aws\nfunctions:\n  api:\n    handler: src/api.handler\n');
  if (opts.install === false) return { dir, calls };
  const pkg = join(dir, 'node_modules', 'sls-x');
  mkdirSync(join(pkg, 'bin'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'sls-x', version: '0.0.9-project', bin: { 'sls-x': 'bin/sls-x' } }));
  writeFileSync(
    join(pkg, 'bin', 'sls-x'),
    [
      '#!/usr/bin/env node',
      "const fs = require('node:fs');",
      `const replies = ${JSON.stringify(replies)};`,
      'const argv = process.argv.slice(2);',
      `fs.appendFileSync(${JSON.stringify(calls)}, JSON.stringify({ argv, env: process.env, cwd: process.cwd() }) + '\\n');`,
      "const reply = replies[argv[0]];",
      "if (reply === undefined) { process.stderr.write('stand-in sls-x: no reply for ' + argv[0] + '\\n'); process.exit(2); }",
      'process.stdout.write(reply);',
      '',
    ].join('\n'),
  );
  if (opts.link !== false) {
    mkdirSync(join(dir, 'node_modules', '.bin'));
    symlinkSync('../sls-x/bin/sls-x', join(dir, 'node_modules', '.bin', 'sls-x'));
  }
  return { dir, calls };
}
