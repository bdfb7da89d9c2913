import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { controlClient } from './clients.js';
import type { CloudInfo } from './daemon/server.js';
import { localPaths } from './paths.js';
import { runtimeFiles } from './runtime-files.js';

const START_TIMEOUT_MS = 20_000;

/** True when a process with this pid exists (signal 0 checks without touching it). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A process that exited but was not reaped yet (a zombie) still answers signal 0: on Linux,
  // /proc says so, and `remove` need not wait for it as if it were running.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc (macOS, Windows): signal 0 is all there is
  }
}

function readInfo(file: string): CloudInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as CloudInfo;
    return typeof info.pid === 'number' && typeof info.port === 'number' && typeof info.token === 'string' ? info : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The live local cloud of this project, if any: the pid file names a living process that
 * answers on its port with the same pid. A stale or unreadable pid file is removed.
 */
export async function findRunning(root: string, stage = 'dev'): Promise<CloudInfo | undefined> {
  const { pidFile } = localPaths(root, stage);
  if (!existsSync(pidFile)) return undefined;
  const info = readInfo(pidFile);
  if (info && pidAlive(info.pid)) {
    try {
      const health = await controlClient(info, (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(2000) })).get<{ pid: number }>('health');
      if (health.pid === info.pid) return info;
    } catch {
      // Not ours or not answering: stale.
    }
  }
  rmSync(pidFile, { force: true });
  return undefined;
}

/** Take a short-lived lock so two commands do not start two local clouds for one project at once. */
async function withStartLock<T>(root: string, stage: string, work: () => Promise<T>): Promise<T> {
  const file = `${localPaths(root, stage).dir}/start.lock`;
  for (let i = 0; i < 400; i++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      try {
        return await work();
      } finally {
        rmSync(file, { force: true });
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = 0;
      try {
        holder = Number(readFileSync(file, 'utf8').trim() || 0);
      } catch {
        // Released in between: try again.
      }
      if (holder && !pidAlive(holder)) rmSync(file, { force: true });
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new SlsxError('LOCAL_CLOUD', 'Another sls-x command kept starting the local cloud for too long.', { hint: 'Try again; if it persists, delete .sls-x/local/start.lock.' });
}

/** What the local cloud process keeps of the deploying shell's environment: nothing secret. */
const DAEMON_ENV_KEEP = ['PATH', 'HOME', 'USERPROFILE', 'TMPDIR', 'TMP', 'TEMP', 'LANG', 'LC_ALL', 'TZ', 'SYSTEMROOT', 'WINDIR', 'COMSPEC'];

export function daemonEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { NODE_OPTIONS: '' };
  for (const k of DAEMON_ENV_KEEP) if (env[k] !== undefined) out[k] = env[k];
  return out;
}

/** Start the local cloud in the background (detached `node`), or return the one already running. */
export async function ensureRunning(root: string, opts: { port?: number; env?: NodeJS.ProcessEnv; stage?: string } = {}): Promise<CloudInfo> {
  const stage = opts.stage ?? 'dev';
  const running = await findRunning(root, stage);
  if (running) return running;
  const paths = localPaths(root, stage);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  chmodSync(paths.dir, 0o700);
  return withStartLock(root, stage, async () => {
    const again = await findRunning(root, stage);
    if (again) return again;
    const files = await runtimeFiles();
    const log = openSync(paths.daemonLog, 'a', 0o600);
    const child = spawn(process.execPath, [files.daemon, '--root', root, '--stage', stage, '--port', String(opts.port ?? 0), '--worker', files.worker.href], {
      cwd: root,
      detached: true,
      stdio: ['ignore', log, log, 'ipc'],
      // A minimal environment: the deploying shell's cloud keys and tokens never reach the local
      // cloud (functions could read them from /proc/self/environ). Functions get only their own
      // faas.yaml env and declared secrets.
      env: daemonEnv(opts.env ?? process.env),
    });
    closeSync(log);
    type Msg = { ready?: { pid: number; port: number }; error?: { code: string; message: string; hint?: string } };
    const answer = await new Promise<Msg>((resolve) => {
      const timer = setTimeout(() => resolve({ error: { code: 'LOCAL_CLOUD', message: `the local cloud did not start within ${START_TIMEOUT_MS / 1000}s` } }), START_TIMEOUT_MS);
      child.once('message', (m: Msg) => {
        clearTimeout(timer);
        resolve(m);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ error: { code: 'LOCAL_CLOUD', message: `the local cloud exited while starting (code ${code})` } });
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        resolve({ error: { code: 'LOCAL_CLOUD', message: `could not start node: ${err.message}` } });
      });
    });
    child.removeAllListeners();
    if (child.connected) child.disconnect();
    child.unref();
    if (answer.error) {
      if (child.exitCode === null && child.pid) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      const code = answer.error.code === 'STATE_CORRUPT' || answer.error.code === 'LOCAL_CLOUD' ? answer.error.code : 'LOCAL_CLOUD';
      throw new SlsxError(code, answer.error.message, { hint: answer.error.hint ?? `See ${paths.daemonLog} for details.` });
    }
    const info = readInfo(paths.pidFile);
    if (!info) throw new SlsxError('LOCAL_CLOUD', 'The local cloud started but wrote no pid file.', { hint: `See ${paths.daemonLog}.` });
    return info;
  });
}

