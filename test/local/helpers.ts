import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AdapterContext } from '../../src/core/adapter.js';
import type { SlsxEvent } from '../../src/core/events.js';
import type { EventSpec, FunctionSpec, QueueSpec, Service } from '../../src/model/service.js';
import { adapter } from '../../providers/local/index.js';
import { stopCloud } from '../../providers/local/launcher.js';

/** A temp project folder with the given files; removed (and its local cloud stopped) by cleanup(). */
export function tempProject(files: Record<string, string>): { root: string; write(file: string, text: string): void; cleanup(): Promise<void> } {
  const root = mkdtempSync(join(tmpdir(), 'slsx-local-'));
  const write = (file: string, text: string): void => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  for (const [file, text] of Object.entries(files)) write(file, text);
  return {
    root,
    write,
    cleanup: async () => {
      await stopCloud(root).catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export function fn(name: string, handler: string, events: EventSpec[] = [], extra: Partial<FunctionSpec> = {}): FunctionSpec {
  const [file, exp] = handler.split('#');
  return {
    name,
    handler: { file, export: exp ?? 'handler' },
    runtime: 'node20',
    memory: 128,
    timeoutMs: 5000,
    architecture: 'arm64',
    env: {},
    secrets: [],
    concurrency: { warm: 0 },
    ephemeralStorage: 512,
    events,
    sends: [],
    buckets: [],
    ...extra,
  };
}

export function http(method: 'GET' | 'POST' | 'ANY' | 'PUT' | 'DELETE', path: string): EventSpec {
  return { kind: 'http', method, path, cors: false };
}

export function queue(name: string, extra: Partial<QueueSpec> = {}): QueueSpec {
  return { name, visibilityTimeoutMs: 1000, maxRetries: 2, deadLetter: true, retentionMs: 4 * 24 * 3600 * 1000, ...extra };
}

export function service(root: string, parts: Partial<Service>): Service {
  return {
    service: 'demo',
    stage: 'dev',
    root,
    configFile: join(root, 'faas.yaml'),
    runtime: 'node20',
    defaultTarget: 'local',
    targets: { local: { port: 0, idleTimeoutMs: 60_000 } },
    functions: [],
    queues: [],
    buckets: [],
    traffic: {},
    ...parts,
  };
}

export function context(root: string, events: SlsxEvent[] = []): AdapterContext {
  return { env: process.env, cwd: root, events: (e) => events.push(e), now: () => new Date() };
}

/** The real pipeline: package with the bundler, plan with the core's diff, apply through the adapter. */
export async function deploy(svc: Service, events: SlsxEvent[] = []) {
  const { makePlan, applyPlan } = await import('../../src/apply/deploy.js');
  const { packageService } = await import('../../src/bundle/package-service.js');
  const ctx = context(svc.root, events);
  const plan = await makePlan({ service: svc, target: 'local', adapter, ctx, packager: (s, t) => packageService(s, t) });
  const outputs = await applyPlan({ plan, service: svc, adapter, ctx });
  return { plan, outputs: outputs! };
}

export async function remove(svc: Service) {
  const { makePlan, applyPlan } = await import('../../src/apply/deploy.js');
  const ctx = context(svc.root);
  const plan = await makePlan({ service: svc, target: 'local', adapter, ctx, packager: async () => [], remove: true });
  await applyPlan({ plan, service: svc, adapter, ctx, readOutputs: false });
  await adapter.teardown!(svc, plan.scope, ctx);
  return plan;
}

/** Poll until check() returns a value (bounded). */
export async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, what: string, tries = 400, everyMs = 50): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await check();
    if (v !== undefined && v !== false) return v as T;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`gave up waiting for ${what}`);
}
