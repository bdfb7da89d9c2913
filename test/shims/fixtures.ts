import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../fixtures/events/', import.meta.url));

/** A real published payload from test/fixtures/events (a fresh copy each call). */
export function loadEvent<T = any>(rel: string): T { // eslint-disable-line @typescript-eslint/no-explicit-any
  return JSON.parse(readFileSync(root + rel, 'utf8')) as T;
}
