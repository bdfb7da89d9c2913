import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AdapterContext, InvokeResult } from '../../src/core/adapter.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import type { LogLine } from '../../src/model/invocation.js';
import type { Service } from '../../src/model/service.js';
import { functionsEnv } from '../../src/bundle/shim-meta.js';
import { localFunctionEnv } from './function-env.js';
import { localTables } from './desired.js';
import { LocalTables, tableCallAllowed } from './daemon/tables.js';
import { FunctionPool } from './daemon/pool.js';
import { invokeEvent } from './invoke-event.js';
import { localPaths } from './paths.js';
import { runtimeFiles } from './runtime-files.js';

/**
 * `sls-x invoke <fn> --local`: run one handler without deploying anything and without the local
 * cloud. The function is bundled for the local target as a deploy would, and run once in a worker
 * thread by the same instance code and shim as the local cloud (memory limit, timeout, logs,
 * figures). Its secrets come from `.env`, its buckets are the local cloud's folders (no storage
 * events), and sending to a queue is refused: there is no queue without the local cloud.
 */
export async function invokeAlone(service: Service, fn: string, payload: unknown, ctx: AdapterContext): Promise<InvokeResult & { ok: boolean; error?: string }> {
  const spec = service.functions.find((f) => f.name === fn);
  if (!spec) {
    throw new SlsxError('FUNCTION_NOT_FOUND', `There is no function '${fn}' in ${service.configFile}.`, { hint: `Functions: ${service.functions.map((f) => f.name).join(', ') || 'none'}.` });
  }
  const { packageService } = await import('../../src/bundle/package-service.js');
  const [artifact] = await packageService({ ...service, functions: [spec] }, 'local', { events: ctx.events });
  if (!artifact) throw new SlsxError('INTERNAL', `packaging ${fn} for a local run produced no artifact`);
  const files = await runtimeFiles();
  const paths = localPaths(service.root, service.stage);
  const env = localFunctionEnv({
    name: fn,
    root: service.root,
    env: { ...spec.env, ...functionsEnv(service, [spec], 'local') },
    secrets: spec.secrets,
    sends: spec.sends,
    buckets: spec.buckets,
    tables: localTables(service, spec),
    bucketDir: (b) => {
      const dir = join(paths.buckets, b);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
  });
  const logs: LogLine[] = [];
  let tables: LocalTables | undefined;
  const pool = new FunctionPool(
    fn,
    { name: fn, sha256: artifact.sha256, entryUrl: pathToFileURL(join(artifact.zipPath.replace(/\.zip$/, ''), artifact.entry)).href, memory: spec.memory, timeoutMs: spec.timeoutMs, env },
    { max: 1, warm: 0, idleTimeoutMs: 60_000 },
    {
      workerUrl: files.worker,
      log: (line) => void logs.push(line),
      send: async (queue) => {
        throw new Error(`invoke --local runs ${fn} alone, with no local cloud: there is no queue '${queue}' to send to. Deploy (sls-x deploy) and invoke without --local to send for real.`);
      },
      // Tables are the local cloud's SQLite file (shared with a running local cloud: SQLite locks it).
      table: async (req) => {
        tableCallAllowed(localTables(service, spec), fn, req);
        mkdirSync(dirname(paths.tables), { recursive: true });
        tables ??= await LocalTables.open(paths.tables);
        return tables.run(req);
      },
    },
  );
  try {
    const { kind, event } = invokeEvent(spec, payload, ctx.now());
    const inv = await pool.invoke(kind, event, 'invoke', undefined, true);
    return { ok: inv.ok, result: inv.result, error: inv.error, record: inv.record, logs: inv.logs.length ? inv.logs : logs };
  } finally {
    pool.kill();
    tables?.close();
  }
}