/** Stop the project's local cloud if it runs: ask it over the control API, then make sure. */
export async function stopCloud(root: string, stage = 'dev'): Promise<boolean> {
  const info = await findRunning(root, stage);
  if (!info) return false;
  try {
    await controlClient(info).post('shutdown');
  } catch {
    // Falls through to signals.
  }
  for (let i = 0; i < 100 && pidAlive(info.pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (pidAlive(info.pid)) {
    try {
      process.kill(info.pid, 'SIGKILL');
    } catch {
      // Gone in between.
    }
  }
  rmSync(localPaths(root, stage).pidFile, { force: true });
  return true;
}

/**
 * The per-project deploy lock: one deploy at a time. The file holds the holder's pid; a lock whose
 * holder died is taken over. Returns the release function.
 */
export function acquireDeployLock(root: string, now: () => Date = () => new Date(), stage = 'dev'): () => Promise<void> {
  const { dir, lock } = localPaths(root, stage);
  mkdirSync(dir, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, JSON.stringify({ pid: process.pid, startedAt: now().toISOString() }), { flag: 'wx' });
      return async () => {
        const held = readLock(lock);
        if (held?.pid === process.pid) rmSync(lock, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const held = readLock(lock);
      if (held && pidAlive(held.pid)) {
        throw new SlsxError('DEPLOY_LOCKED', `Another deploy to the local cloud of this project is running (pid ${held.pid}, started ${held.startedAt}).`, {
          hint: `Wait for it to finish and run deploy again. If no deploy is running, delete ${lock}.`,
        });
      }
      // The holder died (or the file is garbage): the lock expired.
      rmSync(lock, { force: true });
    }
  }
  throw new SlsxError('DEPLOY_LOCKED', 'Could not take the local deploy lock.', { hint: `Delete ${lock} if no deploy is running.` });
}

/** Who holds the local deploy lock (`sls-x unlock`). */
export function localLockInfo(root: string, stage = 'dev'): { holder: string; acquiredAt: string; live: boolean; where: string } | undefined {
  const { lock } = localPaths(root, stage);
  const held = readLock(lock);
  if (!held) return existsSync(lock) ? { holder: 'unknown', acquiredAt: '?', live: false, where: lock } : undefined;
  return { holder: `${hostname()}:${held.pid}`, acquiredAt: held.startedAt, live: pidAlive(held.pid), where: lock };
}

/** Remove the local deploy lock whoever holds it (`sls-x unlock --force`). */
export function breakLocalLock(root: string, stage = 'dev'): void {
  rmSync(localPaths(root, stage).lock, { force: true });
}

function readLock(file: string): { pid: number; startedAt: string } | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; startedAt: string };
    return typeof v.pid === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
}
