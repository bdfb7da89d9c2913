import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Esbuild from 'esbuild';

/**
 * What `esbuild` is inside the prebuilt GitHub Action (dist/action.js): esbuild-wasm, the same
 * esbuild version compiled to WebAssembly (one file for every platform), vendored unchanged beside
 * the bundle in dist/action/esbuild-wasm/ by scripts/build-action.mjs. esbuild's native binary is
 * one package per platform and cannot be in a JavaScript bundle; the wasm build gives the same
 * output bytes (test/action/bundle.test.ts packages through both and compares the zips).
 *
 * Two adjustments, both for running without an install:
 * - esbuild-wasm starts its service as `node <its bin>` from PATH: the node running this action
 *   goes first on PATH, so it is that node, present or not on the runner's PATH.
 * - the shims' own dependencies (`@azure/functions` for the azure shim) resolve from
 *   dist/action/shim-deps/node_modules/ (esbuild `nodePaths`, searched after every node_modules folder), the
 *   way they resolve from sls-x's node_modules in an npm install.
 */
const vendor = join(dirname(fileURLToPath(import.meta.url)), 'action');
process.env.PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`;
const wasm = createRequire(import.meta.url)(join(vendor, 'esbuild-wasm', 'lib', 'main.js')) as typeof Esbuild;

export const version: string = wasm.version;

export function build(options: Esbuild.BuildOptions): Promise<Esbuild.BuildResult> {
  return wasm.build({ ...options, nodePaths: [...(options.nodePaths ?? []), join(vendor, 'shim-deps', 'node_modules')] });
}

export const transform = wasm.transform;
export const formatMessages = wasm.formatMessages;

export default { ...wasm, version, build };
