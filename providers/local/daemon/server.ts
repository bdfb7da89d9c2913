import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { SlsxError } from '../../../src/errors/slsx-error.js';
import type { InvocationRecord, LogLine } from '../../../src/model/invocation.js';
import { localPaths } from '../paths.js';
import { openStateDb } from '../store.js';
import { LocalCloud } from './cloud.js';
import { CONTROL_PREFIX, handleControl } from './control.js';
import { handleGateway } from './gateway.js';
import { SIGNED_PREFIX } from '../signed-url.js';
import { CloudState } from './state.js';

export interface StartOptions {
  root: string;
  /** The stage: dev in `.sls-x/local/`, others in `.sls-x/local-<stage>/`. */
  stage?: string;
  /** 0 = any free port. */
  port: number;
  /** The worker bootstrap (providers/local/worker/entry). */
  workerUrl: URL;
  report?: (message: string) => void;
  /** See every invocation record and log line as it happens (`sls-x dev`). */
  onRecord?: (record: InvocationRecord) => void;
  onLog?: (line: LogLine) => void;
}

/** What the pid file holds; commands find the running local cloud through it. */
export interface CloudInfo {
  pid: number;
  port: number;
  token: string;
  root: string;
  startedAt: number;
}

export interface RunningCloud {
  info: CloudInfo;
  cloud: LocalCloud;
  /** Stop serving, stop every instance, flush and close the state, delete the pid file. */
  stop(): Promise<void>;
  /** Resolves once stop() finished (from a signal, the control API or a caller). */
  stopped: Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') {
        reject(new SlsxError('LOCAL_CLOUD', `Port ${port} on 127.0.0.1 is already in use, so the local cloud cannot start.`, {
          hint: 'Stop the program using it, or set `targets.local.port` in faas.yaml to a free port (0 picks one).',
        }));
      } else if (err.code === 'EACCES') {
        reject(new SlsxError('LOCAL_CLOUD', `Port ${port} needs privileges the local cloud does not have.`, { hint: 'Use a port above 1024 in `targets.local.port`, or 0 for any free port.' }));
      } else reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

/**
 * Start the local cloud in this process: open the state, listen on 127.0.0.1, bring back what
 * was deployed, write the pid file. Used by the background process and by `sls-x dev`.
 */
export async function startLocalCloud(opts: StartOptions): Promise<RunningCloud> {
  const paths = localPaths(opts.root, opts.stage);
  privateDir(paths.dir);
  const report = opts.report ?? ((m: string) => process.stderr.write(`${new Date().toISOString()} ${m}\n`));
  const db = await openStateDb(paths.db);
  // State, logs and the control token are this user's only (the folder is 0700 too).
  for (const f of [paths.db, `${paths.db}-wal`, `${paths.db}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  const state = new CloudState(db);
  state.tap = { record: opts.onRecord, log: opts.onLog };
  const token = randomBytes(24).toString('hex');
  let port = opts.port;
  const cloud = new LocalCloud({ root: opts.root, paths, state, workerUrl: opts.workerUrl, controlUrl: () => `http://127.0.0.1:${port}${CONTROL_PREFIX}`, token, report });
  let stopping: Promise<void> | undefined;
  let markStopped!: () => void;
  const stopped = new Promise<void>((r) => (markStopped = r));
  const info: CloudInfo = { pid: process.pid, port, token, root: opts.root, startedAt: Date.now() };
  const server = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
    // DNS rebinding: a web page on evil.example that resolves to 127.0.0.1 still sends its own
    // Host. Only loopback names with our port are served, gateway and control API alike.
    if (!loopbackHost(req.headers.host, port)) {
      res.writeHead(421, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Misdirected request: the local cloud answers only to 127.0.0.1, localhost or [::1] with its port.' }));
      return;
    }
    // Signed object URLs live under the reserved prefix but are the gateway's (no control token: the signature is the credential).
    if (req.url?.startsWith(CONTROL_PREFIX) && !req.url.startsWith(SIGNED_PREFIX)) void handleControl(cloud, { ...info, port: () => port, shutdown: () => void stop() }, req, res);
    else handleGateway(cloud, req, res);
  });
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      cloud.shutdown();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      state.close();
      try {
        const onDisk = JSON.parse(readFileSync(paths.pidFile, 'utf8')) as CloudInfo;
        if (onDisk.pid === process.pid) rmSync(paths.pidFile, { force: true });
      } catch {
        // No pid file (already removed): nothing to clean.
      }
      markStopped();
    })();
    return stopping;
  };
  try {
    port = await listen(server, opts.port);
  } catch (err) {
    state.close();
    throw err;
  }
  info.port = port;
  await cloud.restore();
  // The project folder was deleted (or its .sls-x/local/): nothing left to serve, so do not linger.
  setInterval(() => {
    if (!existsSync(paths.dir)) void stop();
  }, 5000).unref();
  const tmp = `${paths.pidFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info), { mode: 0o600 });
  renameSync(tmp, paths.pidFile);
  return { info, cloud, stop, stopped };
}

/** True for `127.0.0.1:<port>`, `localhost:<port>` or `[::1]:<port>` (the port may be left out only for 80). */
export function loopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const m = /^(127\.0\.0\.1|localhost|\[::1\])(?::(\d+))?$/i.exec(host.trim());
  if (!m) return false;
  return Number(m[2] ?? 80) === port;
}

/** Create `dir` (and parents) and make it 0700: the local cloud's state is its user's alone. */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}
