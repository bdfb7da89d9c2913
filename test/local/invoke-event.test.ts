import { describe, expect, it } from 'vitest';
import { invokeEvent } from '../../providers/local/invoke-event.js';
import type { FunctionSpec } from '../../src/model/service.js';
import { functionSpec } from '../support/model.js';

const api: FunctionSpec = functionSpec('api', {
  events: [
    { kind: 'http', method: 'POST', path: '/orders', cors: false },
    { kind: 'http', method: 'GET', path: '/orders/{id}', cors: false },
  ],
});
const now = new Date('2026-01-01T00:00:00Z');

describe('invoke payload for an http function', () => {
  it('fills path parameters from the matching route when only a path is given', () => {
    const { kind, event } = invokeEvent(api, { method: 'GET', path: '/orders/42' }, now);
    expect(kind).toBe('http');
    expect(event).toMatchObject({ method: 'GET', path: '/orders/42', pathParams: { id: '42' } });
  });

  it('keeps explicit parameters and builds the path from the first route', () => {
    expect(invokeEvent(api, { pathParams: { id: '7' } }, now).event).toMatchObject({ method: 'POST', path: '/orders', pathParams: { id: '7' } });
    expect(invokeEvent(api, { method: 'GET', path: '/orders/9', pathParams: { id: 'x' } }, now).event).toMatchObject({ pathParams: { id: 'x' } });
  });

  it('leaves parameters empty when no route matches', () => {
    expect(invokeEvent(api, { method: 'GET', path: '/nope/1' }, now).event).toMatchObject({ pathParams: {} });
  });
});
