import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdapterContext } from '../../../src/core/adapter.js';
import type { Change, Plan } from '../../../src/core/resources.js';
import type { Artifact } from '../../../src/model/artifact.js';
import type { FunctionSpec, Service } from '../../../src/model/service.js';
import { diff } from '../../../src/plan/diff.js';
import { runPlan } from '../../../src/apply/run-plan.js';
import { adapter } from '../../../providers/aws/index.js';
import type { FakeAws } from './fake-aws.js';
import { functionSpec, serviceSpec } from '../../support/model.js';

/** A function spec with the defaults the config loader would apply. */
export function fn(name: string, over: Partial<FunctionSpec> = {}): FunctionSpec {
  return functionSpec(name, over);
}

export function service(functions: FunctionSpec[], over: Partial<Service> = {}): Service {
  return serviceSpec(functions, { defaultTarget: 'aws', targets: { aws: { region: 'eu-west-1' } }, ...over });
}

/** Deterministic "zip" bytes per function written to a temp folder, as packageService would. */
export function artifacts(svc: Service, code: Record<string, string> = {}): Artifact[] {
  const dir = mkdtempSync(join(tmpdir(), 'slsx-aws-'));
  return svc.functions.map((f) => {
    const bytes = Buffer.from(`zip of ${f.name}: ${code[f.name] ?? 'v1'}`);
    const zipPath = join(dir, `${f.name}.zip`);
    writeFileSync(zipPath, bytes);
    return { target: 'aws', name: f.name, functions: [f.name], zipPath, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, entry: 'index.mjs' };
  });
}

export function context(aws: FakeAws, now = () => new Date('2026-11-27T10:00:00Z')): AdapterContext {
  return { env: {}, cwd: '/project', events: () => {}, now, clients: aws.clients };
}

/** Plan as the core does: scope -> observe -> desired -> diff. */
export async function plan(svc: Service, arts: Artifact[], ctx: AdapterContext, remove = false): Promise<Plan> {
  const scope = await adapter.scope(svc, ctx);
  const observed = await adapter.observe(scope, ctx);
  const changes = diff(remove ? [] : adapter.desired(svc, arts), observed);
  return { version: 1, scope, createdAt: ctx.now().toISOString(), observedHash: '', changes, warnings: [] };
}

/** Plan then apply with the core's runner; returns the plan. */
export async function deploy(svc: Service, arts: Artifact[], ctx: AdapterContext, remove = false): Promise<Plan> {
  const p = await plan(svc, arts, ctx, remove);
  await runPlan(p.changes, (c) => adapter.apply(c, ctx), { concurrency: 4 });
  return p;
}

/** `action id` of each change that does something, sorted. */
export function work(changes: Change[]): string[] {
  return changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.id}`).sort();
}
