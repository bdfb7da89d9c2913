import type { Adapter, AdapterContext } from '../../src/core/adapter.js';
import type { Change, ObservedResource, Scope } from '../../src/core/resources.js';
import type { Service } from '../../src/model/service.js';

/** An in-memory target: what tests of the core's plan/apply need, and nothing more. */
export function fakeAdapter(options: { account?: string; failOn?: string } = {}) {
  const state = new Map<string, ObservedResource>();
  const calls: string[] = [];
  const adapter: Adapter = {
    target: 'local',
    validate: (service: Service) =>
      service.functions.filter((f) => f.memory > 4096).map((f) => ({ severity: 'error' as const, code: 'limit-memory', message: `${f.name}: too much memory`, target: 'local' })),
    scope: async (service: Service): Promise<Scope> => ({ target: 'local', service: service.service, stage: service.stage, account: options.account ?? 'acct-1' }),
    observe: async () => [...state.values()].map((r) => structuredClone(r)),
    desired: (service, artifacts) => [
      ...service.functions.map((f) => ({
        id: `function:${f.name}`,
        type: 'fake:function',
        props: { memory: f.memory, sha256: artifacts.find((a) => a.name === f.name)?.sha256 },
        dependsOn: [`role:${f.name}`],
      })),
      ...service.functions.map((f) => ({ id: `role:${f.name}`, type: 'fake:role', props: { policy: [`logs:${f.name}`] }, security: true })),
    ],
    apply: async (change: Change, _ctx: AdapterContext) => {
      calls.push(`${change.action} ${change.id}`);
      if (options.failOn === change.id) throw new Error(`boom on ${change.id}`);
      if (change.action === 'delete') state.delete(change.id);
      else state.set(change.id, { id: change.id, type: change.type, props: change.after ?? {}, dependsOn: change.dependsOn, security: change.security });
    },
    outputs: async (service) => ({ endpoints: [], functions: service.functions.map((f) => ({ name: f.name, physicalName: `${service.service}-${f.name}` })) }),
  };
  return { adapter, state, calls };
}
