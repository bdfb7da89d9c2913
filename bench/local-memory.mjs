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
    // Long enough that every instance is still alive when they are counted after the calls.
    '  local: { idleTimeout: 5s }',
    'functions:',
    ...names.flatMap((n) => [`  ${n}:`, `    handler: src/fns.${n}`, '    memory: 128', '    events:', `      - http: GET /${n}`]),
  ].join('\n');
  const code = names.map((n) => `export const ${n} = async () => ({ fn: '${n}' });`).join('\n');
  const root = await project({ 'faas.yaml': yaml, 'src/fns.mjs': code });
  try {
    const { url, pid } = await deploy(root);
    const api = await control(root);
    const liveInstances = async () => (await api.get('health')).functions.reduce((s, f) => s + f.instances, 0);
    await sleep(500);
    const afterDeploy = await rssMb(pid);
    // All functions at once, so each has an instance at the same time; the count is read back from
    // the local cloud, never assumed.
    await Promise.all(names.map(async (n) => (await fetch(`${url}/${n}`)).arrayBuffer()));
    const alive = await liveInstances();
    const busy = await rssMb(pid);
    let live = alive;
    for (let i = 0; i < 200 && live > 0; i++) {
      await sleep(100);
      live = await liveInstances();
    }
    await sleep(500);
    const idle = await rssMb(pid);
    return [
      { bench: `local cloud RSS, ${functions} functions deployed, never invoked`, unit: 'MB', value: afterDeploy, target: '< 300 MB' },
      { bench: `local cloud RSS, ${alive} instances alive at once (counted by the local cloud)`, unit: 'MB', value: busy, liveInstances: alive },
      { bench: `local cloud RSS, ${functions} functions, each ran once, now idle`, unit: 'MB', value: idle, liveInstances: live, target: '< 300 MB' },
    ];
  } finally {
    await cleanup(root);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) for (const r of await run()) console.log(JSON.stringify(r));
