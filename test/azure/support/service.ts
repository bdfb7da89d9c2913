import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { testTmp } from '../../support/tmp.js';
import { join } from 'node:path';
import type { AdapterContext } from '../../../src/core/adapter.js';
import type { Plan } from '../../../src/core/resources.js';
import type { Artifact } from '../../../src/model/artifact.js';
import type { FunctionSpec, Service } from '../../../src/model/service.js';
import { adapter } from '../../../providers/azure/index.js';
import { functionSpec, serviceSpec } from '../../support/model.js';
import { SUB, type FakeArm } from './fake-arm.js';
import { deployWith, planWith, work } from '../../support/adapter-run.js';

export function fn(name: string, over: Partial<FunctionSpec> = {}): FunctionSpec {
  return functionSpec(name, { architecture: 'x86_64', ...over });
}

export function service(functions: FunctionSpec[], over: Partial<Service> = {}): Service {
  return serviceSpec(functions, { defaultTarget: 'azure', targets: { azure: { region: 'westeurope', account: SUB, resourceGroup: 'shop-rg' } }, ...over });
}

/** The one app.zip of the service, with content `code`, as packageService writes it. */
export function artifacts(svc: Service, code = 'v1'): Artifact[] {
  const dir = testTmp('slsx-azure-');
  const bytes = Buffer.from(`app.zip of ${svc.functions.map((f) => f.name).join(',')}: ${code}`);
  const zipPath = join(dir, 'app.zip');
  writeFileSync(zipPath, bytes);
  return [{ target: 'azure', name: 'app', functions: svc.functions.map((f) => f.name), zipPath, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, entry: 'index.mjs' }];
}

export function context(arm: FakeArm, env: NodeJS.ProcessEnv = {}): AdapterContext {
  return { env, cwd: '/project', events: () => {}, now: () => new Date('2026-11-27T10:00:00Z'), clients: arm.clients };
}

export function plan(svc: Service, arts: Artifact[], ctx: AdapterContext, remove = false): Promise<Plan> {
  return planWith(adapter, svc, arts, ctx, remove);
}

/** Plan then apply with the core's runner, in a fresh context (as a separate command is). */
export function deploy(svc: Service, arts: Artifact[], arm: FakeArm, remove = false): Promise<Plan> {
  return deployWith(adapter, svc, arts, context(arm), remove);
}

export { work };

