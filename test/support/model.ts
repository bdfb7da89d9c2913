import type { FunctionSpec, Service } from '../../src/model/service.js';

/** A function spec with the defaults the config loader applies; override what a test needs. */
export function functionSpec(name: string, over: Partial<FunctionSpec> = {}): FunctionSpec {
  return {
    name,
    handler: { file: `src/${name}.ts`, export: 'handler' },
    runtime: 'node22',
    memory: 512,
    timeoutMs: 10_000,
    architecture: 'arm64',
    env: {},
    secrets: [],
    concurrency: { warm: 0 },
    ephemeralStorage: 512,
    events: [],
    sends: [],
    buckets: [],
    ...over,
  };
}

/** A hand-built Service, as `loadService` would return it. */
export function serviceSpec(functions: FunctionSpec[], over: Partial<Service> = {}): Service {
  return {
    service: 'shop',
    stage: 'dev',
    root: '/project',
    configFile: '/project/faas.yaml',
    runtime: 'node22',
    defaultTarget: 'local',
    targets: {},
    functions,
    queues: [],
    buckets: [],
    traffic: {},
    ...over,
  };
}
