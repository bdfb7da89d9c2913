import { describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/core/adapter.js';
import { noopSink } from '../../src/core/events.js';
import { resolveProfiles, type ResolveDeps, type ResolveInput } from '../../src/cost/resolve-profiles.js';
import { SlsxError } from '../../src/errors/slsx-error.js';
import type { InvocationRecord } from '../../src/model/invocation.js';
import type { FunctionSpec, Service } from '../../src/model/service.js';
import { functionSpec, serviceSpec } from '../support/model.js';

const T = 730 * 3600;
const fn = (name: string, over: Partial<FunctionSpec> = {}): FunctionSpec => functionSpec(name, { handler: { file: 'src/a.ts', export: 'handler' }, ...over });
const service = (over: Partial<Service> = {}): Service =>
  serviceSpec([fn('api', { concurrency: { warm: 2, max: 50 }, events: [{ kind: 'http', method: 'GET', path: '/', cors: false }] })], { root: '/p', configFile: '/p/faas.yaml', ...over });
const input = (over: Partial<ResolveInput> = {}): ResolveInput => ({ cwd: '/p', env: {}, fromMetrics: false, flags: {}, secondsPerMonth: T, adapterContext: { events: noopSink, now: () => new Date(0) }, ...over });
const records: InvocationRecord[] = [0, 1, 2, 3].map((i) => ({ target: 'local', function: 'api', requestId: `r${i}`, startedAt: i * 1000, coldStart: i === 0, ...(i === 0 ? { initMs: 250 } : {}), durationMs: 40, billedMs: 40, memoryMb: 512, outcome: 'ok', trigger: 'http', source: 'local measurement' }));
const deps = (svc: Service | Error, adapter?: Partial<Adapter>): ResolveDeps => ({
  loadService: async () => {
    if (svc instanceof Error) throw svc;
    return { service: svc, target: 'local', diagnostics: [] };
  },
  loadAdapter: async () => (adapter ?? {}) as Adapter,
});

describe('where profiles come from', () => {
  it('from invocation records, keeping the function config (warm, max, triggers) and letting flags win', async () => {
    let asked: unknown;
    const adapter = { invocations: async (_s: Service, opts: unknown) => ((asked = opts), records) };
    const { profiles, notes } = await resolveProfiles(input({ fromMetrics: true, sinceMs: 60_000, flags: { memoryMb: 1024 } }), deps(service(), adapter));
    expect(asked).toEqual({ sinceMs: 60_000 });
    expect(profiles).toHaveLength(1);
    expect(profiles[0]).toMatchObject({ function: 'api', durationMs: 40, coldStartRate: 0.25, initMs: 250, warm: 2, maxConcurrency: 50, memoryMb: 1024, events: { http: true }, source: 'local measurement + flags' });
    expect(profiles[0].requestsPerMonth).toBeCloseTo((4 * T * 1000) / 60_000, 6);
    expect(notes[0]).toMatch(/api: 4 invocation\(s\) over 60 s from local measurement/);
  });

  it('from flags alone when there is no faas.yaml', async () => {
    const { profiles } = await resolveProfiles(input({ flags: { requestsPerMonth: 5, durationMs: 10 } }), deps(new SlsxError('CONFIG_NOT_FOUND', 'none')));
    expect(profiles[0]).toMatchObject({ function: 'fn', requestsPerMonth: 5, durationMs: 10, source: 'flags' });
  });

  it('propagates config errors other than "not found" (a broken faas.yaml is the user\'s to fix)', async () => {
    await expect(resolveProfiles(input({ flags: { requestsPerMonth: 5, durationMs: 10 } }), deps(new SlsxError('CONFIG_INVALID', 'bad')))).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('refuses a traffic: entry with a zero duration, naming it', async () => {
    const svc = service({ traffic: { api: { requestsPerMonth: 10, durationMs: 0 } } });
    await expect(resolveProfiles(input(), deps(svc))).rejects.toThrow(/traffic\.api in \/p\/faas\.yaml: duration must be more than 0/);
  });

  it('prices functions without traffic from the flags when the flags describe one', async () => {
    const svc = service({ functions: [fn('api'), fn('other')], traffic: { api: { requestsPerMonth: 10, durationMs: 5 } } });
    const { profiles } = await resolveProfiles(input({ flags: { requestsPerMonth: 7, durationMs: 3 } }), deps(svc));
    expect(profiles.map((p) => [p.function, p.requestsPerMonth])).toEqual([['api', 7], ['other', 7]]);
  });
});
