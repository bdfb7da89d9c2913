import { describe, expect, it } from 'vitest';
import { dispatchChange, type ResourceApply } from '../../src/apply/dispatch.js';
import type { Change, Props } from '../../src/core/resources.js';
import { SlsxError } from '../../src/errors/slsx-error.js';

interface Ctx {
  id: string;
  physicalId?: string;
  before: Props;
  after: Props;
  extra: string;
}

const change = (action: Change['action'], type = 'thing'): Change => ({
  id: 'thing:a',
  type,
  action,
  reasons: [],
  before: { size: 1 },
  after: { size: 2 },
  physicalId: 'phys-1',
  dependsOn: [],
  security: false,
});

const makeContext = (ch: Change): Ctx => ({ id: ch.id, physicalId: ch.physicalId, before: ch.before ?? {}, after: ch.after ?? {}, extra: 'kept' });

/** Handlers that record each call with a copy of the context they were given. */
function recorder(withUpdate: boolean): { calls: Array<[string, Ctx]>; handler: ResourceApply<Ctx> } {
  const calls: Array<[string, Ctx]> = [];
  const handler: ResourceApply<Ctx> = {
    create: async (c) => void calls.push(['create', { ...c }]),
    delete: async (c) => void calls.push(['delete', { ...c }]),
    ...(withUpdate ? { update: async (c: Ctx) => void calls.push(['update', { ...c }]) } : {}),
  };
  return { calls, handler };
}

describe('dispatchChange', () => {
  it('routes create, update and delete to the handler of the change type, with the built context', async () => {
    for (const action of ['create', 'update', 'delete'] as const) {
      const { calls, handler } = recorder(true);
      await dispatchChange(change(action), { thing: handler }, makeContext, 'aws');
      expect(calls).toEqual([[action, { id: 'thing:a', physicalId: 'phys-1', before: { size: 1 }, after: { size: 2 }, extra: 'kept' }]]);
    }
  });

  it('replaces as delete then create, the create starting with no physical id and nothing observed', async () => {
    const { calls, handler } = recorder(true);
    await dispatchChange(change('replace'), { thing: handler }, makeContext, 'gcp');
    expect(calls.map(([op]) => op)).toEqual(['delete', 'create']);
    expect(calls[0][1]).toMatchObject({ physicalId: 'phys-1', before: { size: 1 } });
    expect(calls[1][1]).toEqual({ id: 'thing:a', physicalId: undefined, before: {}, after: { size: 2 }, extra: 'kept' });
  });

  it('falls back to replace for an update when the handler has no update', async () => {
    const { calls, handler } = recorder(false);
    await dispatchChange(change('update'), { thing: handler }, makeContext, 'azure');
    expect(calls.map(([op]) => op)).toEqual(['delete', 'create']);
    expect(calls[1][1].before).toEqual({});
  });

  it('does nothing for a noop', async () => {
    const { calls, handler } = recorder(true);
    await dispatchChange(change('noop'), { thing: handler }, makeContext, 'aws');
    expect(calls).toEqual([]);
  });

  it('does not create when the delete half of a replace fails', async () => {
    const { calls, handler } = recorder(true);
    handler.delete = async () => {
      throw new Error('delete broke');
    };
    await expect(dispatchChange(change('replace'), { thing: handler }, makeContext, 'aws')).rejects.toThrow('delete broke');
    expect(calls).toEqual([]);
  });

  it('fails as INTERNAL, naming the target and type, for a type without a handler (own keys only)', async () => {
    const { handler } = recorder(true);
    for (const type of ['unknown:type', 'constructor']) {
      const err = await dispatchChange(change('create', type), { thing: handler }, makeContext, 'gcp').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SlsxError);
      expect((err as SlsxError).code).toBe('INTERNAL');
      expect((err as SlsxError).message).toBe(`The gcp adapter cannot apply resources of type '${type}'.`);
    }
  });
});
