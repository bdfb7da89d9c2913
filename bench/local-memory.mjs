// Resident memory of the local cloud with 100 functions deployed and idle (no instance kept:
// idle instances are reclaimed), measured right after deploy and again after every function
// ran once and went idle. Target: < 300 MB in total.
import { cleanup, control, deploy, project, rssMb, sleep } from './local-common.mjs';

export async function run({ functions = Number(process.env.BENCH_FUNCTIONS ?? 100) } = {}) {
  const names = Array.from({ length: functions }, (_, i) => `fn${String(i).padStart(3, '0')}`);
  const yaml = [
    'service: benchmem',
    'runtime: node20',
    'targets:',
    '  local: { idleTimeout: 1s }',
    'functions:',
    ...names.flatMap((n) => [`  ${n}:`, `    handler: src/fns.${n}`, '    memory: 128', '    events:', `      - http: GET /${n}`]),
  ].join('\n');
  const code = names.map((n) => `export const ${n} = async () => ({ fn: '${n}' });`).join('\n');
  const root = await project({ 'faas.yaml': yaml, 'src/fns.mjs': code });
  try {
    const { url, pid } = await deploy(root);
    await sleep(500);
    const afterDeploy = await rssMb(pid);
    for (const n of names) await (await fetch(`${url}/${n}`)).arrayBuffer();
    const api = await control(root);
    const busy = await rssMb(pid);
    let live = Infinity;
    for (let i = 0; i < 100 && live > 0; i++) {
      await sleep(100);
      live = (await api.get('health')).functions.reduce((s, f) => s + f.instances, 0);
    }
    await sleep(500);
    const idle = await rssMb(pid);
    return [
      { bench: `local cloud RSS, ${functions} functions deployed, never invoked`, unit: 'MB', value: afterDeploy, target: '< 300 MB' },
      { bench: `local cloud RSS, ${functions} functions, each ran once, now idle`, unit: 'MB', value: idle, liveInstances: live, target: '< 300 MB' },
      { bench: `local cloud RSS, ${functions} instances alive (right after the calls)`, unit: 'MB', value: busy },
    ];
  } finally {
    await cleanup(root);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) for (const r of await run()) console.log(JSON.stringify(r));
