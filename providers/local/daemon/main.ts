/**
 * The background local cloud process: `node main.js --root <dir> --port <n> --worker <url>`.
 * Started detached by `sls-x deploy` (providers/local/launcher.ts); tells its parent over IPC that
 * it is ready (or why it could not start), then serves until SIGTERM or the control API stops it.
 */
import { parseArgs } from 'node:util';
import { startLocalCloud } from './server.js';

const { values } = parseArgs({ options: { root: { type: 'string' }, stage: { type: 'string' }, port: { type: 'string' }, worker: { type: 'string' } } });

function tell(msg: unknown): void {
  if (process.send && process.connected) process.send(msg);
}

try {
  if (!values.root || !values.worker) throw new Error('usage: main --root <dir> --port <n> --worker <url>');
  const running = await startLocalCloud({ root: values.root, stage: values.stage ?? 'dev', port: Number(values.port ?? 0), workerUrl: new URL(values.worker) });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void running.stop());
  process.on('uncaughtException', (err) => process.stderr.write(`${new Date().toISOString()} uncaught: ${err.stack ?? err.message}\n`));
  process.on('unhandledRejection', (err) => process.stderr.write(`${new Date().toISOString()} unhandled rejection: ${String(err)}\n`));
  process.stderr.write(`${new Date().toISOString()} local cloud listening on http://127.0.0.1:${running.info.port} (pid ${process.pid})\n`);
  tell({ ready: { pid: process.pid, port: running.info.port } });
  if (process.connected) process.disconnect();
  await running.stopped;
  process.exit(0);
} catch (err) {
  const e = err as Error & { code?: string; hint?: string };
  tell({ error: { code: e.code ?? 'INTERNAL', message: e.message, hint: e.hint } });
  process.stderr.write(`${new Date().toISOString()} could not start: ${e.stack ?? e.message}\n`);
  process.exitCode = 2;
  if (process.connected) process.disconnect();
}
