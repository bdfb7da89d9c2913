import { afterEach, describe, expect, it } from 'vitest';
import { loadService, validateConfig } from '../../src/config/load-service.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { project, STUBS } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function setup(files: Record<string, string>) {
  const p = project(files);
  cleanups.push(p.cleanup);
  return p.dir;
}

const CONFIG = `service: shop
runtime: node20
stage: qa
targets: { aws: { region: eu-west-1, account: "123456789012" }, azure: { subscription: sub-1 } }
defaults: { memory: 1GB, timeout: 30s, env: { A: 1 } }
queues: { jobs: { visibilityTimeout: 3m, maxRetries: 2 } }
buckets: { files: {}, old: { existing: legacy-bucket } }
functions:
  api:
    handler: src/api.handler
    memory: 3000
    events: [ { http: "GET /x/{id}" } ]
    traffic: { requests: 1M/month, duration: 80ms, coldStartRate: 0.01 }
  worker:
    handler: src/worker.handler
    events: [ { queue: jobs }, { storage: { bucket: files, on: [created, deleted] } }, { schedule: { expression: "rate(2 hours)", input: { a: 1 } } } ]
`;

describe('loadService', () => {
  it('normalizes with every default applied (ms, MB)', async () => {
    const dir = setup({ ...STUBS, 'faas.yaml': CONFIG });
    const { service, target } = await loadService({ cwd: dir, env: {} });
    expect(target).toBe('local');
    expect(service).toMatchObject({ service: 'shop', stage: 'qa', root: dir, runtime: 'node20', defaultTarget: 'local' });
    expect(service.targets).toEqual({ aws: { region: 'eu-west-1', account: '123456789012' }, azure: { account: 'sub-1' } });
    expect(service.queues).toEqual([{ name: 'jobs', visibilityTimeoutMs: 180_000, maxRetries: 2, deadLetter: true, retentionMs: 345_600_000 }]);
    expect(service.buckets).toEqual([{ name: 'files' }, { name: 'old', existing: 'legacy-bucket' }]);
    const [api, worker] = service.functions;
    expect(api).toMatchObject({ memory: 3000, timeoutMs: 30_000, env: { A: '1' }, handler: { file: 'src/api.ts', export: 'handler' } });
    expect(worker!.memory).toBe(1024);
    expect(worker!.events).toEqual([
      { kind: 'queue', queue: 'jobs', batchSize: 10, batchWindowMs: 0 },
      { kind: 'storage', bucket: 'files', on: ['created', 'deleted'] },
      { kind: 'schedule', expression: 'rate(2 hours)', rateMs: 7_200_000, timezone: 'UTC', enabled: true, input: { a: 1 } },
    ]);
    expect(service.traffic).toEqual({ api: { requestsPerMonth: 1_000_000, durationMs: 80, coldStartRate: 0.01 } });
  });

  it('a limit error of another target does not block this one; validate still reports it', async () => {
    const dir = setup({ ...STUBS, 'faas.yaml': CONFIG });
    // api's 3000 MB is not an Azure size (warning) and fine elsewhere; make it an Azure error:
    const dir2 = setup({ ...STUBS, 'faas.yaml': CONFIG.replace('memory: 3000', 'memory: 6000') });
    await expect(loadService({ cwd: dir2, env: {} })).resolves.toMatchObject({ target: 'local' });
    const err = await loadService({ cwd: dir2, env: {}, target: 'azure' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlsxError);
    expect((err as SlsxError).code).toBe('CONFIG_INVALID');
    expect((err as SlsxError).diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.target])).toEqual([['limit-memory', 'azure']]);
    const all = await validateConfig({ cwd: dir2, env: {} });
    expect(all.targets).toEqual(['local', 'aws', 'azure']);
    expect(all.diagnostics.some((d) => d.code === 'limit-memory' && d.target === 'azure')).toBe(true);
    const ok = await validateConfig({ cwd: dir, env: {} });
    expect(ok.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('--stage overrides the file and feeds ${stage}', async () => {
    const dir = setup({ ...STUBS, 'faas.yaml': CONFIG.replace('A: 1', 'A: t-${stage}') });
    const { service } = await loadService({ cwd: dir, env: {}, stage: 'prod' });
    expect(service.stage).toBe('prod');
    expect(service.functions[0]!.env.A).toBe('t-prod');
  });
});
