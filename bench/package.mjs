// Packaging speed (issue 12.6): 50 functions packaged for aws, cold (no cache) and warm (nothing
// changed), against the floor of one plain esbuild build of the same 50 entries.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, project } from './local-common.mjs';

const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href;
const N = Number(process.env.BENCH_PACKAGE_FUNCTIONS ?? 50);

export async function run() {
  const files = { 'src/lib.ts': "export const shape = (n: number) => ({ n, at: new Date(0).toISOString() });\n" };
  let yaml = 'service: benchpkg\nruntime: node20\nfunctions:\n';
  for (let i = 0; i < N; i++) {
    files[`src/f${i}.ts`] = `import { json } from 'sls-x/runtime';\nimport { shape } from './lib.js';\nexport const handler = async () => json(200, shape(${i}));\n`;
    yaml += `  f${i}:\n    handler: src/f${i}.handler\n    events:\n      - http: GET /f${i}\n`;
  }
  files['faas.yaml'] = yaml;
  const root = await project(files);
  try {
    const esbuild = await import('esbuild');
    const t0 = performance.now();
    await esbuild.build({ entryPoints: Array.from({ length: N }, (_, i) => join(root, `src/f${i}.ts`)), bundle: true, minify: true, platform: 'node', format: 'esm', outdir: join(root, 'floor'), write: true, packages: 'external', logLevel: 'silent' });
    const floor = performance.now() - t0;
    const { loadService } = await import(dist('src/config/load-service.js'));
    const { packageService } = await import(dist('src/bundle/package-service.js'));
    const { service } = await loadService({ cwd: root, env: process.env, target: 'aws' });
    rmSync(join(root, '.sls-x'), { recursive: true, force: true });
    const t1 = performance.now();
    await packageService(service, 'aws', { probe: true });
    const cold = performance.now() - t1;
    const t2 = performance.now();
    await packageService(service, 'aws', { probe: true });
    const warm = performance.now() - t2;
    const r = (x) => Math.round(x);
    return [
      { bench: `package ${N} functions (aws), cold`, unit: 'ms', value: r(cold), floorMs: r(floor), xFloor: +(cold / floor).toFixed(2) },
      { bench: `package ${N} functions (aws), warm (unchanged)`, unit: 'ms', value: r(warm), floorMs: r(floor), xFloor: +(warm / floor).toFixed(2) },
    ];
  } finally {
    await cleanup(root);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) for (const r of await run()) console.log(JSON.stringify(r));
