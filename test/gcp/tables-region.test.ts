/**
 * A region where Firestore has no location: today every Cloud Functions region has one, so the
 * location list is replaced here by one without europe-west1 to see the refusals happen, at
 * validate and at plan time (before any call), with the reason.
 */
import { describe, expect, it, vi } from 'vitest';
import { SlsxError } from '../../src/errors/slsx-error.js';
import { adapter } from '../../providers/gcp/index.js';
import { FakeGcp } from './support/fake-gcp.js';
import { context, fn, service } from './support/service.js';

vi.mock('../../providers/gcp/regions.js', async (load) => {
  const real = await load<typeof import('../../providers/gcp/regions.js')>();
  return { ...real, firestoreLocation: (region: string) => (region === 'europe-west1' ? undefined : real.firestoreLocation(region)) };
});

describe('gcp tables in a region without a Firestore location', () => {
  const withTables = (over = {}) => service([fn('api', { tables: [{ name: 'todos', access: 'readwrite' }] })], { tables: [{ name: 'todos', key: 'id' }], ...over });

  it('validate says so for the region in the config; plan refuses it (config or GOOGLE_CLOUD_REGION) before any call', async () => {
    expect(adapter.validate!(withTables()).map((d) => [d.severity, d.code, d.path, d.message])).toEqual([
      ['error', 'gcp-tables-region', 'targets.gcp.region', 'Firestore has no location in europe-west1, so the tables (todos) have nowhere to go on GCP.'],
    ]);
    const gcp = new FakeGcp();
    const err = await adapter.scope(withTables(), context(gcp)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlsxError);
    expect([(err as SlsxError).code, (err as SlsxError).message]).toEqual(['CONFIG_INVALID', "Firestore has no location in europe-west1, where this stage's functions run, so the tables (todos) have nowhere to go on GCP."]);
    const fromEnv = await adapter.scope(withTables({ targets: { gcp: { account: 'shop-prod' } } }), context(gcp, { GOOGLE_CLOUD_REGION: 'europe-west1' })).catch((e: unknown) => e);
    expect((fromEnv as SlsxError).diagnostics[0]).toMatchObject({ code: 'gcp-tables-region', path: 'tables' });
    expect(gcp.calls).toEqual([]);
    // Without tables the same region is fine.
    await expect(adapter.scope(service([fn('api')]), context(gcp))).resolves.toMatchObject({ region: 'europe-west1' });
  });
});
