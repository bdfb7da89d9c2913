import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { testTmp } from './tmp.js';
import { join } from 'node:path';
import type { Adapter, AdapterContext } from '../../src/core/adapter.js';
import type { Change, Plan } from '../../src/core/resources.js';
import type { Artifact } from '../../src/model/artifact.js';
import type { Service, TargetName } from '../../src/model/service.js';
import { diff } from '../../src/plan/diff.js';
import { runPlan } from '../../src/apply/run-plan.js';

/** Deterministic "zip" bytes per function written to a temp folder, as packageService would. */
export function fakeArtifacts(target: TargetName, svc: Service, code: Record<string, string> = {}): Artifact[] {
  const dir = testTmp(`slsx-${target}-`);
  return svc.functions.map((f) => {
    const bytes = Buffer.from(`zip of ${f.name}: ${code[f.name] ?? 'v1'}`);
    const zipPath = join(dir, `${f.name}.zip`);
    writeFileSync(zipPath, bytes);
    return { target, name: f.name, functions: [f.name], zipPath, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, entry: 'index.mjs' };
  });
}

/** Plan as the core does: scope -> observe -> desired -> diff. */
export async function planWith(adapter: Adapter, svc: Service, arts: Artifact[], ctx: AdapterContext, remove = false): Promise<Plan> {
  const scope = await adapter.scope(svc, ctx);
  const observed = await adapter.observe(scope, ctx);
  const changes = diff(remove ? [] : adapter.desired(svc, arts), observed);
  return { version: 1, scope, createdAt: ctx.now().toISOString(), observedHash: '', changes, warnings: [] };
}

/** Plan then apply with the core's runner; returns the plan. */
export async function deployWith(adapter: Adapter, svc: Service, arts: Artifact[], ctx: AdapterContext, remove = false): Promise<Plan> {
  const p = await planWith(adapter, svc, arts, ctx, remove);
  await runPlan(p.changes, (c) => adapter.apply(c, ctx), { concurrency: 4 });
  return p;
}

/** `action id` of each change that does something, sorted. */
export function work(changes: Change[]): string[] {
  return changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.id}`).sort();
}
