import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionSpec, Service } from '../../src/model/service.js';
import { functionSpec, serviceSpec } from '../support/model.js';

export const FIXTURE_SHIMS = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'shims');

/** A throwaway project folder with the given files. */
export function makeProject(files: Record<string, string>): { root: string; write: (path: string, text: string) => void; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'slsx-bundle-'));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  for (const [path, text] of Object.entries(files)) write(path, text);
  return { root, write, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** A function spec with defaults; `handler` as `path/file.ext#export`. */
export function fn(name: string, handler: string, extra: Partial<FunctionSpec> = {}): FunctionSpec {
  const [file, exp] = handler.split('#');
  return functionSpec(name, { handler: { file, export: exp ?? 'handler' }, events: [{ kind: 'http', method: 'GET', path: `/${name}`, cors: false }], ...extra });
}

/** A hand-built Service (what loadService would return). */
export function service(root: string, functions: FunctionSpec[], extra: Partial<Service> = {}): Service {
  return serviceSpec(functions, { service: 'demo', root, configFile: join(root, 'faas.yaml'), targets: { aws: { region: 'eu-west-1' } }, ...extra });
}
