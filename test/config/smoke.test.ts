import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FIXTURES, runCli } from './helpers.js';

describe('smoke', () => {
  it('valid', async () => {
    const r = await runCli(['validate', '--json'], join(FIXTURES, 'valid'));
    console.log(r.stdout.slice(0, 3000), r.stderr);
    expect(r.code).toBe(0);
  });
});
