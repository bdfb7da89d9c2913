import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/errors/codes.js';

describe('docs/errors.md', () => {
  const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  it.each(Object.keys(ERROR_CODES))('documents %s', (code) => {
    expect(doc).toMatch(new RegExp(`^## ${code}$`, 'm'));
  });
});
