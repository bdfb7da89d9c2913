import type { AdapterContext } from '../../../src/core/adapter.js';
import type { Plan } from '../../../src/core/resources.js';
import type { Artifact } from '../../../src/model/artifact.js';
import type { FunctionSpec, Service } from '../../../src/model/service.js';
import { adapter } from '../../../providers/aws/index.js';
import type { FakeAws } from './fake-aws.js';
import { functionSpec, serviceSpec } from '../../support/model.js';
import { deployWith, fakeArtifacts, planWith, work } from '../../support/adapter-run.js';

/** A function spec with the defaults the config loader would apply. */
export function fn(name: string, over: Partial<FunctionSpec> = {}): FunctionSpec {
  return functionSpec(name, over);
}

export function service(functions: FunctionSpec[], over: Partial<Service> = {}): Service {
  return serviceSpec(functions, { defaultTarget: 'aws', targets: { aws: { region: 'eu-west-1' } }, ...over });
}

/** Deterministic "zip" bytes per function written to a temp folder, as packageService would. */
export function artifacts(svc: Service, code: Record<string, string> = {}): Artifact[] {
  return fakeArtifacts('aws', svc, code);
}

export function context(aws: FakeAws, now = () => new Date('2026-11-27T10:00:00Z')): AdapterContext {
  return { env: {}, cwd: '/project', events: () => {}, now, clients: aws.clients };
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

