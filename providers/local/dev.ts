import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { InvocationRecord, LogLine } from '../../src/model/invocation.js';
import type { Service } from '../../src/model/service.js';
import { stopCloud, findRunning } from './launcher.js';
import { runtimeFiles } from './runtime-files.js';
import { startLocalCloud, type RunningCloud } from './daemon/server.js';

const IGNORED = ['.sls-x', 'node_modules', '.git', 'dist', 'coverage'];
const DEBOUNCE_MS = 150;

export interface DevHooks {
  /** Package, plan and apply the service (the same pipeline as `sls-x deploy`); returns what changed. */
  deploy(service: Service): Promise<{ changed: number; endpoints: Array<{ method: string; url: string; function: string }> }>;
  /** Load the config again (it may have changed). */
  reload(): Promise<Service>;
  print(line: string): void;
  printError(err: unknown): void;
  onRecord?(record: InvocationRecord): void;
  onLog?(line: LogLine): void;
}

/** True for files whose change should rebuild: anything in the project outside build/state/dependency folders. */
export function watched(root: string, file: string): boolean {
  const rel = relative(root, file);
  if (!rel || rel.startsWith('..')) return false;
  const top = rel.split(sep)[0];
  return !IGNORED.includes(top) && !rel.endsWith('~') && !rel.split(sep).pop()!.startsWith('.#');
}

/** Folders watched at most (a project bigger than this is watched in its first folders only). */
const MAX_WATCHED_DIRS = 5000;

/**
 * Watch every folder of the project (build, state and dependency folders left out), each one by
 * itself. A folder's watch sees its entries by name, so an editor's atomic save (write a temp
 * file, rename it over the original) is seen every time; Node's recursive watch on Linux follows
 * the replaced file's old inode and goes deaf after the first such save. New folders are watched
 * as they appear.
 */
export function watchTree(root: string, onChange: (rel: string) => void): { close(): void } {
  const watchers = new Map<string, FSWatcher>();
  const add = (dir: string): void => {
    if (watchers.has(dir) || watchers.size >= MAX_WATCHED_DIRS) return;
    let w: FSWatcher;
    try {
      w = watch(dir, (_type, name) => {
        if (!name) return;
        const full = join(dir, name.toString());
        if (!watched(root, full)) return;
        try {
          if (statSync(full).isDirectory()) addTree(full);
        } catch {
          // Gone again (a temp file, a deleted folder): still a change.
        }
        onChange(relative(root, full));
      });
    } catch {
      return;
    }
    w.on('error', () => {
      w.close();
      watchers.delete(dir);
    });
    watchers.set(dir, w);
  };
  const addTree = (dir: string): void => {
    add(dir);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory() && watched(root, join(dir, e.name))) addTree(join(dir, e.name));
  };
  addTree(root);
  return {
    close: () => {
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}

/**
 * `sls-x dev`: the same local cloud, in this process, in the foreground. Deploys once, then
 * rebuilds and hot-swaps on every change under the project (config included) until `signal`
 * aborts; then stops every instance, flushes the state and removes the pid file.
 */
export async function runDev(first: Service, hooks: DevHooks, signal: AbortSignal): Promise<RunningCloud> {
  const root = first.root;
  const background = await findRunning(root, first.stage);
  if (background) {
    hooks.print(`Stopping the background local cloud (pid ${background.pid}) to run it here.`);
    await stopCloud(root, first.stage);
  }
  const files = await runtimeFiles();
  const running = await startLocalCloud({ root, stage: first.stage, port: first.targets.local?.port ?? 0, workerUrl: files.worker, report: (m) => hooks.print(`local cloud: ${m}`), onRecord: hooks.onRecord, onLog: hooks.onLog });
  hooks.print(`Local cloud on http://127.0.0.1:${running.info.port} (pid ${process.pid}). Watching ${root} for changes; Ctrl-C stops.`);

  let service = first;
  let busy: Promise<void> = Promise.resolve();
  let again = false;
  const rebuild = async (reason: string): Promise<void> => {
    const started = performance.now();
    try {
      if (reason !== 'start') service = await hooks.reload();
      const out = await hooks.deploy(service);
      const ms = Math.round(performance.now() - started);
      if (reason === 'start') for (const e of out.endpoints) hooks.print(`  ${e.method.padEnd(6)} ${e.url}  -> ${e.function}`);
      hooks.print(reason === 'start' ? `Deployed in ${ms} ms.` : `${reason}: ${out.changed === 0 ? 'nothing changed' : `${out.changed} change(s) applied`} in ${ms} ms.`);
    } catch (err) {
      hooks.printError(err);
      hooks.print('Still serving the last good version; fix the error and save again.');
    }
  };
  const schedule = (reason: string): void => {
    if (again) return;
    again = true;
    busy = busy.then(async () => {
      await new Promise((r) => setTimeout(r, DEBOUNCE_MS));
      again = false;
      await rebuild(reason);
    });
  };

  await rebuild('start');
  let watcher: { close(): void } | undefined;
  try {
    watcher = watchTree(root, (rel) => schedule(`changed ${rel}`));
  } catch (err) {
    hooks.print(`Watching is not available here (${(err as Error).message}); the local cloud runs without rebuilds.`);
  }
  const stop = async (): Promise<void> => {
    watcher?.close();
    await busy.catch(() => undefined);
    await running.stop();
  };
  if (signal.aborted) await stop();
  else signal.addEventListener('abort', () => void stop(), { once: true });
  return running;
}
