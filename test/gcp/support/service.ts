import { createHash } from 'node:crypto';
import type { AdapterContext } from '../../../src/core/adapter.js';
import type { Plan } from '../../../src/core/resources.js';
import type { Artifact } from '../../../src/model/artifact.js';
import type { FunctionSpec, Service } from '../../../src/model/service.js';
import { adapter } from '../../../providers/gcp/index.js';
import { PROJECT, REGION, type FakeGcp } from './fake-gcp.js';
import { functionSpec, serviceSpec } from '../../support/model.js';
import { deployWith, fakeArtifacts, planWith, work } from '../../support/adapter-run.js';

export function fn(name: string, over: Partial<FunctionSpec> = {}): FunctionSpec {
  return functionSpec(name, over);
}

export function service(functions: FunctionSpec[], over: Partial<Service> = {}): Service {
  return serviceSpec(functions, { defaultTarget: 'gcp', targets: { gcp: { region: REGION, account: PROJECT } }, ...over });
}

/** Deterministic "zip" bytes per function written to a temp folder, as packageService would. */
export function artifacts(svc: Service, code: Record<string, string> = {}): Artifact[] {
  return fakeArtifacts('gcp', svc, code);
}

export function sha(svc: Service, name: string, code = 'v1'): string {
  return createHash('sha256').update(`zip of ${name}: ${code}`).digest('hex');
}

export function context(gcp: FakeGcp, env: NodeJS.ProcessEnv = {}): AdapterContext {
  return { env, cwd: '/project', events: () => {}, now: () => new Date('2026-11-27T10:00:00Z'), clients: gcp.clients };
}

/** Plan as the core does: scope -> observe -> desired -> diff. */
export function plan(svc: Service, arts: Artifact[], ctx: AdapterContext, remove = false): Promise<Plan> {
  return planWith(adapter, svc, arts, ctx, remove);
}

/** Plan then apply with the core's runner; returns the plan. */
export function deploy(svc: Service, arts: Artifact[], ctx: AdapterContext, remove = false): Promise<Plan> {
  return deployWith(adapter, svc, arts, ctx, remove);
}

export { work };

